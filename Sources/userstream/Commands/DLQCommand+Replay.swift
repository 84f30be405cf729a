import ArgumentParser
import Pipeline
import UserStreamCore
import UserStreamRuntime

extension DLQCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Re-produce dead letters to users_created, each once.",
            discussion: """
                Each record keeps its key, value and headers (without the dlq_* ones) and gains replayed_from_topic, \
                replayed_from_partition and replayed_from_offset; an ingest-stage dead letter (a user as the source \
                sent it) is flattened first, as the ingestor would have. The replay is a job run of its own (job \
                dlq_replay, source dlq) in `runs`. What was replayed is kept in users_created.dlq.replayed, so a \
                second replay does not resend it. A record that fails again returns to users_created.dlq with its \
                new reason; it is replayed again only with --include-returned.
                """
        )

        @OptionGroup var data: DataOptions
        @OptionGroup var logOptions: LogOptions
        @OptionGroup var kafka: KafkaClientOptions
        @OptionGroup var cassandra: CassandraOptions
        @OptionGroup var filter: DeadLetterOptions

        @Flag(help: "Show what would be replayed; produce nothing. (env: USERSTREAM_DRY_RUN)")
        var dryRun: Bool = Env.bool("DRY_RUN", false)

        @Flag(
            help: """
                Also replay records that came back from an earlier replay. (env: USERSTREAM_INCLUDE_RETURNED)
                """
        )
        var includeReturned: Bool = Env.bool("INCLUDE_RETURNED", false)

        func run() async throws {
            let logger = data.makeLogger()
            let progress = ProgressLine.onTerminal()
            defer { progress?.finish() }
            var onProgress: (@Sendable (Int, Int) -> Void)? = nil
            if let progress {
                onProgress = { done, total in
                    progress.show(
                        "dlq replay: \(ProgressLine.count(done)) / \(ProgressLine.count(total)) dead letters  "
                            + "\(ProgressLine.rate(done, over: progress.elapsedSeconds)) records/s  "
                            + "ETA \(progress.eta(done: done, total: total))"
                    )
                }
            }
            let report = try await UserStreamRuntime.withEngines(
                log: try data.log(logOptions, kafka: kafka),
                store: data.store(cassandra),
                logger: logger
            ) { log, store in
                guard let store else { throw ValidationError("a replay needs the store to record its run") }
                let deadLetters = DeadLetters(
                    log: log,
                    configuration: DeadLetters.Configuration(targetPartitions: logOptions.partitions),
                    logger: logger
                )
                return try await deadLetters.replay(
                    filter.filter,
                    includeReturned: includeReturned,
                    dryRun: dryRun,
                    store: store,
                    onProgress: onProgress
                )
            }
            progress?.finish()
            if dryRun {
                print(DLQCommand.table(report.letters, values: false).formatted(as: .table), terminator: "")
            }
            print(Self.summary(report))
        }

        static func summary(_ report: DeadLetterReplayReport) -> String {
            var line =
                report.dryRun
                ? "dry run: would replay \(report.replayed) dead letters"
                : "replayed \(report.replayed) dead letters to \(Topics.usersCreated)"
            if let runID = report.runID { line += " as run \(runID)" }
            line +=
                " (\(report.read) read, \(report.matched) matched, \(report.alreadyReplayed) already replayed, "
                + "\(report.returned) returned from an earlier replay)"
            if report.deadLetteredAgain > 0 {
                line += "; \(report.deadLetteredAgain) ingest dead letters still could not be flattened and went back"
            }
            return line
        }
    }
}
