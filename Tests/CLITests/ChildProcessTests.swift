import Foundation
import Testing
import UserStreamTestSupport

@Suite("ChildProcess")
struct ChildProcessTests {
    /// A test whose task is cancelled (a failed sibling in a task group, a time limit) must not leave its child running.
    @Test func aCancelledWaitKillsTheChild() async throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        let waiting = Task { try await child.wait(timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(child.isRunning)
        waiting.cancel()
        let result = await waiting.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(!child.isRunning)
    }
}
