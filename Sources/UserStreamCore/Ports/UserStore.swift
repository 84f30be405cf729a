/// A user on its way into the store, with the job run that produced it (from the `run_id` header).
public struct IncomingUser: Sendable, Hashable {
    public var record: UserRecord
    public var runID: String?

    public init(record: UserRecord, runID: String?) {
        self.record = record
        self.runID = runID
    }
}

/// One processed batch: what the processor hands to the store in one commit.
public struct StoreBatch: Sendable {
    /// The consumer group whose offsets this batch advances.
    public var group: String
    public var topic: String
    /// Valid users, in log order. The same id may appear more than once; later ones win.
    public var users: [IncomingUser]
    /// Records of this batch that the processor dead-lettered, per run id (`""` for records without one).
    public var deadLetteredByRun: [String: Int]
    /// The next offset to consume per partition once this batch is committed.
    public var nextOffsets: [Int32: Int64]
    /// The first offset of the batch per partition (with `nextOffsets`, the batch's offset ranges). An engine without
    /// multi-row transactions uses the ranges to find an unfinished commit that this batch overlaps. Empty when not
    /// known: the batch then counts as covering everything before `nextOffsets`.
    public var firstOffsets: [Int32: Int64]
    /// Deterministic id of the batch (group, topic and the offset range per partition), so that an engine without
    /// multi-row transactions can make aggregate updates idempotent on replay.
    public var batchID: String

    public init(
        group: String,
        topic: String,
        users: [IncomingUser],
        deadLetteredByRun: [String: Int],
        nextOffsets: [Int32: Int64],
        firstOffsets: [Int32: Int64] = [:],
        batchID: String
    ) {
        self.group = group
        self.topic = topic
        self.users = users
        self.deadLetteredByRun = deadLetteredByRun
        self.nextOffsets = nextOffsets
        self.firstOffsets = firstOffsets
        self.batchID = batchID
    }
}

/// Thrown by a store's commit when the batch overlaps offsets that another commit finished in the meantime (for
/// example a commit that stored its rows and then crashed before its offsets were written, and whose offsets this
/// commit wrote for it). Nothing of the batch was written; the consumer must read again from the store's committed
/// offsets (`UserStore.committedOffsets`).
public struct StoreBatchSuperseded: Error, Sendable, Hashable, CustomStringConvertible {
    public var batchID: String
    public var reason: String

    public init(batchID: String, reason: String) {
        self.batchID = batchID
        self.reason = reason
    }

    public var description: String { "batch \(batchID) superseded: \(reason)" }
}

/// What one commit did.
public struct StoreCommitResult: Sendable, Hashable {
    /// Users whose id was new to the table.
    public var inserted: Int
    /// Users whose id was already stored (or appeared earlier in the batch): upserted, not counted again.
    public var duplicates: Int

    public init(inserted: Int, duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}

/// What the processor did with the users of one job run, summed over all batches.
public struct RunProcessingStats: Sendable, Hashable, Codable {
    public var stored: Int
    public var duplicates: Int
    public var deadLettered: Int

    public init(stored: Int = 0, duplicates: Int = 0, deadLettered: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.deadLettered = deadLettered
    }

    /// Every record the processor has handled: stored, duplicate or dead-lettered.
    public var accounted: Int { stored + duplicates + deadLettered }
}

/// A result set with cells as text, for `userstream query` and the dashboard's SQL page.
public struct QueryResult: Sendable, Hashable {
    public var columns: [String]
    /// Cells as text; `nil` is SQL NULL.
    public var rows: [[String?]]
    /// What each cell's text stands for, row by row, where the engine said (formats with types, such as JSON, write
    /// numbers and booleans unquoted); a row without kinds, or a cell past them, is text.
    public var kinds: [[QueryCellKind]]

    public init(columns: [String], rows: [[String?]], kinds: [[QueryCellKind]] = []) {
        self.columns = columns
        self.rows = rows
        self.kinds = kinds
    }
}

/// What a `QueryResult` cell's text stands for.
public enum QueryCellKind: UInt8, Sendable, Hashable {
    case text
    /// An integer or a floating-point number, in decimal.
    case number
    /// `true` or `false`.
    case boolean
}

/// Aggregate dimensions the processor maintains per minute.
public enum AggregateDimension: String, Sendable, CaseIterable {
    /// All users (value `"all"`).
    case total
    case gender
    case nat
    /// Age buckets: `"<20"`, `"20-29"`, … `"70+"`, `"unknown"`.
    case ageBucket = "age_bucket"
}

/// The `Store` port: where users, aggregates, consumer offsets and job runs live.
///
/// Implementations: `SQLiteStore` (embedded, GRDB) and `CassandraStore` (Apache Cassandra over CQL). Both pass
/// `StoreContract` (target `UserStreamContracts`).
public protocol UserStore: Sendable {
    /// Upserts the batch's users by id into `spark_streams.created_users`, folds newly stored users into the
    /// per-minute aggregates and per-run stats, and records the consumer offsets. The embedded store does all of
    /// this in one transaction; no engine may count a replayed batch twice.
    @discardableResult
    func commit(_ batch: StoreBatch) async throws -> StoreCommitResult

    /// The offsets stored by `commit` (next offset to consume per partition).
    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64]

    /// Inserts or replaces a job run record.
    func saveRun(_ run: JobRun) async throws

    /// The most recent job runs, newest first, with what the processor did with their users.
    func runs(limit: Int) async throws -> [JobRunReport]

    /// Number of rows in `spark_streams.created_users`.
    func userCount() async throws -> Int

    /// One stored user.
    func user(id: String) async throws -> UserRecord?

    /// Aggregate counts of one dimension summed over all minutes, keyed by value.
    func aggregateTotals(_ dimension: AggregateDimension) async throws -> [String: Int]

    /// Runs a read-only query in the store's own dialect and returns at most `limit` rows.
    func query(_ text: String, limit: Int) async throws -> QueryResult

    /// Closes the store.
    func close() async throws
}

extension UserStore {
    /// Marks every run still `running` among the newest `limit` as `interrupted` with `message`, and returns their
    /// ids. Their counts stay as last saved; `JobRunReport` completes them from what the processor accounts for. Each
    /// start marks what the previous process left, so the newest 100 runs are enough (on Cassandra, `runs` asks for the
    /// stats of each).
    ///
    /// Only a process that knows no other process ingests into this store may call it: `run` and `ingest` on the
    /// embedded log, whose writer lock makes them its only writer.
    public func interruptAbandonedRuns(message: String, limit: Int = 100) async throws -> [String] {
        var abandoned: [String] = []
        for report in try await runs(limit: limit) where report.run.state == .running {
            var run = report.run
            run.state = .interrupted
            run.message = message
            try await saveRun(run)
            abandoned.append(run.runID)
        }
        return abandoned
    }
}
