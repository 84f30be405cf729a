import Foundation

/// The JSON documents of the dashboard's API. Field names are camelCase; times are ISO-8601 UTC text.
public enum DashboardModels {
    /// `GET /api/summary`: the headline numbers.
    public struct Summary: Codable, Sendable, Hashable {
        public var generatedAt: String
        /// Rows in `created_users`.
        public var storedUsers: Int
        /// Users produced to the log by all recorded runs.
        public var producedTotal: Int
        /// Users the processor accounted for (stored + duplicates + dead-lettered, from `run_stats`).
        public var processedTotal: Int
        /// Dead-lettered records (`run_stats.dead_lettered`).
        public var deadLetteredTotal: Int
        /// Latest dead-letter reasons, newest first, as one line each: from the `dlq_reason` headers of
        /// `users_created.dlq` when this process reads the log, else from the runs that dead-lettered.
        public var deadLetterReasons: [String]
        /// Where `deadLetterReasons` come from: `users_created.dlq` (the topic's tail), or `runs` (no log here).
        public var deadLetterSource: String
        /// The latest dead letters read from `users_created.dlq`, newest first; empty without a log.
        public var deadLetters: [DeadLetter]
        /// Recorded job runs.
        public var runCount: Int
        /// API errors over the recent runs, by kind.
        public var apiErrors: [String: Int]
        /// API errors per request over the recent runs (0 when there were no requests).
        public var apiErrorRate: Double
        /// Total consumer lag, nil when the log's end offsets are unknown in this process.
        public var totalLag: Int64?
        public var scheduler: SchedulerState
    }

    /// One record of `users_created.dlq`.
    public struct DeadLetter: Codable, Sendable, Hashable {
        public var partition: Int32
        public var offset: Int64
        /// The record's time, ISO-8601 UTC.
        public var time: String
        /// The user id (record key), when present.
        public var key: String?
        /// The `dlq_reason` header.
        public var reason: String
        /// The `dlq_stage` header: `ingest` or `process`.
        public var stage: String?
        /// Where the original record was: `topic-partition@offset`.
        public var origin: String?
        public var runID: String?
    }

    /// The scheduler as this process sees it.
    public struct SchedulerState: Codable, Sendable, Hashable {
        /// False in `serve`: no scheduler runs in this process, controls answer 409.
        public var available: Bool
        public var paused: Bool?
        public var running: Bool?
        public var lastRunID: String?
    }

    /// One run of `user_automation` with the processor's stats.
    public struct Run: Codable, Sendable, Hashable {
        public var runID: String
        public var job: String
        public var trigger: String
        public var source: String
        public var state: String
        public var startedAt: String
        public var endedAt: String?
        public var durationSeconds: Double?
        public var requests: Int
        public var fetched: Int
        public var produced: Int
        public var deadLettered: Int
        public var stored: Int
        public var duplicates: Int
        public var errors: [String: Int]
        public var message: String?
        /// A finished run that produced no users.
        public var zeroRows: Bool
    }

    /// Lag of one partition: log end offset − the group's committed next offset.
    public struct PartitionLag: Codable, Sendable, Hashable {
        public var group: String?
        public var topic: String
        public var partition: Int32
        public var committed: Int64?
        public var end: Int64?
        /// nil when unknown (no log in this process).
        public var lag: Int64?
    }

    public struct Lag: Codable, Sendable, Hashable {
        /// True when the log's end offsets are known in this process.
        public var known: Bool
        public var partitions: [PartitionLag]
        public var total: Int64?
    }

    /// A newest-user card.
    public struct User: Codable, Sendable, Hashable {
        public var id: String
        public var firstName: String
        public var lastName: String
        public var gender: String
        public var email: String
        public var picture: String
        public var nat: String?
        public var country: String?
        public var city: String?
        public var age: Int?
        public var registeredDate: String
        public var ingestedAt: String
    }

    /// A labelled value of a bar or pie chart.
    public struct Bucket: Codable, Sendable, Hashable {
        public var label: String
        public var count: Int
    }

    /// A point of the users-per-minute series.
    public struct MinutePoint: Codable, Sendable, Hashable {
        /// Start of the minute, ISO-8601 UTC.
        public var minute: String
        public var epochMinute: Int64
        public var count: Int
    }

    /// `GET /api/events`: one server-sent snapshot.
    public struct HealthSnapshot: Codable, Sendable, Hashable {
        public var summary: Summary
        /// Users produced to the log per second over the last 10 s (nil on the first snapshot).
        public var ingestedPerSecond: Double?
        /// Users processed per second over the last 10 s (nil on the first snapshot).
        public var processedPerSecond: Double?
        public var lag: Lag
        public var runs: [Run]
    }

    /// `POST /api/query`.
    public struct QueryRequest: Codable, Sendable {
        public var sql: String
        public var limit: Int?
    }

    public struct QueryResponse: Codable, Sendable, Hashable {
        public var columns: [String]
        public var rows: [[String?]]
        /// True when more rows existed than the limit.
        public var truncated: Bool
        public var limit: Int
    }

    /// Every error answer: `{"error": {"code": …, "message": …}}`.
    public struct ErrorBody: Codable, Sendable, Hashable {
        public struct Detail: Codable, Sendable, Hashable {
            public var code: String
            public var message: String
        }
        public var error: Detail
    }

    /// Answer of the controls.
    public struct ControlResponse: Codable, Sendable, Hashable {
        public var ok: Bool
        public var action: String
        public var scheduler: SchedulerState
    }
}
