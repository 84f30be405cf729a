import EmbeddedLog
import Foundation
import Logging
import Pipeline
import RandomUser
import SQLiteStore
import Synchronization
import UserStreamCore

/// What `PipelineBench.measure` pushes through the pipeline, and where.
public struct PipelineBenchConfiguration: Sendable {
    /// Users to push through the pipeline.
    public var users: Int
    /// Users per produced batch.
    public var batchSize: Int
    /// Most records per store commit.
    public var processBatch: Int
    /// The embedded log's fsync policy.
    public var fsync: FsyncPolicy
    /// The bench's directory: the log goes to `data/log`, the store to `data/store`, the ceiling's files to
    /// `ceiling-<size>`.
    public var directory: String
    /// At most this many users produced and not yet committed before the ingestor waits (`Backpressure`); nil
    /// produces as fast as it can.
    public var maxPending: Int? = nil
    /// Produce at this many users per second instead of as fast as possible (the paced mode); `users` then come
    /// in batches of about 10 ms each.
    public var usersPerSecond: Double? = nil
    /// Record the busy time of every stage (`StageProfile`).
    public var profile = false
    /// Called after each store commit with the users committed so far (for progress lines).
    public var onCommitted: (@Sendable (Int) -> Void)? = nil

    public init(users: Int, batchSize: Int, processBatch: Int, fsync: FsyncPolicy, directory: String) {
        self.users = users
        self.batchSize = batchSize
        self.processBatch = processBatch
        self.fsync = fsync
        self.directory = directory
    }
}

/// What one pipeline measurement achieved.
public struct PipelineBenchResult: Sendable {
    /// The ingest run that produced the users.
    public var run: JobRun
    /// Users in the store afterwards.
    public var stored: Int
    /// Wall time from the first produce to the last commit seen.
    public var elapsed: Duration
    /// Seconds from the run's start to the last commit.
    public var endToEndSeconds: Double
    /// Produce → commit latency of every record, in milliseconds, sorted.
    public var latencies: [Int64]
    /// Peak resident set size after the run, and before it (the pre-generated users), in bytes.
    public var peakRSSBytes: Int
    public var baselineRSSBytes: Int
    /// The users pushed through, for the insert ceiling.
    public var profiles: [RandomUserProfile]
    /// The busy time of every stage, when profiled.
    public var stages: [(stage: StageProfile.Stage, busy: Duration)]?

    /// The latency at quantile `p` (0…1), in milliseconds.
    public func percentile(_ p: Double) -> Int64 {
        guard !latencies.isEmpty else { return 0 }
        return latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
    }
}

