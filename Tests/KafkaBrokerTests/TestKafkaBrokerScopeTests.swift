import Foundation
import KafkaBrokerTestSupport
import NIOCore
import NIOPosix
import Testing

/// `withTestKafkaBroker` stops the broker and removes its directory before it returns, whether the body returned or
/// threw, and rethrows the body's error.
@Suite("withTestKafkaBroker stops the broker on every path")
struct TestKafkaBrokerScopeTests {
    struct BodyFailed: Error {}

    static func accepts(port: Int) async -> Bool {
        guard
            let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    @Test func aBodyThatReturnsLeavesNoBrokerBehind() async throws {
        let (port, directory) = try await withTestKafkaBroker { broker in
            #expect(await Self.accepts(port: broker.port))
            return (broker.port, broker.directory.path)
        }
        #expect(!(await Self.accepts(port: port)))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aBodyThatThrowsLeavesNoBrokerBehindAndItsErrorIsRethrown() async throws {
        var seen: (port: Int, directory: String)?
        await #expect(throws: BodyFailed.self) {
            try await withTestKafkaBroker { broker in
                seen = (broker.port, broker.directory.path)
                throw BodyFailed()
            }
        }
        let (port, directory) = try #require(seen)
        #expect(!(await Self.accepts(port: port)))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
