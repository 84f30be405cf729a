import CQLServerTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// `withTestCQLServer` stops the server and removes its directory before it returns, whether the body returned or
/// threw, and rethrows the body's error.
@Suite("withTestCQLServer stops the server on every path")
struct TestCQLServerScopeTests {
    struct BodyFailed: Error {}

    static func accepts(port: Int) async -> Bool {
        guard
            let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    @Test func aBodyThatReturnsLeavesNoServerBehind() async throws {
        let (port, directory) = try await withTestCQLServer { server in
            #expect(await Self.accepts(port: server.port))
            return (server.port, server.directory.path)
        }
        #expect(!(await Self.accepts(port: port)))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aBodyThatThrowsLeavesNoServerBehindAndItsErrorIsRethrown() async throws {
        var seen: (port: Int, directory: String)?
        await #expect(throws: BodyFailed.self) {
            try await withTestCQLServer { server in
                seen = (server.port, server.directory.path)
                throw BodyFailed()
            }
        }
        let (port, directory) = try #require(seen)
        #expect(!(await Self.accepts(port: port)))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