/// The `bench` harness: N synthetic users through produce → embedded log → processor → store with the durable
/// defaults, then the raw insert ceiling of the same rows (`InsertCeiling`).
public enum PipelineBench {
    /// Runs the pipeline once over a fresh log and store in `configuration.directory`.
    public static func measure(
        _ configuration: PipelineBenchConfiguration,
        logger: Logger
    ) async throws
        -> PipelineBenchResult
    {
        let root = configuration.directory
        var logConfiguration = EmbeddedLogConfiguration(directory: root + "/data/log")
        logConfiguration.fsync = configuration.fsync
        let log = try EmbeddedLog.open(configuration: logConfiguration, logger: logger)
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: root + "/data/store"),
            logger: logger
        )
        // The source is not on the measured path: users are generated before the clock starts, and the run measures
        // flatten → produce → embedded log → processor → store.
        var generator = SyntheticUserGenerator(seed: 42)
        let profiles = generator.next(count: configuration.users)
        let baselineRSS = peakRSSBytes()
        let progress = Mutex(BenchProgress())
        var ingest = IngestConfiguration(
            duration: nil,
            count: configuration.users,
            batchSize: configuration.batchSize,
            usersPerSecond: 0
        )
        if let rate = configuration.usersPerSecond {
            // Paced: a batch about every 10 ms, so that a user waits for its batch at most that long.
            ingest.usersPerSecond = rate
            ingest.batchSize = max(1, min(configuration.batchSize, Int((rate / 100).rounded(.up))))
        }
        if let maxPending = configuration.maxPending {
            // Produced minus committed, as the processor reports its commits.
            ingest.backpressure = Backpressure(maxPending: maxPending) {
                progress.withLock { $0.produced - $0.records }
            }
        }
        let ingestor = Ingestor(
            log: log,
            store: store,
            source: PregeneratedSource(profiles) { count in progress.withLock { $0.produced += count } },
            configuration: ingest,
            logger: logger
        )
        let processor = Processor(
            log: log,
            store: store,
            configuration: ProcessorConfiguration(
                maxBatchRecords: configuration.processBatch,
                pollTimeout: .milliseconds(20),
                onCommit: { [onCommitted = configuration.onCommitted] commit in
                    let committed = progress.withLock { state in
                        state.records += commit.records
                        state.lastCommit = commit.committedAt
                        for timestamp in commit.recordTimestamps {
                            state.latencies.append(commit.committedAt - timestamp)
                        }
                        return state.records
                    }
                    onCommitted?(committed)
                }
            ),
            logger: logger
        )
        let clock = ContinuousClock()
        let startMillis = Timestamp.nowMilliseconds()
        let started = clock.now
        let stageProfile = configuration.profile ? StageProfile() : nil
        let run = try await StageProfile.$current.withValue(stageProfile) {
            try await withThrowingTaskGroup(of: JobRun?.self) { group in
                group.addTask {
                    do {
                        _ = try await processor.runUntilDone()
                    } catch is CancellationError {
                        // Stopped below once every produced user is committed.
                    }
                    return nil
                }
                let run = try await ingestor.runOnce(
                    trigger: "manual",
                    runID: "bench__\(Timestamp.iso8601(milliseconds: startMillis))"
                )
                while progress.withLock({ $0.records }) < run.produced {
                    try await Task.sleep(for: .milliseconds(2))
                }
                group.cancelAll()
                try await group.waitForAll()
                return run
            }
        }
        let elapsed = clock.now - started
        let peakRSS = peakRSSBytes()
        let state = progress.withLock { $0 }
        let stored = try await store.userCount()
        try await store.close()
        try await log.close()
        return PipelineBenchResult(
            run: run,
            stored: stored,
            elapsed: elapsed,
            endToEndSeconds: Double(state.lastCommit - startMillis) / 1000,
            latencies: state.latencies.sorted(),
            peakRSSBytes: peakRSS,
            baselineRSSBytes: baselineRSS,
            profiles: profiles,
            stages: stageProfile?.snapshot
        )
    }

    /// The raw insert ceiling of `rows` in `size`-row transactions, in `directory/ceiling-<size>`.
    public static func ceiling(
        rows: [UserRecord],
        transactionSize size: Int,
        directory: String
    ) throws
        -> InsertCeilingResult
    {
        let ceilingDir = directory + "/ceiling-\(size)"
        try FileManager.default.createDirectory(atPath: ceilingDir, withIntermediateDirectories: true)
        return try InsertCeiling.measure(rows: rows, transactionSize: size, directory: ceilingDir)
    }

    /// A fresh directory under the system's temporary directory, or `nil` when none can be created.
    public static func makeTemporaryDirectory() -> String? {
        var template = Array((NSTemporaryDirectory() + "/userstream-bench-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return nil }
        return String(cString: made)
    }

    /// `value` with thousands separators and no fraction, e.g. `12,345`.
    public static func rate(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
    }

    /// This process's peak resident set size, in bytes.
    public static func peakRSSBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}

struct BenchProgress: Sendable {
    /// Users handed to the ingestor (an upper bound of those produced).
    var produced = 0
    var records = 0
    var lastCommit: Int64 = 0
    var latencies: [Int64] = []
}
