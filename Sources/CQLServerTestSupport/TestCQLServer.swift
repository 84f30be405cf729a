import CQLEngine
import CQLServer
import Logging
import SQLiteStore
import UserStreamTestSupport

/// Our CQL server on an ephemeral loopback port over a fresh embedded store in a temporary directory, running in a
/// background task: what the CQL interop and `CassandraStore` contract tests talk to. Tests use it through
/// ``withTestCQLServer(authentication:isolation:_:)``, which stops it when the test ends.
public final class TestCQLServer: Sendable {
    public let directory: TemporaryDirectory
    public let store: SQLiteStore
    public let port: Int
    private let task: Task<Void, any Error>

    public var contactPoint: String { "127.0.0.1:\(port)" }

    static let logger: Logger = {
        var logger = Logger(label: "test.cql")
        logger.logLevel = .warning
        return logger
    }()

    /// - Parameter authentication: users and passwords to require; `nil` lets every client in.
    public init(authentication: CQLServerConfiguration.Credentials? = nil) async throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path + "/store")
                .attaching(CQLEngine.storeAttachment),
            logger: Self.logger
        )
        let engine = try CQLEngine(store: store, configuration: CQLEngineConfiguration(), logger: Self.logger)
        var configuration = CQLServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.authentication = authentication
        let server = CQLServer(engine: engine, configuration: configuration, logger: Self.logger)
        port = try await server.bind()
        task = Task { try await server.run() }
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
        try? await store.close()
        directory.remove()
    }
}

/// Runs `body` with a fresh ``TestCQLServer`` and stops it (server, store, directory) before returning, also when
/// `body` throws; the body's error is rethrown.
///
/// - Parameter authentication: users and passwords to require; `nil` lets every client in.
public func withTestCQLServer<Result>(
    authentication: CQLServerConfiguration.Credentials? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TestCQLServer) async throws -> Result
) async throws -> Result {
    let server = try await TestCQLServer(authentication: authentication)
    let result: Result
    do {
        result = try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
    return result
}
