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
        var processor = ProcessorConfiguration(
            group: processOptions.group,
            maxBatchRecords: processOptions.processBatch,
            untilIdle: untilIdle,
            partitions: logOptions.partitions
        )
        let progress = ProgressLine.onTerminal()
        let processed = ProgressCount()
        if progress != nil {
            processor.onCommit = { commit in processed.add(commit.records) }
        }
        let configuration = RuntimeConfiguration(
            log: try data.log(logOptions, kafka: kafka),
            store: data.store(cassandra),
            work: .processOnce(processor)
        )
        let group = processor.group
        let topic = processor.topic
        let outcome = try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            guard let progress, let log = services.log, let store = services.store else {
                try await services.run(logger: logger)
                return services.outcome
            }
            // The records committed so far, their rate, and the group's lag (asked of the log and the store every
            // half second).
            let lag = ConsumerLagMonitor(log: log, store: store, group: group, topic: topic, logger: logger)
            let ticker = Task {
                while !Task.isCancelled {
                    let behind = try? await lag.lag().values.reduce(0, +)
                    let done = processed.value
                    progress.show(
                        "process: \(ProgressLine.count(done)) records  "
                            + "\(ProgressLine.rate(done, over: progress.elapsedSeconds)) records/s  "
                            + "lag \(behind.map { ProgressLine.count(Int($0)) } ?? "--")",
                        force: true
                    )
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            defer {
                ticker.cancel()
                progress.finish()
            }
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
