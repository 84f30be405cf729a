import GRDB
import GRDBSQLite
import UserStreamCore

extension SQLiteStore {
    /// Commits the batch in one IMMEDIATE transaction on the keyspace file: users (insert, or upsert for known ids),
    /// aggregate deltas, per-run stats and consumer offsets.
    @discardableResult
    public func commit(_ batch: StoreBatch) async throws -> StoreCommitResult {
        let statements = self.statements
        let now = Timestamp.nowMilliseconds()
        // `bench --profile`: the rows' bind/insert time, and the rest of the transaction (aggregates, run stats,
        // offsets, waiting for the writer and the commit's fsync).
        let profile = StageProfile.current
        let started = ContinuousClock.now
        let (result, writing) = try await write("commit") { db in
            try BatchCommit.run(batch, in: db, statements: statements, now: now, measure: profile != nil)
        }
        if let profile {
            profile.add(.storeWrite, writing)
            profile.add(.storeCommit, ContinuousClock.now - started - writing)
        }
        logger.debug(
            "store.committed",
            metadata: [
                "store.batch_id": "\(batch.batchID)",
                "store.inserted": "\(result.inserted)",
                "store.duplicates": "\(result.duplicates)",
            ]
        )
        return result
    }
}

/// The SQL of the commit path for one keyspace, built once per store.
struct CommitStatements: Sendable {
    let insertUser: String
    let selectPrevious: String
    let updateUser: String
    let addCount: String
    let addRunStats: String
    let storeOffset: String

    init(keyspace: String) {
        let table = "\"\(keyspace)\".created_users"
        let columns = UserRecord.columnNames
        // ?1 … ?21 in column order (see UserRowBinder).
        let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
        // Only a conflict on the id is ignored: any other constraint failure (NOT NULL, STRICT types) is an error,
        // which `INSERT OR IGNORE` would silently swallow.
        insertUser =
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) "
            + "ON CONFLICT (id) DO NOTHING"
        selectPrevious = "SELECT gender, nat, age, ingested_at FROM \(table) WHERE id = ?1"
        // Every column but id and ingested_at (the last one): latest data wins, first ingestion time kept.
        let assignments = columns.enumerated().dropFirst().dropLast().map { "\($0.element) = ?\($0.offset + 1)" }
        updateUser = "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE id = ?1"
        addCount = """
            INSERT INTO "\(keyspace)".user_counts (minute, dimension, value, count) VALUES (?, ?, ?, ?)
            ON CONFLICT (minute, dimension, value) DO UPDATE SET count = count + excluded.count
            """
        addRunStats = """
            INSERT INTO "\(keyspace)".run_stats (run_id, stored, duplicates, dead_lettered) VALUES (?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET stored = stored + excluded.stored,
                duplicates = duplicates + excluded.duplicates, dead_lettered = dead_lettered + excluded.dead_lettered
            """
        storeOffset = """
            INSERT INTO "\(keyspace)".consumer_offsets (group_id, topic, partition, next_offset, batch_id, committed_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset,
                batch_id = excluded.batch_id, committed_at = excluded.committed_at
            """
    }
}

