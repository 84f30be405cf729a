import ArgumentParser
import Logging
import Pipeline
import Synchronization
import UserStreamRuntime

/// Options every command that touches the data directory takes.
struct DataOptions: ParsableArguments {
    @Option(help: "Where the embedded log and store live. (env: USERSTREAM_DATA_DIR)")
    var dataDir: String = Env.string("DATA_DIR", "./userstream-data")

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (env: USERSTREAM_LOG_LEVEL)")
    var logLevel: String = Env.string("LOG_LEVEL", "info")

    var logDirectory: String { dataDir + "/log" }
    var storeDirectory: String { dataDir + "/store" }

    func validate() throws {
        if let problem = Env.problems.first { throw ValidationError(problem) }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Sets up logging to standard error once per process and returns the root logger.
    func makeLogger() -> Logger {
        Self.makeLogger(level: logLevel)
    }

    static func makeLogger(level text: String) -> Logger {
        let level = Logger.Level(rawValue: text.lowercased()) ?? .info
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "userstream")
        logger.logLevel = level
        return logger
    }
}

enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// How the embedded log stores and syncs.
struct LogOptions: ParsableArguments {
    @Option(help: "Partitions of users_created when it is created. (env: USERSTREAM_PARTITIONS)")
    var partitions: Int = Env.int("PARTITIONS", 3)

    @Option(
        help: """
            When the embedded log fsyncs: 'batch' (every produced batch, nothing acknowledged is lost), \
            'interval:<duration>' (e.g. interval:100ms, up to that window of acknowledged records can be lost on \
            power failure), or 'never' (the OS decides). (env: USERSTREAM_LOG_FSYNC)
            """
    )
    var logFsync: String = Env.string("LOG_FSYNC", "batch")

    @Option(help: "Delete log segments older than this (e.g. 7d, 12h). (env: USERSTREAM_LOG_RETENTION)")
    var logRetention: String = Env.string("LOG_RETENTION", "7d")

    @Option(
        help: "Keep at most this many bytes per partition (0 = no size limit). (env: USERSTREAM_LOG_RETENTION_BYTES)"
    )
    var logRetentionBytes: Int = Env.int("LOG_RETENTION_BYTES", 0)

    @Option(
        help: """
            The largest record batch the log accepts, in bytes (Kafka's message.max.bytes); larger produced batches \
            are refused with MESSAGE_TOO_LARGE. (env: USERSTREAM_MAX_BATCH_BYTES)
            """
    )
    var maxBatchBytes: Int = Env.int("MAX_BATCH_BYTES", 1024 * 1024)

    func validate() throws {
        guard (1024...(64 << 20)).contains(maxBatchBytes) else {
            throw ValidationError("--max-batch-bytes must be in 1024…67108864")
        }
        guard (1...1024).contains(partitions) else { throw ValidationError("--partitions must be in 1…1024") }
        _ = try fsyncPolicy()
        guard DurationText.parse(logRetention) != nil else {
            throw ValidationError("--log-retention: '\(logRetention)' is not a duration like 7d or 12h")
        }
        guard logRetentionBytes >= 0 else { throw ValidationError("--log-retention-bytes must be ≥ 0") }
    }
}

/// Where users come from.
struct SourceOptions: ParsableArguments {
    @Option(help: "randomuser, synthetic, or replay:PATH. (env: USERSTREAM_SOURCE)")
    var source: String = Env.string("SOURCE", "randomuser")

    @Option(help: "The randomuser API. (env: USERSTREAM_API_URL)")
    var apiURL: String = Env.string("API_URL", "https://randomuser.me/api/")

    @Option(help: "Users per request (randomuser's results=), 1…5000. (env: USERSTREAM_BATCH_SIZE)")
    var batchSize: Int = Env.int("BATCH_SIZE", 100)

    @Option(
        name: .customLong("nat"),
        help: "Nationalities, comma-separated (e.g. us,gb,fr). (env: USERSTREAM_NAT)"
    )
    var natOption: String?

    /// `--nat`, else `USERSTREAM_NAT`.
    var nat: String? { natOption ?? Env.optionalString("NAT") }

    @Option(
        name: .customLong("seed"),
        help: "Seed for reproducible users (randomuser's seed=, or the synthetic generator's). (env: USERSTREAM_SEED)"
    )
    var seedOption: String?

    /// `--seed`, else `USERSTREAM_SEED`.
    var seed: String? { seedOption ?? Env.optionalString("SEED") }

    @Option(
        name: .customLong("rate"),
        help: """
            At most this many users per second (0 = no limit). Default: 50 for randomuser (which is also held to \
            18,000 users per 5 minutes, its per-IP limit), no limit for synthetic and replay. (env: USERSTREAM_RATE)
            """
    )
    var rateOption: Double?

    /// `--rate`, else `USERSTREAM_RATE`, else 50 users/s for randomuser (its limit protects the public API) and no
    /// limit for the synthetic and replay sources.
    var rate: Double {
        if let rate = rateOption ?? Env.optionalDouble("RATE") { return rate }
        return (try? sourceSpec) == .randomuser ? 50 : 0
    }

    func validate() throws {
        guard (1...5000).contains(batchSize) else {
            throw ValidationError("--batch-size must be in 1…5000 (randomuser serves at most 5,000 users per request)")
        }
        guard rate >= 0 else { throw ValidationError("--rate must be ≥ 0") }
        _ = try sourceSpec
    }
}

/// The processor's consumer group.
struct ProcessOptions: ParsableArguments {
    @Option(help: "Consumer group of the processor. (env: USERSTREAM_GROUP)")
    var group: String = Env.string("GROUP", "userstream")

    @Option(help: "Most records per store commit. (env: USERSTREAM_PROCESS_BATCH)")
    var processBatch: Int = Env.int("PROCESS_BATCH", 10_000)

    func validate() throws {
        guard !group.isEmpty else { throw ValidationError("--group must not be empty") }
        guard (1...100_000).contains(processBatch) else { throw ValidationError("--process-batch must be in 1…100000") }
    }
}
