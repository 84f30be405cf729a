/// How the processor consumes `users_created`.
public struct ProcessorConfiguration: Sendable {
    /// The consumer group; offsets are stored with the rows under this name. Default `userstream`.
    public var group: String
    public var topic: String
    /// Most records handled in one store commit. Default 10,000.
    public var maxBatchRecords: Int
    /// How long one poll waits for records when caught up. Default 250 ms.
    public var pollTimeout: Duration
    /// Exit once every partition is consumed up to its end offset (`userstream process --until-idle`).
    public var untilIdle: Bool
    /// On graceful shutdown, keep consuming until caught up for at most this long, then commit and stop.
    public var drainTimeout: Duration
    /// Partitions of the topic if the processor has to create it. Default 3.
    public var partitions: Int
    /// Called after every store commit (benchmarks and tests observe progress through it).
    public var onCommit: (@Sendable (ProcessorCommit) -> Void)?

    public init(
        group: String = "userstream",
        topic: String = "users_created",
        maxBatchRecords: Int = 10_000,
        pollTimeout: Duration = .milliseconds(250),
        untilIdle: Bool = false,
        drainTimeout: Duration = .seconds(10),
        partitions: Int = 3,
        onCommit: (@Sendable (ProcessorCommit) -> Void)? = nil
    ) {
        self.group = group
        self.topic = topic
        self.maxBatchRecords = maxBatchRecords
        self.pollTimeout = pollTimeout
        self.untilIdle = untilIdle
        self.drainTimeout = drainTimeout
        self.partitions = partitions
        self.onCommit = onCommit
    }
}

/// What one store commit of the processor covered.
public struct ProcessorCommit: Sendable {
    /// Records consumed (valid + dead-lettered).
    public var records: Int
    public var inserted: Int
    public var duplicates: Int
    public var deadLettered: Int
    /// The create timestamps (ms) of the consumed records, for produce→commit latency.
    public var recordTimestamps: [Int64]
    /// Wall-clock time of the commit (ms).
    public var committedAt: Int64
}