/// One batch commit, inside the caller's write transaction.
enum BatchCommit {
    static func run(
        _ batch: StoreBatch,
        in db: Database,
        statements: CommitStatements,
        now: Int64,
        measure: Bool = false
    ) throws
        -> (StoreCommitResult, writing: Duration)
    {
        guard let connection = db.sqliteConnection else { throw StoreError(.closed, "commit: the store is closed") }
        let insert = try RawStatement(db.cachedStatement(sql: statements.insertUser), connection)
        let selectPrevious = try RawStatement(db.cachedStatement(sql: statements.selectPrevious), connection)
        let update = try RawStatement(db.cachedStatement(sql: statements.updateUser), connection)

        let nowText = Timestamp.iso8601(milliseconds: now)
        let nowMinute = AggregateBuckets.minute(milliseconds: now)
        var binder = UserRowBinder()
        var deltas = AggregateDeltas()
        var runStats: [String: RunProcessingStats] = [:]
        var inserted = 0
        var duplicates = 0
        // Consecutive users usually share a run id: count them locally and fold into `runStats` on change.
        var currentRun: String? = nil
        var currentStats = RunProcessingStats()

        let writingStarted = measure ? ContinuousClock.now : nil
        // Through a buffer pointer, so that each user is read in place rather than copied (21 retains) per row.
        try batch.users.withUnsafeBufferPointer { users in
            for index in users.indices {
                let runID = users[index].runID ?? ""
                if runID != currentRun {
                    if let currentRun { runStats[currentRun, default: .init()].add(currentStats) }
                    currentRun = runID
                    currentStats = RunProcessingStats()
                }

                // The stored ingestion time: the record's if it is a timestamp, else the commit time.
                var ingestedAt = nowText
                var minute = nowMinute
                if let text = users[index].record.ingestedAt, let milliseconds = Timestamp.milliseconds(iso8601: text) {
                    ingestedAt = text
                    minute = AggregateBuckets.minute(milliseconds: milliseconds)
                }
                binder.load(users[index].record, ingestedAt: ingestedAt)

                let isNew = try binder.withBound(insert.handle) { try insert.stepDone() == 1 }
                insert.reset()
                if isNew {
                    inserted += 1
                    currentStats.stored += 1
                    deltas.add(
                        minute: minute,
                        gender: users[index].record.gender,
                        nat: users[index].record.nat,
                        age: users[index].record.age
                    )
                    continue
                }

                // Known id (stored before, or earlier in this batch): latest data wins, counted where it already is.
                duplicates += 1
                currentStats.duplicates += 1
                let previous = try binder.withBound(selectPrevious.handle) { try selectPrevious.stepPreviousRow() }
                selectPrevious.reset()
                try binder.withBound(update.handle) { _ = try update.stepDone() }
                update.reset()
                let previousMinute =
                    Timestamp.milliseconds(iso8601: previous.ingestedAt)
                    .map(AggregateBuckets.minute(milliseconds:)) ?? nowMinute
                deltas.move(
                    minute: previousMinute,
                    from: (previous.gender, previous.nat, previous.age),
                    to: (users[index].record.gender, users[index].record.nat, users[index].record.age)
                )
            }
        }
        let writing = writingStarted.map { ContinuousClock.now - $0 } ?? .zero
        if let currentRun { runStats[currentRun, default: .init()].add(currentStats) }
        for (runID, count) in batch.deadLetteredByRun where count != 0 {
            runStats[runID, default: .init()].deadLettered += count
        }

        let addCount = try db.cachedStatement(sql: statements.addCount)
        for change in deltas.changes() {
            try addCount.execute(arguments: [change.minute, change.dimension.rawValue, change.value, change.delta])
        }
        let addRunStats = try db.cachedStatement(sql: statements.addRunStats)
        for (runID, stats) in runStats {
            try addRunStats.execute(arguments: [runID, stats.stored, stats.duplicates, stats.deadLettered])
        }
        let storeOffset = try db.cachedStatement(sql: statements.storeOffset)
        for (partition, offset) in batch.nextOffsets {
            try storeOffset.execute(arguments: [batch.group, batch.topic, partition, offset, batch.batchID, nowText])
        }
        return (StoreCommitResult(inserted: inserted, duplicates: duplicates), writing)
    }
}

extension RunProcessingStats {
    fileprivate mutating func add(_ other: RunProcessingStats) {
        stored += other.stored
        duplicates += other.duplicates
        deadLettered += other.deadLettered
    }
}

/// A GRDB cached statement driven through the C API, for the per-user statements of the commit path.
struct RawStatement {
    let handle: OpaquePointer
    let connection: OpaquePointer

    init(_ statement: Statement, _ connection: OpaquePointer) {
        self.handle = statement.sqliteStatement
        self.connection = connection
        sqlite3_reset(handle)
    }

    /// Steps a statement that returns no row; returns the number of rows it changed.
    @inline(__always)
    func stepDone() throws -> Int32 {
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE else { throw error(rc) }
        return sqlite3_changes(connection)
    }

    /// Steps `selectPrevious` and reads its one row.
    func stepPreviousRow() throws -> (gender: String, nat: String?, age: Int?, ingestedAt: String) {
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_ROW else {
            if rc == SQLITE_DONE {
                throw StoreError(
                    .sqlite,
                    "commit: a conflicting user id has no row",
                    sql: String(cString: sqlite3_sql(handle))
                )
            }
            throw error(rc)
        }
        return (
            text(0) ?? "",
            text(1),
            sqlite3_column_type(handle, 2) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, 2)),
            text(3) ?? ""
        )
    }

    private func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else {
            return nil
        }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func reset() {
        sqlite3_reset(handle)
    }

    private func error(_ rc: Int32) -> StoreError {
        StoreError(
            .sqlite,
            "commit: " + String(cString: sqlite3_errmsg(connection)),
            sql: String(cString: sqlite3_sql(handle)),
            sqliteCode: sqlite3_extended_errcode(connection)
        )
    }
}
