import ArgumentParser
import HTTPServer
import KafkaLog
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import UserStreamCore

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
        // The store: a Cassandra keyspace (--cassandra), else the embedded store, read-only.
        let store: any UserStore
        if let configuration = cassandra.configuration() {
            store = try await Components.openCassandra(configuration, logger: logger)
        } else {
            store = try Components.openStore(data, readOnly: true, logger: logger)
        }
        // The log, only with --kafka: the embedded log belongs to the process that writes it.
        var log: (any Log)? = nil
        do {
            if let configuration = kafka.configuration(partitions: 3) {
                logger.info("kafka.connecting", metadata: ["kafka.bootstrap": "\(configuration.bootstrapServers)"])
                log = try KafkaLog(configuration: configuration, logger: logger)
            }
            try await Components.withHTTPServices(
                .init(store: store, log: log, scheduler: nil, group: group),
                snapshot: snapshotOptions,
                host: host,
                port: port,
                logger: logger
            ) { services in
                try await Components.runServices(services, logger: logger)
            }
        } catch {
            try? await log?.close()
            try? await store.close()
            throw error
        }
        try await log?.close()
        try await store.close()
    }
}
