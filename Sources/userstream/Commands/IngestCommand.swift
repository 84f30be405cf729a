import ArgumentParser
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization
import UserStreamCore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Run the user_automation job once: fetch users and produce them to users_created, then exit.",
        discussion: "Exits with status 1 when the run delivered zero users or failed."
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var sourceOptions: SourceOptions
    @OptionGroup var logOptions: LogOptions

    @Option(help: "How long the run streams users (default 60s, or no limit when --count is given). (env: USERSTREAM_DURATION)")
    var duration: String? = Env.optionalString("DURATION")

    @Option(help: "Stop after this many users. (env: USERSTREAM_COUNT)")
    var count: Int? = Env.optionalInt("COUNT")

    func validate() throws {
        if let duration, DurationText.parse(duration) == nil {
            throw ValidationError("--duration: '\(duration)' is not a duration like 60s or 5m")
        }
        if let count, count < 1 { throw ValidationError("--count must be ≥ 1") }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let log = try Components.openLog(data, logOptions, logger: logger)
        let store: any UserStore
        do {
            store = try Components.openStore(data, logger: logger)
        } catch {
            try? await log.close()
            throw error
        }
        let result = Mutex<JobRun?>(nil)
        do {
            let runDuration: Duration? =
                duration.flatMap { DurationText.parse($0) } ?? (count == nil ? .seconds(60) : nil)
            let ingestor = Ingestor(
                log: log,
                store: store,
                source: try Components.makeSource(sourceOptions, logger: logger),
                configuration: IngestConfiguration(
                    duration: runDuration,
                    count: count,
                    batchSize: sourceOptions.batchSize,
                    usersPerSecond: sourceOptions.rate,
                    partitions: logOptions.partitions
                ),
                logger: logger
            )
            let job = OneShotService {
                let run = try await ingestor.runOnce(trigger: "manual")
                result.withLock { $0 = run }
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: job, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await group.run()
        } catch {
            try? await store.close()
            try? await log.close()
            throw error
        }
        try await store.close()
        try await log.close()
        guard let run = result.withLock({ $0 }) else { throw ExitCode.failure }
        print(RunsCommand.summaryLine(run))
        if run.state == .failed { throw ExitCode.failure }
    }
}
