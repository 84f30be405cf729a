import ArgumentParser
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization
import UserStreamCore

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
        let totals = Mutex<Processor.Totals?>(nil)
        try await Components.withEngines(
            data,
            logOptions,
            kafka: kafka,
            cassandra: cassandra,
            logger: logger
        ) { engines in
            let processor = Processor(
                log: engines.log,
                store: engines.store,
                configuration: ProcessorConfiguration(
                    group: processOptions.group,
                    maxBatchRecords: processOptions.processBatch,
                    untilIdle: untilIdle,
                    partitions: logOptions.partitions
                ),
                logger: logger
            )
            try await Components.runOneShot(logger: logger) {
                let done = try await processor.runUntilDone()
                totals.withLock { $0 = done }
            }
        }
        if let done = totals.withLock({ $0 }) {
            print(
                "processed \(done.records) records: \(done.inserted) stored, \(done.duplicates) duplicates, "
                    + "\(done.deadLettered) dead-lettered"
            )
        }
    }
}
