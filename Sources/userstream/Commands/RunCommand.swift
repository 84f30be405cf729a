import ArgumentParser
import Pipeline
import UserStreamRuntime

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

    @Option(
        help: """
            Hold the ingestor back while this many users are produced and not yet stored (the processor group's \
            lag), so that a source faster than the processor keeps a short queue; 0 = never. \
            (env: USERSTREAM_MAX_PENDING)
            """
    )
    var maxPending: Int = Env.int("MAX_PENDING", Backpressure.defaultMaxPending)

    func validate() throws {
        guard (0...65535).contains(kafkaPort) else { throw ValidationError("--kafka-port must be in 0…65535") }
        guard (0...65535).contains(cqlPort) else { throw ValidationError("--cql-port must be in 0…65535") }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be in 0…65535") }
        guard maxPending >= 0 else { throw ValidationError("--max-pending must be ≥ 0 (0 = never hold back)") }
        _ = try CronSchedule(parsing: schedule)
        guard DurationText.parse(duration) != nil else {
            throw ValidationError("--duration: '\(duration)' is not a duration like 60s or 5m")
        }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let configuration = RuntimeConfiguration(
            log: try data.log(logOptions, kafka: kafka),
            store: data.store(cassandra),
            work: .pipeline(
                PipelineWork(
                    source: try sourceOptions.sourceChoice(),
                    ingest: IngestConfiguration(
                        duration: DurationText.parse(duration),
                        count: nil,
                        batchSize: sourceOptions.batchSize,
                        usersPerSecond: sourceOptions.rate,
                        partitions: logOptions.partitions
                    ),
                    schedule: try CronSchedule(parsing: schedule),
                    processor: ProcessorConfiguration(
                        group: processOptions.group,
                        maxBatchRecords: processOptions.processBatch,
                        partitions: logOptions.partitions
                    ),
                    maxPending: maxPending > 0 ? maxPending : nil
                )
            ),
            listeners: RuntimeListeners(
                kafka: kafkaPort == 0
                    ? nil
                    : brokerOptions.configuration(host: kafkaHost, port: kafkaPort, partitions: logOptions.partitions),
                cql: cqlPort == 0 ? nil : CQLListener(server: cqlOptions.configuration(host: cqlHost, port: cqlPort)),
                http: httpPort == 0
                    ? nil
                    : HTTPListener(
                        host: httpHost,
                        port: httpPort,
                        group: processOptions.group,
                        snapshot: snapshotOptions.configuration
                    )
            )
        )
        try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            logger.info(
                "userstream.run.started",
                metadata: [
                    "data_dir": "\(data.dataDir)", "source": "\(sourceOptions.source)", "schedule": "\(schedule)",
                    "duration": "\(duration)",
                ]
            )
            try await services.run(logger: logger)
        }
        logger.info("userstream.run.stopped")
    }
}
