import ArgumentParser
import Pipeline
import UserStreamRuntime

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Consume users_created into spark_streams.created_users.",
        discussion: """
            Rows, aggregates and consumer offsets of each batch commit in one SQLite transaction, so a crash at \
            any point neither loses nor doubles a user. With --cassandra, each batch is a journaled sequence of \
            idempotent writes, offsets last, with the same guarantee. Invalid records go to users_created.dlq with \
            the reason.
            """
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var logOptions: LogOptions
    @OptionGroup var processOptions: ProcessOptions
    @OptionGroup var kafka: KafkaClientOptions
    @OptionGroup var cassandra: CassandraOptions

    @Flag(help: "Exit once every partition is consumed to its end. (env: USERSTREAM_UNTIL_IDLE)")
    var untilIdle: Bool = Env.bool("UNTIL_IDLE", false)

    func run() async throws {
        let logger = data.makeLogger()
        let configuration = RuntimeConfiguration(
            log: try data.log(logOptions, kafka: kafka),
            store: data.store(cassandra),
            work: .processOnce(
                ProcessorConfiguration(
                    group: processOptions.group,
                    maxBatchRecords: processOptions.processBatch,
                    untilIdle: untilIdle,
                    partitions: logOptions.partitions
                )
            )
        )
        let outcome = try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            try await services.run(logger: logger)
            return services.outcome
        }
        if let done = outcome.processed {
            print(
                "processed \(done.records) records: \(done.inserted) stored, \(done.duplicates) duplicates, "
                    + "\(done.deadLettered) dead-lettered"
            )
        }
    }
}
