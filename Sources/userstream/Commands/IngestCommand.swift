import ArgumentParser
import Pipeline
import UserStreamRuntime

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Run the user_automation job once: fetch users and produce them to users_created, then exit.",
        discussion: "Exits with status 1 when the run delivered zero users or failed."
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var logOptions: LogOptions
    @OptionGroup var kafka: KafkaClientOptions
    @OptionGroup var cassandra: CassandraOptions

    @Option(
        name: .customLong("duration"),
        help:
            "How long the run streams users (default 60s, or no limit when --count is given). (env: USERSTREAM_DURATION)"
    )
    var durationOption: String?

    /// `--duration`, else `USERSTREAM_DURATION`.
    var duration: String? { durationOption ?? Env.optionalString("DURATION") }

    @Option(
        name: .customLong("count"),
        help: "Stop after this many users. (env: USERSTREAM_COUNT)"
    )
    var countOption: Int?

    /// `--count`, else `USERSTREAM_COUNT`.
    var count: Int? { countOption ?? Env.optionalInt("COUNT") }

    func validate() throws {
        if let duration, DurationText.parse(duration) == nil {
            throw ValidationError("--duration: '\(duration)' is not a duration like 60s or 5m")
        }
        if let count, count < 1 { throw ValidationError("--count must be ≥ 1") }
        if let problem = Env.problems.first { throw ValidationError(problem) }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let runDuration: Duration? = duration.flatMap { DurationText.parse($0) } ?? (count == nil ? .seconds(60) : nil)
        var ingest = IngestConfiguration(
            duration: runDuration,
            count: count,
            batchSize: sourceOptions.batchSize,
            usersPerSecond: sourceOptions.rate,
            partitions: logOptions.partitions
        )
        let progress = ProgressLine.onTerminal()
        if let progress {
            let produced = ProgressCount()
            let (count, seconds) = (count, runDuration?.secondsDouble)
            ingest.onProduced = { users in
                let total = produced.add(users)
                var text = "ingest: \(ProgressLine.count(total))"
                if let count { text += " / \(ProgressLine.count(count))" }
                text += " users  \(ProgressLine.rate(total, over: progress.elapsedSeconds)) users/s"
                if let count {
                    text += "  ETA \(progress.eta(done: total, total: count))"
                } else if let seconds {
                    text += "  \(ProgressLine.duration(seconds: max(0, seconds - progress.elapsedSeconds))) left"
                }
                progress.show(text)
            }
        }
        let configuration = RuntimeConfiguration(
            log: try data.log(logOptions, kafka: kafka),
            store: data.store(cassandra),
            work: .ingestOnce(source: try sourceOptions.sourceChoice(), ingest: ingest)
        )
        let outcome = try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            defer { progress?.finish() }
            try await services.run(logger: logger)
            return services.outcome
        }
        guard let run = outcome.ingestRun else { throw ExitCode.failure }
        print(RunsCommand.summaryLine(run))
        if run.state == .failed { throw ExitCode.failure }
    }
}
