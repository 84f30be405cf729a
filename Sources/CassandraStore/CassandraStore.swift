import CQLClient
import CQLWire
import Foundation
import Logging
import UserStreamCore

/// The `UserStore` on Apache Cassandra, through `CQLClient`.
///
/// Tables (in `configuration.keyspace`, default `spark_streams`; see `CassandraSchema`): `created_users`,
/// `user_counts`, `consumer_offsets` and `run_stats` with the embedded store's definitions, plus the batch journal
/// (`batch_commits`), the counters' contributions (`user_count_deltas`, `run_stat_deltas`) and `job_runs`.
///
/// Cassandra has no multi-row transactions: a commit is a sequence of idempotent writes driven by a per-batch journal,
/// so that a crash at any point followed by a replay of the batch stores every user once and counts it once
/// (`BatchCommitter` describes the steps). Consumer offsets are written only after the rows and counters are
/// acknowledged.
///
/// `userCount()` is served by the `total` aggregate (which the commit keeps equal to the rows) rather than by
/// `SELECT count(*)`, which scans the whole table and times out on large ones.
public final class CassandraStore: UserStore, CommitBackend {
    public let configuration: CassandraStoreConfiguration
    let client: CQLClient
    let logger: Logger
    let statements: Statements
    private var committer: BatchCommitter { BatchCommitter(backend: self) }

    /// The prepared statements of the store.
    struct Statements: Sendable {
        var selectKey: CQLPreparedStatement
        var upsertUser: CQLPreparedStatement
        var selectUser: CQLPreparedStatement
        var selectJournal: CQLPreparedStatement
        var writeJournal: CQLPreparedStatement
        var writeCountDelta: CQLPreparedStatement
        var selectCountDeltas: CQLPreparedStatement
        var writeCount: CQLPreparedStatement
        var writeRunDelta: CQLPreparedStatement
        var selectRunDeltas: CQLPreparedStatement
        var writeRunStats: CQLPreparedStatement
        var writeOffset: CQLPreparedStatement
        var selectOffsets: CQLPreparedStatement
        var saveRun: CQLPreparedStatement
        var selectRunStats: CQLPreparedStatement
        var transitionJournal: CQLPreparedStatement
        var selectOpenBatches: CQLPreparedStatement
        var writeOpenBatch: CQLPreparedStatement
        var deleteOpenBatch: CQLPreparedStatement
        var deleteUser: CQLPreparedStatement
        var restoreUserKey: CQLPreparedStatement
    }

    private init(
        configuration: CassandraStoreConfiguration,
        client: CQLClient,
        statements: Statements,
        logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.statements = statements
        self.logger = logger
    }

    /// Connects, creates the keyspace and tables when missing (unless `createSchema` is off) and prepares the
    /// store's statements.
    public static func open(
        configuration: CassandraStoreConfiguration,
        logger: Logger = Logger(label: "userstream.store.cassandra")
    ) async throws -> CassandraStore {
        let keyspace = configuration.keyspace
        guard CassandraSchema.isValidIdentifier(keyspace) else {
            throw CassandraStoreError(
                .invalidKeyspace,
                "invalid keyspace name '\(keyspace)': use letters, digits and underscores"
            )
        }
        let client = try CQLClient(configuration: configuration.client, logger: logger)
        do {
            if configuration.createSchema {
                try await client.query(
                    CassandraSchema.createKeyspace(keyspace, replication: configuration.replication),
                    idempotent: true
                )
                for table in CassandraSchema.tables(keyspace) {
                    try await client.query(table, idempotent: true)
                }
            }
            let statements = try await prepareStatements(client, keyspace: keyspace)
            logger.info(
                "store.opened",
                metadata: [
                    "store.engine": "cassandra",
                    "store.keyspace": "\(keyspace)",
                    "cql.contact_points":
                        "\(configuration.client.contactPoints.map(\.description).joined(separator: ","))",
                ]
            )
            return CassandraStore(configuration: configuration, client: client, statements: statements, logger: logger)
        } catch {
            try? await client.close()
            throw error
        }
    }

