import Foundation
import HTTPServer
import Hummingbird
import Logging
import Testing
import UserStreamTestSupport

/// Real clients we did not write against the HTTP server on a real socket: the `trino` Python client (DBAPI),
/// SQLAlchemy's trino dialect with pandas (as Superset uses them), and prometheus_client's text-format parser.
@Suite(.serialized) struct TrinoInteropTests {
    static let packageRoot = InteropEnvironment.packageRoot
    static var python: String { InteropEnvironment.python }

    /// Runs `Interop/trino_clients.py` against `port`, expecting at least `minUsers` users.
    static func trinoClients(port: Int, minUsers: Int) async throws -> ChildProcess.Output {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python at \(python): run `make test` (it installs trino, sqlalchemy, pandas)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(
            python,
            [packageRoot + "/Tests/HTTPServerTests/Interop/trino_clients.py", String(port), String(minUsers)],
            timeout: .seconds(180)
        )
    }

    @Test("trino DBAPI, SQLAlchemy + pandas and prometheus_client against the server")
    func realClients() async throws {
        try await withHTTPTestStore(users: 120) { fixture in
            var logger = Logger(label: "userstream.http.tests")
            logger.logLevel = .warning
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = buildApplication(
                fixture.context,
                configuration: HTTPServerConfiguration(port: 0),
                logger: logger,
                onServerRunning: { port in continuation.yield(port) }
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                let output = try await Self.trinoClients(port: port, minUsers: 120)
                #expect(output.status == 0, "stdout:\n\(output.stdout)\nstderr:\n\(output.stderr.suffix(4000))")
                for check in [
                    "group by gender", "show catalogs", "describe", "sqlalchemy columns", "pandas read_sql",
                    "metrics parsed",
                ] {
                    #expect(output.stdout.contains("ok " + check), "\(output.stdout)")
                }
                group.cancelAll()
            }
        }
    }
}
