import ArgumentParser
import EmbeddedLog
import Foundation
import Logging
import Pipeline
import RandomUser
import SQLiteStore
import ServiceLifecycle
import Synchronization
import UserStreamCore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Push N synthetic users through produce → embedded log → processor → store, and measure.",
        discussion: """
            Uses the durable defaults (log fsync per produced batch, SQLite WAL with synchronous=FULL) in a fresh \
            temporary directory, prints throughput, produce→commit latency percentiles and peak RSS, then measures \
            the store's ceiling in the same run: raw prepared SQLite inserts of the same rows.
            """
    )

    @Option(help: "Users to push through the pipeline. (env: USERSTREAM_BENCH_USERS)")
    var users: Int = Env.int("BENCH_USERS", 200_000)

    @Option(help: "Users per produced batch. (env: USERSTREAM_BATCH_SIZE)")
    var batchSize: Int = Env.int("BATCH_SIZE", 5000)

    @Option(help: "Most records per store commit. (env: USERSTREAM_PROCESS_BATCH)")
    var processBatch: Int = Env.int("PROCESS_BATCH", 10_000)

    @Option(help: "Log fsync policy: batch, interval:<duration> or never. (env: USERSTREAM_LOG_FSYNC)")
    var logFsync: String = Env.string("LOG_FSYNC", "batch")

    @Option(
        name: .customLong("dir"),
        help: """
            Directory for the bench's data (default: a fresh temporary directory, removed afterwards). \
            (env: USERSTREAM_BENCH_DIR)
            """
    )
    var dirOption: String?

    /// `--dir`, else `USERSTREAM_BENCH_DIR`.
    var dir: String? { dirOption ?? Env.optionalString("BENCH_DIR") }

    @Flag(help: "Skip measuring the raw-insert ceiling. (env: USERSTREAM_BENCH_SKIP_CEILING)")
    var skipCeiling = Env.bool("BENCH_SKIP_CEILING", false)

    @Option(help: "Log level. (env: USERSTREAM_LOG_LEVEL)")
    var logLevel: String = Env.string("LOG_LEVEL", "warning")

    func validate() throws {
        if let problem = Env.problems.first { throw ValidationError(problem) }
        guard users >= 1 else { throw ValidationError("--users must be ≥ 1") }
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be in 1…100000") }
        _ = try LogOptions.fsyncPolicy(parsing: logFsync)
    }

    func run() async throws {
        let logger = DataOptions.makeLogger(level: logLevel)
        let root: String
        let removeAfter: Bool
        if let dir {
            root = dir
            removeAfter = false
        } else {
            var template = Array((NSTemporaryDirectory() + "/userstream-bench-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw ValidationError("cannot create a temporary directory") }
            root = String(cString: made)
            removeAfter = true
        }
        defer { if removeAfter { try? FileManager.default.removeItem(atPath: root) } }
        var logConfiguration = EmbeddedLogConfiguration(directory: root + "/data/log")
        logConfiguration.fsync = try LogOptions.fsyncPolicy(parsing: logFsync)

        print(
            "userstream bench: \(users) synthetic users, produce batches of \(batchSize), commits of ≤ \(processBatch)"
        )
        print("  data: \(root)  log fsync: \(logFsync)  store: WAL, synchronous=FULL")
        let log = try EmbeddedLog.open(configuration: logConfiguration, logger: logger)
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: root + "/data/store"),
            logger: logger
        )
        let target = users
        // The source is not on the measured path: users are generated before the clock starts, and the run measures
        // flatten → produce → embedded log → processor → store.
        var generator = SyntheticUserGenerator(seed: 42)
        let profiles = generator.next(count: users)
        let baselineRSS = Self.peakRSSBytes()
        let progress = Mutex(BenchProgress())
        let ingestor = Ingestor(
            log: log,
            store: store,
            source: PregeneratedSource(profiles),
            configuration: IngestConfiguration(duration: nil, count: users, batchSize: batchSize, usersPerSecond: 0),
            logger: logger
        )
        let processor = Processor(
            log: log,
            store: store,
            configuration: ProcessorConfiguration(
                maxBatchRecords: processBatch,
                pollTimeout: .milliseconds(20),
                onCommit: { commit in
                    progress.withLock { state in
                        state.records += commit.records
                        state.lastCommit = commit.committedAt
                        for timestamp in commit.recordTimestamps {
                            state.latencies.append(commit.committedAt - timestamp)
                        }
                    }
                }
            ),
            logger: logger
        )
        let clock = ContinuousClock()
        let startMillis = Timestamp.nowMilliseconds()
        let started = clock.now
        let run = try await withThrowingTaskGroup(of: JobRun?.self) { group in
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
        let elapsed = clock.now - started
        let peakRSS = Self.peakRSSBytes()
        let state = progress.withLock { $0 }
        let endToEndSeconds = Double(state.lastCommit - startMillis) / 1000
        let stored = try await store.userCount()
        try await store.close()
        try await log.close()

        var latencies = state.latencies
        latencies.sort()
        func percentile(_ p: Double) -> Int64 {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        print("")
        print("pipeline (flatten → produce → embedded log → processor → store; users generated beforehand):")
        print(
            "  users produced:      \(run.produced)  stored: \(stored)  elapsed: \(String(format: "%.2f", elapsed.secondsDouble)) s"
        )
        print("  throughput:          \(Self.rate(Double(run.produced) / max(endToEndSeconds, 0.001))) users/s")
        print(
            "  produce→commit:      p50 \(percentile(0.50)) ms, p99 \(percentile(0.99)) ms, max \(latencies.last ?? 0) ms"
        )
        print(
            "  peak RSS:            \(peakRSS / 1_048_576) MiB (of which \(baselineRSS / 1_048_576) MiB are the "
                + "pre-generated users)"
        )
        guard stored == run.produced else {
            print("error: stored \(stored) users but produced \(run.produced)")
            throw ExitCode.failure
        }
        if skipCeiling { return }

        // The ceiling: raw prepared inserts of the same rows, same pragmas, no pipeline.
        let ingestedAt = Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds())
        var rows: [UserRecord] = []
        rows.reserveCapacity(users)
        for profile in profiles {
            rows.append(try UserRecord(flattening: profile, ingestedAt: ingestedAt))
        }
        print("")
        print("store ceiling (raw sqlite3 prepared inserts, same rows, WAL, synchronous=FULL):")
        for size in [min(10_000, users), users] {
            let ceilingDir = root + "/ceiling-\(size)"
            try FileManager.default.createDirectory(atPath: ceilingDir, withIntermediateDirectories: true)
            let result = try InsertCeiling.measure(rows: rows, transactionSize: size, directory: ceilingDir)
            print("  \(size)-row transactions: \(Self.rate(result.rowsPerSecond)) rows/s")
        }
        _ = target
    }

    static func rate(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
    }

    static func peakRSSBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}

/// Hands out users generated before the benchmark's clock starts.
final class PregeneratedSource: UserSource {
    let name = "synthetic"
    let profiles: [RandomUserProfile]
    let next = Mutex(0)

    init(_ profiles: [RandomUserProfile]) {
        self.profiles = profiles
    }

    func nextBatch(maxUsers: Int) async throws -> SourceBatch? {
        let range = next.withLock { start -> Range<Int> in
            let end = min(profiles.count, start + maxUsers)
            defer { start = end }
            return start..<end
        }
        guard !range.isEmpty else { return nil }
        return SourceBatch(users: profiles[range].map { .user($0) })
    }
}

struct BenchProgress: Sendable {
    var records = 0
    var lastCommit: Int64 = 0
    var latencies: [Int64] = []
}
