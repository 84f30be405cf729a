import Logging
import UserStreamCore

/// How one run of the `user_automation` job streams users.
public struct IngestConfiguration: Sendable {
    /// How long a run streams users. `nil` runs until `count` is reached or the source is exhausted.
    /// Default: 60 s, as the seeds' job.
    public var duration: Duration?
    /// Stop after this many users were fetched. `nil` means no limit.
    public var count: Int?
    /// Users per source request (randomuser's `results`), 1…5000. Default 100.
    public var batchSize: Int
    /// At most this many users per second (0 = as fast as the source allows). Default 50, which keeps a job that
    /// runs every minute at 15,000 users per 5 minutes, inside randomuser's ≈20,000 per IP.
    public var usersPerSecond: Double
    /// Save the run record at most this often while it is running. Default 1 s.
    public var progressInterval: Duration
    /// Partitions of `users_created` if the ingestor has to create it. Default 3.
    public var partitions: Int
    /// A bound on how far producing may run ahead of processing; `nil` (the default) produces regardless.
    public var backpressure: Backpressure? = nil
    /// Called after each batch is in the log, with the users it held (for progress lines).
    public var onProduced: (@Sendable (Int) -> Void)? = nil

    public init(
        duration: Duration? = .seconds(60),
        count: Int? = nil,
        batchSize: Int = 100,
        usersPerSecond: Double = 50,
        progressInterval: Duration = .seconds(1),
        partitions: Int = 3
    ) {
        self.duration = duration
        self.count = count
        self.batchSize = batchSize
        self.usersPerSecond = usersPerSecond
        self.progressInterval = progressInterval
        self.partitions = partitions
    }

    /// The largest batch randomuser serves.
    public static let maxBatchSize = 5000
}

/// Holds the ingestor back while too many produced users wait to be processed, so that a saturated pipeline keeps a
/// short queue (and a short produce→commit latency) instead of a backlog that grows for as long as it runs.
///
/// The ingestor waits before fetching a batch, never with fetched users in hand: a run stopped while held back loses
/// nothing.
public struct Backpressure: Sendable {
    /// The bound `run` and `bench` use unless told otherwise: at about 100,000 users/s on two cores it keeps
    /// a fifth of a second of work queued, enough for the processor never to wait for a batch (see
    /// docs/benchmarks.md).
    public static let defaultMaxPending = 20_000

    /// At most this many users produced and not yet processed when the ingestor fetches a batch.
    public var maxPending: Int
    /// How many users are produced and not yet processed (e.g. the processor's consumer lag).
    public var pending: @Sendable () async throws -> Int
    /// How often `pending` is asked again while held back. Default 2 ms.
    public var checkInterval: Duration

    public init(
        maxPending: Int,
        checkInterval: Duration = .milliseconds(2),
        pending: @escaping @Sendable () async throws -> Int
    ) {
        self.maxPending = maxPending
        self.pending = pending
        self.checkInterval = checkInterval
    }

    /// Returns once at most `maxPending` users are pending.
    func wait() async throws {
        while try await pending() > maxPending {
            try await Task.sleep(for: checkInterval)
        }
    }
}

extension Backpressure {
    /// Pending: the processor group's consumer lag on `topic` (the log's end offsets minus the offsets the store
    /// committed with the rows), as `ConsumerLagMonitor` measures it. Each check asks the log and the store, so it
    /// is asked every 10 ms by default rather than every 2.
    public static func consumerLag(
        log: any Log,
        store: any UserStore,
        group: String = "userstream",
        topic: String = Topics.usersCreated,
        maxPending: Int,
        checkInterval: Duration = .milliseconds(10)
    ) -> Backpressure {
        let monitor = ConsumerLagMonitor(log: log, store: store, group: group, topic: topic, logger: Logger(label: ""))
        return Backpressure(maxPending: maxPending, checkInterval: checkInterval) {
            Int(try await monitor.lag().values.reduce(0, +))
        }
    }
}
