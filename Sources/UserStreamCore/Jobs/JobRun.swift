import Foundation

/// The state of a job run.
public enum JobRunState: String, Sendable, Codable, Hashable {
    case running
    /// Delivered at least one user.
    case success
    /// Delivered zero users, or stopped on an error.
    case failed
    /// Stopped by shutdown before its duration elapsed, or its process died while it ran (found by the next start on
    /// the same embedded log); what it delivered is kept.
    case interrupted
}

/// One run of the `user_automation` job, as the ingestor records it.
public struct JobRun: Sendable, Codable, Hashable {
    /// Airflow-style run id: `scheduled__<time>` or `manual__<time>`.
    public var runID: String
    public var job: String
    /// `scheduled` or `manual`.
    public var trigger: String
    /// `randomuser`, `synthetic` or `replay`.
    public var source: String
    public var startedAt: Date
    public var endedAt: Date?
    public var state: JobRunState
    /// HTTP requests made, retries included.
    public var requests: Int
    /// User objects received from the source.
    public var usersFetched: Int
    /// Records produced to `users_created`.
    public var produced: Int
    /// User objects that could not be flattened, sent to `users_created.dlq`.
    public var deadLettered: Int
    /// Errors by kind (`timeout`, `http_429`, `http_5xx`, `error_body`, `malformed_json`, …), retried or not.
    public var errors: [String: Int]
    /// Why the run failed, if it did.
    public var message: String?

    public static let defaultJob = "user_automation"

    public init(
        runID: String,
        job: String = JobRun.defaultJob,
        trigger: String,
        source: String,
        startedAt: Date,
        endedAt: Date? = nil,
        state: JobRunState = .running,
        requests: Int = 0,
        usersFetched: Int = 0,
        produced: Int = 0,
        deadLettered: Int = 0,
        errors: [String: Int] = [:],
        message: String? = nil
    ) {
        self.runID = runID
        self.job = job
        self.trigger = trigger
        self.source = source
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.state = state
        self.requests = requests
        self.usersFetched = usersFetched
        self.produced = produced
        self.deadLettered = deadLettered
        self.errors = errors
        self.message = message
    }
}

/// A job run together with what the processor has done with its users so far.
public struct JobRunReport: Sendable, Codable, Hashable {
    public var run: JobRun
    public var processed: RunProcessingStats

    public init(run: JobRun, processed: RunProcessingStats) {
        self.run = run
        self.processed = processed
    }

    /// Records the run produced: its own count, or what the processor has accounted for when that is more. A run
    /// whose process was killed saved its counts last up to `progressInterval` before it died; each of its records in
    /// the log is still processed exactly once, so once the processor has caught up this is exact again.
    public var produced: Int { max(run.produced, processed.accounted) }

    /// Users the run fetched: at least those it produced and those the ingestor dead-lettered.
    public var fetched: Int { max(run.usersFetched, produced + run.deadLettered) }

    /// Records produced and not yet handled by the processor.
    public var pending: Int { produced - processed.accounted }
}
