import ArgumentParser
import UserStreamRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve the store over HTTP alone: the dashboard, Trino's protocol for Superset, /metrics, /healthz, /readyz.",
        discussion: """
            Reads the embedded store read-only, so it works while `userstream run` writes the same data dir; or, \
            with --cassandra, a Cassandra keyspace the pipeline writes (through a local copy refreshed every \
            --snapshot-interval). With --kafka it also reads the log: consumer lag and the latest dead letters of \
            users_created.dlq. Superset: trino://trino@localhost:8080/cassandra/spark_streams
            """
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var kafka: KafkaClientOptions
    @OptionGroup var cassandra: CassandraOptions
    @OptionGroup var snapshotOptions: SnapshotOptions

    @Option(help: "The processor's consumer group, whose lag is shown. (env: USERSTREAM_GROUP)")
    var group: String = Env.string("GROUP", "userstream")

    @Option(help: "The HTTP port. (env: USERSTREAM_HTTP_PORT)")
    var port: Int = Env.int("HTTP_PORT", 8080)

    @Option(help: "The address the HTTP server binds. (env: USERSTREAM_HTTP_HOST)")
    var host: String = Env.string("HTTP_HOST", "127.0.0.1")

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
        if let problem = Env.problems.first { throw ValidationError(problem) }
    }

    func run() async throws {
        let logger = data.makeLogger()
        // The store: a Cassandra keyspace (--cassandra), else the embedded store, read-only. The log, only with
        // --kafka: the embedded log belongs to the process that writes it.
        let configuration = RuntimeConfiguration(
            log: kafka.configuration().map { .kafka($0) },
            store: data.store(cassandra, readOnly: true),
            work: .serve,
            listeners: RuntimeListeners(
                http: HTTPListener(host: host, port: port, group: group, snapshot: snapshotOptions.configuration)
            )
        )
        try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            try await services.run(logger: logger)
        }
    }
}
