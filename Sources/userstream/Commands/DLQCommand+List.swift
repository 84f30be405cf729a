import ArgumentParser
import Pipeline
import UserStreamCore
import UserStreamRuntime

extension DLQCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Show the dead letters in log order, with their reason, stage and replay state.",
            discussion: """
                replay is 'pending' (not replayed yet), 'replayed', or 'returned' (a replayed record that failed \
                again and came back with its new reason).
                """
        )

        @OptionGroup var data: DataOptions
        @OptionGroup var logOptions: LogOptions
        @OptionGroup var kafka: KafkaClientOptions
        @OptionGroup var filter: DeadLetterOptions

        @Option(help: "Show at most the newest N matching dead letters (by record time). (env: USERSTREAM_LIMIT)")
        var limit: Int = Env.int("LIMIT", 100)

        @Option(help: "Output format: table, json or csv (json and csv include the value). (env: USERSTREAM_FORMAT)")
        var format: String = Env.string("FORMAT", "table")

        func validate() throws {
            guard QueryOutputFormat(rawValue: format) != nil else {
                throw ValidationError("--format must be table, json or csv")
            }
            guard limit > 0 else { throw ValidationError("--limit must be ≥ 1") }
        }

        func run() async throws {
            let logger = data.makeLogger()
            let format = QueryOutputFormat(rawValue: format)!
            let letters = try await UserStreamRuntime.withEngines(
                log: try data.log(logOptions, kafka: kafka),
                store: nil,
                logger: logger
            ) { log, _ in
                try await DeadLetters(log: log, logger: logger).list(filter.filter, limit: limit)
            }
            print(DLQCommand.table(letters, values: format != .table).formatted(as: format), terminator: "")
        }
    }
}
