import ArgumentParser
import Dashboard
import HTTPServer
import Hummingbird
import Logging
import ServiceLifecycle
import Store

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the store over HTTP alone: Trino's protocol for Superset, /metrics, /healthz, /readyz.",
        discussion: """
            Opens the store read-only, so it works while `userstream run` writes the same data dir. \
            Superset: trino://trino@localhost:8080/cassandra/spark_streams
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: "The HTTP port. (env: USERSTREAM_HTTP_PORT)")
    var port: Int = Env.int("HTTP_PORT", 8080)

    @Option(help: "The address the HTTP server binds. (env: USERSTREAM_HTTP_HOST)")
    var host: String = Env.string("HTTP_HOST", "127.0.0.1")

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let store = try Components.openStore(data, readOnly: true, logger: logger)
        do {
            // No scheduler and no log in this process: the dashboard's controls answer 409 and lag is "unknown".
            let dashboard = DashboardController(store: store, scheduler: nil, logOffsets: nil, logger: logger)
            let app = buildApplication(
                HTTPServerContext(store: store),
                configuration: HTTPServerConfiguration(host: host, port: port),
                extraRoutes: [{ dashboard.addRoutes(to: $0) }],
                logger: logger
            )
            try await Components.runServices([.init(service: app)], logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
