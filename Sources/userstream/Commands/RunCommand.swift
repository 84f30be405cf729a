import ArgumentParser
import CQLEngine
import CQLServer
import HTTPServer
import KafkaBroker
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import UserStreamCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Start the whole pipeline: the user_automation schedule, ingestor, embedded log, processor and store.",
        discussion: """
            The first job run starts right away, then the schedule takes over; a run still going at a fire time \
            makes that fire time skipped (missed runs are not caught up). SIGINT/SIGTERM stop fetching, drain the \
            processor, commit and close.
            """
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var logOptions: LogOptions
    @OptionGroup var processOptions: ProcessOptions
    @OptionGroup var brokerOptions: KafkaBrokerOptions
    @OptionGroup var kafka: KafkaClientOptions
    @OptionGroup var cassandra: CassandraOptions

    @Option(help: "Serve the embedded log to Kafka clients on this port; 0 turns it off. (env: USERSTREAM_KAFKA_PORT)")
    var kafkaPort: Int = Env.int("KAFKA_PORT", 9092)

    @Option(help: "The address the Kafka listener binds. (env: USERSTREAM_KAFKA_HOST)")
    var kafkaHost: String = Env.string("KAFKA_HOST", "127.0.0.1")

    @OptionGroup var cqlOptions: CQLServerOptions

    @Option(help: "Serve the embedded store to CQL clients on this port; 0 turns it off. (env: USERSTREAM_CQL_PORT)")
    var cqlPort: Int = Env.int("CQL_PORT", 9042)

    @Option(help: "The address the CQL listener binds. (env: USERSTREAM_CQL_HOST)")
    var cqlHost: String = Env.string("CQL_HOST", "127.0.0.1")

    @Option(
        help: """
            Serve HTTP (the dashboard, Trino's protocol for Superset, /metrics, /healthz, /readyz) on this port; 0 \
            turns it off. (env: USERSTREAM_HTTP_PORT)
            """
    )
    var httpPort: Int = Env.int("HTTP_PORT", 8080)

    @Option(help: "The address the HTTP server binds. (env: USERSTREAM_HTTP_HOST)")
    var httpHost: String = Env.string("HTTP_HOST", "127.0.0.1")

    @OptionGroup var snapshotOptions: SnapshotOptions

    @Option(help: "When user_automation runs: cron (UTC), @hourly…, or @every 30s. (env: USERSTREAM_SCHEDULE)")
    var schedule: String = Env.string("SCHEDULE", "* * * * *")

    @Option(help: "How long each job run streams users. (env: USERSTREAM_DURATION)")
    var duration: String = Env.string("DURATION", "60s")

    func validate() throws {
        guard (0...65535).contains(kafkaPort) else { throw ValidationError("--kafka-port must be in 0…65535") }
        guard (0...65535).contains(cqlPort) else { throw ValidationError("--cql-port must be in 0…65535") }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be in 0…65535") }
        _ = try CronSchedule(parsing: schedule)
        guard DurationText.parse(duration) != nil else {
            throw ValidationError("--duration: '\(duration)' is not a duration like 60s or 5m")
        }
    }

    func run() async throws {
        let logger = data.makeLogger()
        // Metrics go to the Prometheus registry /metrics serves; installed before the pipeline records anything.
        if httpPort != 0 { HTTPMetrics.bootstrap() }
        try await Components.withEngines(
            data,
            logOptions,
            kafka: kafka,
            cassandra: cassandra,
            logger: logger
        ) { engines in
            let log = engines.log
            let store = engines.store
            let ingestor = Ingestor(
                log: log,
                store: store,
                source: try Components.makeSource(sourceOptions, logger: logger),
                configuration: IngestConfiguration(
                    duration: DurationText.parse(duration),
                    count: nil,
                    batchSize: sourceOptions.batchSize,
                    usersPerSecond: sourceOptions.rate,
                    partitions: logOptions.partitions
                ),
                logger: logger
            )
            let scheduler = JobScheduler(
                ingestor: ingestor,
                schedule: try CronSchedule(parsing: schedule),
                logger: logger
            )
            let processor = Processor(
                log: log,
                store: store,
                configuration: ProcessorConfiguration(
                    group: processOptions.group,
                    maxBatchRecords: processOptions.processBatch,
                    partitions: logOptions.partitions
                ),
                logger: logger
            )
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let embedded = engines.embedded {
                services.append(.init(service: RetentionService(log: embedded, logger: logger)))
            }
            // The embedded log is served to Kafka clients unless a Kafka cluster is the log (--kafka).
            if kafkaPort != 0, let embedded = engines.embedded {
                let broker = KafkaBroker(
                    log: embedded,
                    configuration: brokerOptions.configuration(
                        host: kafkaHost,
                        port: kafkaPort,
                        partitions: logOptions.partitions
                    ),
                    logger: logger
                )
                try await broker.bind()
                services.append(.init(service: broker))
            }
            // The embedded store is served to CQL clients (cqlsh, drivers) on --cql-port, unless a Cassandra cluster
            // is the store (--cassandra).
            if cqlPort != 0, let sqlite = store as? SQLiteStore {
                let engine = try CQLEngine(store: sqlite, configuration: CQLEngineConfiguration(), logger: logger)
                let server = CQLServer(
                    engine: engine,
                    configuration: cqlOptions.configuration(host: cqlHost, port: cqlPort),
                    logger: logger
                )
                try await server.bind()
                services.append(.init(service: server))
            }
            logger.info(
                "userstream.run.started",
                metadata: [
                    "data_dir": "\(data.dataDir)", "source": "\(sourceOptions.source)", "schedule": "\(schedule)",
                    "duration": "\(duration)",
                ]
            )
            // Services shut down in reverse order: the scheduler stops fetching first, then the processor drains.
            let pipeline: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: processor), .init(service: scheduler),
            ]
            guard httpPort != 0 else {
                try await Components.runServices(services + pipeline, logger: logger)
                return
            }
            // HTTP: Trino's protocol, /metrics, /healthz, /readyz and the dashboard, over the embedded store or a
            // local copy of the Cassandra keyspace (--cassandra).
            try await Components.withHTTPServices(
                .init(store: store, log: log, scheduler: scheduler, group: processOptions.group),
                snapshot: snapshotOptions,
                host: httpHost,
                port: httpPort,
                logger: logger
            ) { http in
                try await Components.runServices(services + http + pipeline, logger: logger)
            }
        }
        logger.info("userstream.run.stopped")
    }
}
