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
            the store's ceiling in the same run: raw prepared SQLite inserts of the same rows, and the ratio of the \
            two. --profile adds the busy time of every stage; --max-pending holds the producer back while that many \
            users wait to be committed (20,000 by default, as in run); --rate with --duration paces the producer and reports produce→queryable \
            latency (a user is queryable once its batch is committed).
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

    @Flag(help: "Print the busy time of every pipeline stage. (env: USERSTREAM_BENCH_PROFILE)")
    var profile = Env.bool("BENCH_PROFILE", false)

    @Option(
        help: """
            Hold the producer back while this many users wait to be committed; 0 = never. \
            (env: USERSTREAM_BENCH_MAX_PENDING)
            """
    )
    var maxPending: Int = Env.int("BENCH_MAX_PENDING", Backpressure.defaultMaxPending)

    @Option(
        help: """
            Paced mode: produce this many users per second (with --duration) instead of --users as fast as \
            possible. (env: USERSTREAM_BENCH_RATE)
            """
    )
    var rate: Double = Env.optionalDouble("BENCH_RATE") ?? 0

    @Option(help: "Paced mode: how long to produce, e.g. 30s. (env: USERSTREAM_BENCH_DURATION)")
    var duration: String = Env.string("BENCH_DURATION", "10s")

    @Flag(help: "Skip measuring the raw-insert ceiling. (env: USERSTREAM_BENCH_SKIP_CEILING)")
    var skipCeiling = Env.bool("BENCH_SKIP_CEILING", false)

    @Option(help: "Log level. (env: USERSTREAM_LOG_LEVEL)")
    var logLevel: String = Env.string("LOG_LEVEL", "warning")

    func validate() throws {
        if let problem = Env.problems.first { throw ValidationError(problem) }
        guard users >= 1 else { throw ValidationError("--users must be ≥ 1") }
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be in 1…100000") }
        _ = try LogOptions.fsyncPolicy(parsing: logFsync)
        guard maxPending >= 0 else { throw ValidationError("--max-pending must be ≥ 0") }
        guard rate >= 0 else { throw ValidationError("--rate must be ≥ 0") }
        if rate > 0 {
            guard let seconds = DurationText.parse(duration)?.secondsDouble, seconds > 0 else {
                throw ValidationError("--duration must be a positive duration such as 30s, got '\(duration)'")
            }
            guard rate * seconds >= 1 else { throw ValidationError("--rate × --duration must be at least 1 user") }
        }
    }

    /// The users to push: `--users`, or `--rate` × `--duration` in paced mode.
    var totalUsers: Int {
        guard rate > 0, let seconds = DurationText.parse(duration)?.secondsDouble else { return users }
        return Int(rate * seconds)
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

        let users = totalUsers
        if rate > 0 {
            print("userstream bench: paced at \(PipelineBench.rate(rate)) users/s for \(duration) (\(users) users)")
        } else {
            print(
                "userstream bench: \(users) synthetic users, produce batches of \(batchSize), commits of ≤ "
                    + "\(processBatch)"
            )
        }
        print(
            maxPending > 0
                ? "  backpressure: at most \(maxPending) users produced and not committed"
                : "  backpressure: off (the producer runs ahead)"
        )
        print("  data: \(root)  log fsync: \(logFsync)  store: WAL, synchronous=FULL")
        var configuration = PipelineBenchConfiguration(
            users: users,
            batchSize: batchSize,
            processBatch: processBatch,
            fsync: fsync,
            directory: root
        )
        configuration.maxPending = maxPending > 0 ? maxPending : nil
        configuration.usersPerSecond = rate > 0 ? rate : nil
        configuration.profile = profile
        let progress = ProgressLine.onTerminal()
        if let progress {
            configuration.onCommitted = { committed in
                progress.show(
                    "bench: \(ProgressLine.count(committed)) / \(ProgressLine.count(users)) users committed  "
                        + "\(ProgressLine.rate(committed, over: progress.elapsedSeconds)) users/s  "
                        + "ETA \(progress.eta(done: committed, total: users))"
                )
            }
        }
        let result = try await PipelineBench.measure(configuration, logger: logger)
        progress?.finish()
        let run = result.run
        let stored = result.stored
        print("")
        print("pipeline (flatten → produce → embedded log → processor → store; users generated beforehand):")
        print(
            "  users produced:      \(run.produced)  stored: \(stored)  elapsed: \(String(format: "%.2f", result.elapsed.secondsDouble)) s"
        )
        let throughput = Double(run.produced) / max(result.endToEndSeconds, 0.001)
        print("  throughput:          \(PipelineBench.rate(throughput)) users/s")
        // Paced, a user is produced as its batch is due; committed is when a reader of the store can see it.
        let latencyName = rate > 0 ? "produce→queryable:" : "produce→commit:   "
        print(
            "  \(latencyName)   p50 \(result.percentile(0.50)) ms, p99 \(result.percentile(0.99)) ms, "
                + "max \(result.latencies.last ?? 0) ms"
        )
        print(
            "  peak RSS:            \(result.peakRSSBytes / 1_048_576) MiB (of which "
                + "\(result.baselineRSSBytes / 1_048_576) MiB are the pre-generated users); pipeline: "
                + "\(max(0, result.peakRSSBytes - result.baselineRSSBytes) / 1_048_576) MiB"
        )
        if let stages = result.stages {
            let wall = max(result.elapsed.secondsDouble, 1e-9)
            print("")
            print("time per stage (busy time; stages overlap, so the sum may exceed the wall time):")
            for (stage, busy) in stages {
                let seconds = busy.secondsDouble
                let perUser = seconds / Double(max(1, run.produced)) * 1e6
                print(
                    "  \(stage.name.padding(toLength: 26, withPad: " ", startingAt: 0))"
                        + "\(String(format: "%8.3f s  %6.1f%% of wall  %7.2f µs/user", seconds, seconds / wall * 100, perUser))"
                )
            }
        }
        guard stored == run.produced else {
            print("error: stored \(stored) users but produced \(run.produced)")
            throw ExitCode.failure
        }
        if skipCeiling || rate > 0 { return }

        // The ceiling: raw prepared inserts of the same rows, same pragmas, no pipeline.
        let ingestedAt = Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds())
        var rows: [UserRecord] = []
        rows.reserveCapacity(users)
        for profile in result.profiles {
            rows.append(try UserRecord(flattening: profile, ingestedAt: ingestedAt))
        }
        print("")
        print("store ceiling (raw sqlite3 prepared inserts, same rows, WAL, synchronous=FULL):")
        var reference: Double?
        for size in [min(10_000, users), users] {
            let ceiling = try PipelineBench.ceiling(rows: rows, transactionSize: size, directory: root)
            print("  \(size)-row transactions: \(PipelineBench.rate(ceiling.rowsPerSecond)) rows/s")
            if reference == nil { reference = ceiling.rowsPerSecond }
        }
        if let reference {
            print("")
            print(
                "pipeline / \(min(10_000, users))-row-transaction ceiling: "
                    + String(format: "%.2f", throughput / reference)
            )
        }
    }
}