    private static func prepareStatements(_ client: CQLClient, keyspace ks: String) async throws -> Statements {
        let columns = UserRecord.columnNames.joined(separator: ", ")
        let markers = Array(repeating: "?", count: UserRecord.columnNames.count).joined(separator: ", ")
        func prepare(_ cql: String) async throws -> CQLPreparedStatement {
            try await client.prepare(cql, idempotent: true)
        }
        return Statements(
            selectKey: try await prepare(
                "SELECT id, gender, nat, age, ingested_at FROM \(ks).created_users WHERE id = ?"
            ),
            upsertUser: try await prepare(
                "INSERT INTO \(ks).created_users (\(columns)) VALUES (\(markers)) USING TIMESTAMP ?"
            ),
            selectUser: try await prepare("SELECT \(columns) FROM \(ks).created_users WHERE id = ?"),
            selectJournal: try await prepare(
                """
                SELECT attempt, state, now_ms, inserted, duplicates, count_deltas, run_deltas \
                FROM \(ks).batch_commits WHERE batch_id = ?
                """
            ),
            writeJournal: try await prepare(
                """
                INSERT INTO \(ks).batch_commits (batch_id, attempt, state, now_ms, inserted, duplicates, count_deltas, \
                run_deltas, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ),
            writeCountDelta: try await prepare(
                """
                INSERT INTO \(ks).user_count_deltas (minute, dimension, value, batch_id, attempt, delta) \
                VALUES (?, ?, ?, ?, ?, ?)
                """
            ),
            selectCountDeltas: try await prepare(
                "SELECT dimension, value, delta FROM \(ks).user_count_deltas WHERE minute = ?"
            ),
            writeCount: try await prepare(
                "INSERT INTO \(ks).user_counts (minute, dimension, value, count) VALUES (?, ?, ?, ?) USING TIMESTAMP ?"
            ),
            writeRunDelta: try await prepare(
                """
                INSERT INTO \(ks).run_stat_deltas (run_id, batch_id, attempt, stored, duplicates, dead_lettered) \
                VALUES (?, ?, ?, ?, ?, ?)
                """
            ),
            selectRunDeltas: try await prepare(
                "SELECT stored, duplicates, dead_lettered FROM \(ks).run_stat_deltas WHERE run_id = ?"
            ),
            writeRunStats: try await prepare(
                """
                INSERT INTO \(ks).run_stats (run_id, stored, duplicates, dead_lettered) VALUES (?, ?, ?, ?) \
                USING TIMESTAMP ?
                """
            ),
            writeOffset: try await prepare(
                """
                INSERT INTO \(ks).consumer_offsets (group_id, topic, partition, next_offset, batch_id, committed_at) \
                VALUES (?, ?, ?, ?, ?, ?)
                """
            ),
            selectOffsets: try await prepare(
                "SELECT partition, next_offset FROM \(ks).consumer_offsets WHERE group_id = ? AND topic = ?"
            ),
            saveRun: try await prepare(
                """
                INSERT INTO \(ks).job_runs (run_id, job, "trigger", source, started_at, ended_at, state, requests, \
                users_fetched, produced, dead_lettered, errors, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ),
            selectRunStats: try await prepare(
                "SELECT stored, duplicates, dead_lettered FROM \(ks).run_stats WHERE run_id = ?"
            ),
            transitionJournal: try await prepare(
                "UPDATE \(ks).batch_commits SET state = ?, updated_at = ? WHERE batch_id = ? AND attempt = ? IF state = ?"
            ),
            selectOpenBatches: try await prepare(
                """
                SELECT batch_id, attempt, ranges, now_ms, new_ids, prior_keys FROM \(ks).open_batches \
                WHERE group_id = ? AND topic = ?
                """
            ),
            writeOpenBatch: try await prepare(
                """
                INSERT INTO \(ks).open_batches (group_id, topic, batch_id, attempt, ranges, now_ms, new_ids, \
                prior_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            ),
            deleteOpenBatch: try await prepare(
                "DELETE FROM \(ks).open_batches WHERE group_id = ? AND topic = ? AND batch_id = ?"
            ),
            deleteUser: try await prepare("DELETE FROM \(ks).created_users USING TIMESTAMP ? WHERE id = ?"),
            restoreUserKey: try await prepare(
                "UPDATE \(ks).created_users USING TIMESTAMP ? SET gender = ?, nat = ?, age = ? WHERE id = ?"
            )
        )
    }

    var keyspace: String { configuration.keyspace }

    // MARK: - Commit

    @discardableResult
    public func commit(_ batch: StoreBatch) async throws -> StoreCommitResult {
        for user in batch.users where CQLUUID(string: user.record.id) == nil {
            throw CassandraStoreError(.invalidUser, "user id '\(user.record.id)' is not a UUID")
        }
        var batch = batch
        if batch.batchID.isEmpty {
            // Without an id a batch cannot be recognised on replay; a unique one at least keeps it from resuming
            // another id-less batch's journal entry.
            batch.batchID = "unnamed/" + UUID().uuidString.lowercased()
            logger.warning("store.batch_without_id")
        }
        let result = try await committer.commit(batch, nowMilliseconds: Timestamp.nowMilliseconds())
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

    // MARK: - CommitBackend

    func write(_ statement: CQLPreparedStatement, _ values: [CQLValue]) async throws {
        try await client.execute(statement, values, consistency: configuration.writeConsistency, idempotent: true)
    }

    func read(_ statement: CQLPreparedStatement, _ values: [CQLValue]) -> CQLRowSequence {
        client.executePages(statement, values, consistency: configuration.readConsistency).rows
    }

    func journal(batchID: String) async throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        for try await row in read(statements.selectJournal, [.text(batchID)]) {
            let cells = CQLCells(row, table: "batch_commits")
            guard let state = JournalEntry.State(rawValue: try cells.text(1)) else {
                throw CassandraStoreError(.corruptValue, "batch_commits.state '\(try cells.text(1))' is not known")
            }
            entries.append(
                JournalEntry(
                    batchID: batchID,
                    attempt: Int32(try cells.int(0)),
                    state: state,
                    plan: CommitPlan(
                        nowMilliseconds: try cells.int(2),
                        inserted: Int(try cells.int(3)),
                        duplicates: Int(try cells.int(4)),
                        countDeltas: try CommitPlan.decodeCountDeltas(try cells.text(5)),
                        runDeltas: try CommitPlan.decodeRunDeltas(try cells.text(6))
                    )
                )
            )
        }
        return entries
    }

    func writeJournal(_ entry: JournalEntry) async throws {
        try await write(
            statements.writeJournal,
            [
                .text(entry.batchID), .int(entry.attempt), .text(entry.state.rawValue),
                .bigint(entry.plan.nowMilliseconds), .bigint(Int64(entry.plan.inserted)),
                .bigint(Int64(entry.plan.duplicates)), .text(entry.plan.encodedCountDeltas),
                .text(entry.plan.encodedRunDeltas), .text(Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds())),
            ]
        )
    }

    func storedKeys(ids: [String]) async throws -> [String: StoredUserKey] {
        let statement = statements.selectKey
        let results = try await concurrentMap(ids, limit: configuration.concurrency) { id -> (String, StoredUserKey)? in
            guard let uuid = CQLUUID(string: id) else { return nil }
            let result = try await self.client.execute(
                statement,
                [.uuid(uuid)],
                consistency: self.configuration.readConsistency
            )
            guard let row = result.rows.first else { return nil }
            let cells = CQLCells(row, table: "created_users")
            return (
                id,
                StoredUserKey(
                    gender: try cells.optionalText(1) ?? "",
                    nat: try cells.optionalText(2),
                    age: try cells.optionalInt(3).map { Int($0) },
                    ingestedAt: try cells.optionalText(4) ?? ""
                )
            )
        }
        return Dictionary(results.compactMap { $0 }, uniquingKeysWith: { first, _ in first })
    }

    func writeCountContributions(_ deltas: [CountCell: Int64], batchID: String, attempt: Int32) async throws {
        let statement = statements.writeCountDelta
        try await concurrentForEach(Array(deltas), limit: configuration.concurrency) { cell, delta in
            try await self.write(
                statement,
                [
                    .bigint(cell.minute), .text(cell.dimension), .text(cell.value), .text(batchID), .int(attempt),
                    .bigint(delta),
                ]
            )
        }
    }

    func writeRunContributions(_ deltas: [String: RunProcessingStats], batchID: String, attempt: Int32) async throws {
        let statement = statements.writeRunDelta
        try await concurrentForEach(Array(deltas), limit: configuration.concurrency) { runID, stats in
            try await self.write(
                statement,
                [
                    .text(CassandraSchema.runKey(runID)), .text(batchID), .int(attempt), .bigint(Int64(stats.stored)),
                    .bigint(Int64(stats.duplicates)), .bigint(Int64(stats.deadLettered)),
                ]
            )
        }
    }

    func upsertUsers(_ rows: [UserRecord], timestamp: Int64) async throws {
        let statement = statements.upsertUser
        try await concurrentForEach(rows, limit: configuration.concurrency) { record in
            try await self.write(statement, try Self.values(record) + [.bigint(timestamp)])
        }
    }

    func restoreUsers(newIDs: [String], priorKeys: [String: StoredUserKey], timestamp: Int64) async throws {
        let delete = statements.deleteUser
        try await concurrentForEach(newIDs, limit: configuration.concurrency) { id in
            guard let uuid = CQLUUID(string: id) else { return }
            try await self.write(delete, [.bigint(timestamp), .uuid(uuid)])
        }
        let restore = statements.restoreUserKey
        try await concurrentForEach(Array(priorKeys), limit: configuration.concurrency) { id, key in
            guard let uuid = CQLUUID(string: id) else { return }
            try await self.write(
                restore,
                [
                    .bigint(timestamp), .text(key.gender), key.nat.map { .text($0) } ?? .null,
                    key.age.map { .int(Int32($0)) } ?? .null, .uuid(uuid),
                ]
            )
        }
    }

    func transitionJournal(
        batchID: String,
        attempt: Int32,
        from: JournalEntry.State,
        to: JournalEntry.State
    ) async throws -> JournalEntry.State? {
        // A lightweight transaction; retried after a timeout, it may find the state it set itself.
        let result = try await client.execute(
            statements.transitionJournal,
            [
                .text(to.rawValue), .text(Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds())),
                .text(batchID), .int(attempt), .text(from.rawValue),
            ],
            consistency: configuration.writeConsistency,
            idempotent: true
        )
        if result.wasApplied == true { return nil }
        guard let index = result.columnIndex("state"), let row = result.rows.first else {
            throw CassandraStoreError(.corruptValue, "batch_commits: batch \(batchID) attempt \(attempt) is missing")
        }
        let text = try CQLCells(row, table: "batch_commits").text(index)
        guard let state = JournalEntry.State(rawValue: text) else {
            throw CassandraStoreError(.corruptValue, "batch_commits.state '\(text)' is not known")
        }
        return state == to ? nil : state
    }

    func openBatches(group: String, topic: String) async throws -> [OpenBatch] {
        var opens: [OpenBatch] = []
        for try await row in read(statements.selectOpenBatches, [.text(group), .text(topic)]) {
            let cells = CQLCells(row, table: "open_batches")
            opens.append(
                OpenBatch(
                    group: group,
                    topic: topic,
                    batchID: try cells.text(0),
                    attempt: Int32(try cells.int(1)),
                    ranges: try OpenBatch.decodeRanges(try cells.text(2)),
                    nowMilliseconds: try cells.int(3),
                    newIDs: (try cells.optionalText(4) ?? "").split(separator: ",").map(String.init),
                    priorKeys: try OpenBatch.decodePriorKeys(try cells.optionalText(5) ?? "")
                )
            )
        }
        return opens
    }

    func writeOpenBatch(_ open: OpenBatch) async throws {
        try await write(
            statements.writeOpenBatch,
            [
                .text(open.group), .text(open.topic), .text(open.batchID), .int(open.attempt),
                .text(open.encodedRanges), .bigint(open.nowMilliseconds), .text(open.newIDs.joined(separator: ",")),
                .text(open.encodedPriorKeys),
            ]
        )
    }

    func deleteOpenBatch(group: String, topic: String, batchID: String) async throws {
        try await write(statements.deleteOpenBatch, [.text(group), .text(topic), .text(batchID)])
    }

    func countContributions(minute: Int64) async throws -> [CountCell: (sum: Int64, rows: Int)] {
        var contributions: [CountCell: (sum: Int64, rows: Int)] = [:]
        for try await row in read(statements.selectCountDeltas, [.bigint(minute)]) {
            let cells = CQLCells(row, table: "user_count_deltas")
            let cell = CountCell(minute: minute, dimension: try cells.text(0), value: try cells.text(1))
            let delta = try cells.int(2)
            let previous = contributions[cell] ?? (0, 0)
            contributions[cell] = (previous.sum + delta, previous.rows + 1)
        }
        return contributions
    }

    func writeCount(_ cell: CountCell, count: Int64, version: Int) async throws {
        try await write(
            statements.writeCount,
            [.bigint(cell.minute), .text(cell.dimension), .text(cell.value), .bigint(count), .bigint(Int64(version))]
        )
    }

    func runContributions(runID: String) async throws -> (stats: RunProcessingStats, rows: Int) {
        var stats = RunProcessingStats()
        var rows = 0
        for try await row in read(statements.selectRunDeltas, [.text(CassandraSchema.runKey(runID))]) {
            let cells = CQLCells(row, table: "run_stat_deltas")
            stats.stored += Int(try cells.int(0))
            stats.duplicates += Int(try cells.int(1))
            stats.deadLettered += Int(try cells.int(2))
            rows += 1
        }
        return (stats, rows)
    }

    func writeRunStats(runID: String, stats: RunProcessingStats, version: Int) async throws {
        try await write(
            statements.writeRunStats,
            [
                .text(CassandraSchema.runKey(runID)), .bigint(Int64(stats.stored)), .bigint(Int64(stats.duplicates)),
                .bigint(Int64(stats.deadLettered)), .bigint(Int64(version)),
            ]
        )
    }

    func writeOffsets(group: String, topic: String, offsets: [Int32: Int64], batchID: String, at: Int64) async throws {
        let statement = statements.writeOffset
        let committedAt = Timestamp.iso8601(milliseconds: at)
        try await concurrentForEach(Array(offsets), limit: configuration.concurrency) { partition, offset in
            try await self.write(
                statement,
                [.text(group), .text(topic), .int(partition), .bigint(offset), .text(batchID), .text(committedAt)]
            )
        }
    }

    // MARK: - Reads

    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        var offsets: [Int32: Int64] = [:]
        for try await row in read(statements.selectOffsets, [.text(group), .text(topic)]) {
            let cells = CQLCells(row, table: "consumer_offsets")
            offsets[Int32(try cells.int(0))] = try cells.int(1)
        }
        return offsets
    }

    public func userCount() async throws -> Int {
        try await aggregateTotals(.total)[AggregateBuckets.total] ?? 0
    }

    public func user(id: String) async throws -> UserRecord? {
        guard let uuid = CQLUUID(string: id) else { return nil }
        let result = try await client.execute(
            statements.selectUser,
            [.uuid(uuid)],
            consistency: configuration.readConsistency
        )
        guard let row = result.rows.first else { return nil }
        return try Self.userRecord(row)
    }

    public func aggregateTotals(_ dimension: AggregateDimension) async throws -> [String: Int] {
        var totals: [String: Int] = [:]
        let rows = client.queryPages(
            "SELECT dimension, value, count FROM \(keyspace).user_counts",
            consistency: configuration.readConsistency
        ).rows
        for try await row in rows {
            let cells = CQLCells(row, table: "user_counts")
            guard try cells.text(0) == dimension.rawValue else { continue }
            totals[try cells.text(1), default: 0] += Int(try cells.int(2))
        }
        return totals.filter { $0.value != 0 }
    }

    public func close() async throws {
        try await client.close()
        logger.info("store.closed", metadata: ["store.engine": "cassandra", "store.keyspace": "\(keyspace)"])
    }

    // MARK: - Rows

    /// A user as the 21 values of `created_users`, in column order.
    static func values(_ record: UserRecord) throws -> [CQLValue] {
        guard let uuid = CQLUUID(string: record.id) else {
            throw CassandraStoreError(.invalidUser, "user id '\(record.id)' is not a UUID")
        }
        func text(_ value: String?) -> CQLValue { value.map { .text($0) } ?? .null }
        return [
            .uuid(uuid), .text(record.firstName), .text(record.lastName), .text(record.gender), .text(record.address),
            .text(record.postCode), .text(record.email), .text(record.username), .text(record.dob),
            .text(record.registeredDate), .text(record.phone), .text(record.picture), text(record.nat),
            text(record.country), text(record.city), text(record.state), record.age.map { .int(Int32($0)) } ?? .null,
            record.latitude.map { .double($0) } ?? .null, record.longitude.map { .double($0) } ?? .null,
            text(record.cell), text(record.ingestedAt),
        ]
    }

    static func userRecord(_ row: [CQLValue]) throws -> UserRecord {
        let cells = CQLCells(row, table: "created_users")
        guard case .uuid(let id) = row.first else {
            throw CassandraStoreError(.corruptValue, "created_users.id is not a uuid")
        }
        return UserRecord(
            id: id.description,
            firstName: try cells.optionalText(1) ?? "",
            lastName: try cells.optionalText(2) ?? "",
            gender: try cells.optionalText(3) ?? "",
            address: try cells.optionalText(4) ?? "",
            postCode: try cells.optionalText(5) ?? "",
            email: try cells.optionalText(6) ?? "",
            username: try cells.optionalText(7) ?? "",
            dob: try cells.optionalText(8) ?? "",
            registeredDate: try cells.optionalText(9) ?? "",
            phone: try cells.optionalText(10) ?? "",
            picture: try cells.optionalText(11) ?? "",
            nat: try cells.optionalText(12),
            country: try cells.optionalText(13),
            city: try cells.optionalText(14),
            state: try cells.optionalText(15),
            age: try cells.optionalInt(16).map { Int($0) },
            latitude: try cells.optionalDouble(17),
            longitude: try cells.optionalDouble(18),
            cell: try cells.optionalText(19),
            ingestedAt: try cells.optionalText(20)
        )
    }
}

/// Typed access to a row's cells, with errors naming the table.
struct CQLCells {
    let row: [CQLValue]
    let table: String

    init(_ row: [CQLValue], table: String) {
        self.row = row
        self.table = table
    }

    private func value(_ index: Int) throws(CassandraStoreError) -> CQLValue {
        guard index < row.count else {
            throw CassandraStoreError(.corruptValue, "\(table): row of \(row.count) columns, expected column \(index)")
        }
        return row[index]
    }

    func optionalText(_ index: Int) throws(CassandraStoreError) -> String? {
        switch try value(index) {
        case .null: return nil
        case .text(let text): return text
        case let other: throw CassandraStoreError(.corruptValue, "\(table): column \(index) is \(other), not text")
        }
    }

    func text(_ index: Int) throws(CassandraStoreError) -> String {
        guard let text = try optionalText(index) else {
            throw CassandraStoreError(.corruptValue, "\(table): column \(index) is null")
        }
        return text
    }

    func optionalInt(_ index: Int) throws(CassandraStoreError) -> Int64? {
        switch try value(index) {
        case .null: return nil
        case .int(let value): return Int64(value)
        case .bigint(let value), .timestamp(let value): return value
        case .smallint(let value): return Int64(value)
        case .tinyint(let value): return Int64(value)
        case .varint(let bytes): return CQLValue.varint(bytes).varintInt64
        case let other:
            throw CassandraStoreError(.corruptValue, "\(table): column \(index) is \(other), not an integer")
        }
    }

    func int(_ index: Int) throws(CassandraStoreError) -> Int64 {
        guard let value = try optionalInt(index) else {
            throw CassandraStoreError(.corruptValue, "\(table): column \(index) is null")
        }
        return value
    }

    func optionalDouble(_ index: Int) throws(CassandraStoreError) -> Double? {
        switch try value(index) {
        case .null: return nil
        case .double(let value): return value
        case .float(let value): return Double(value)
        case let other: throw CassandraStoreError(.corruptValue, "\(table): column \(index) is \(other), not a double")
        }
    }
}

/// Runs `body` on every element with at most `limit` running at once; the first error cancels the rest.
func concurrentForEach<T: Sendable>(
    _ items: [T],
    limit: Int,
    _ body: @escaping @Sendable (T) async throws -> Void
) async throws {
    _ = try await concurrentMap(items, limit: limit) { try await body($0) }
}

/// `map` with at most `limit` calls running at once; results in the items' order.
func concurrentMap<T: Sendable, R: Sendable>(
    _ items: [T],
    limit: Int,
    _ body: @escaping @Sendable (T) async throws -> R
) async throws -> [R] {
    guard !items.isEmpty else { return [] }
    return try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(max(1, limit), items.count) {
            let index = next
            group.addTask { (index, try await body(items[index])) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, try await body(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
