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
