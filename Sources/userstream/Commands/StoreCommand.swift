import ArgumentParser
import UserStreamRuntime

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Serve the embedded store over CQL (cqlsh, Cassandra drivers).",
        discussion: """
            Keyspace spark_streams holds the pipeline's tables (created_users, user_counts, consumer_offsets, \
            run_stats); other keyspaces and tables can be created with CQL. Another process may write the same \
            data directory (userstream run or process). Password authentication is off on loopback unless \
            --cql-auth is given, and always on for other addresses.
            """
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var cqlOptions: CQLServerOptions

    @Option(help: "The address to listen on. (env: USERSTREAM_CQL_HOST)")
    var host: String = Env.string("CQL_HOST", "127.0.0.1")

    @Option(help: "The port to listen on. (env: USERSTREAM_CQL_PORT)")
    var port: Int = Env.int("CQL_PORT", 9042)

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let configuration = RuntimeConfiguration(
            store: .embedded(data.storeConfiguration()),
            work: .serve,
            listeners: RuntimeListeners(cql: CQLListener(server: cqlOptions.configuration(host: host, port: port)))
        )
        try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            try await services.run(logger: logger)
        }
    }
}
