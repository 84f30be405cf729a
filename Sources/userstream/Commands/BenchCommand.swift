import ArgumentParser
import Foundation
import Pipeline
import UserStreamBench
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
            guard let made = PipelineBench.makeTemporaryDirectory() else {
                throw ValidationError("cannot create a temporary directory")
            }
            root = made
            removeAfter = true
        }
        defer { if removeAfter { try? FileManager.default.removeItem(atPath: root) } }
        let fsync = try LogOptions.fsyncPolicy(parsing: logFsync)

        print(
            "userstream bench: \(users) synthetic users, produce batches of \(batchSize), commits of ≤ \(processBatch)"
        )
        print("  data: \(root)  log fsync: \(logFsync)  store: WAL, synchronous=FULL")
        let result = try await PipelineBench.measure(
            PipelineBenchConfiguration(
                users: users,
                batchSize: batchSize,
                processBatch: processBatch,
                fsync: fsync,
                directory: root
            ),
            logger: logger
        )
        let run = result.run
        let stored = result.stored
        print("")
        print("pipeline (flatten → produce → embedded log → processor → store; users generated beforehand):")
        print(
            "  users produced:      \(run.produced)  stored: \(stored)  elapsed: \(String(format: "%.2f", result.elapsed.secondsDouble)) s"
        )
        print(
            "  throughput:          "
                + "\(PipelineBench.rate(Double(run.produced) / max(result.endToEndSeconds, 0.001))) users/s"
        )
        print(
            "  produce→commit:      p50 \(result.percentile(0.50)) ms, p99 \(result.percentile(0.99)) ms, "
                + "max \(result.latencies.last ?? 0) ms"
        )
        print(
            "  peak RSS:            \(result.peakRSSBytes / 1_048_576) MiB (of which "
                + "\(result.baselineRSSBytes / 1_048_576) MiB are the pre-generated users)"
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
        for profile in result.profiles {
            rows.append(try UserRecord(flattening: profile, ingestedAt: ingestedAt))
        }
        print("")
        print("store ceiling (raw sqlite3 prepared inserts, same rows, WAL, synchronous=FULL):")
        for size in [min(10_000, users), users] {
            let ceiling = try PipelineBench.ceiling(rows: rows, transactionSize: size, directory: root)
            print("  \(size)-row transactions: \(PipelineBench.rate(ceiling.rowsPerSecond)) rows/s")
        }
    }
}
