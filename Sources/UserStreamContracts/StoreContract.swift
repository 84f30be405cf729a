import Foundation
import UserStreamCore

/// One check of the `UserStore` contract.
public struct StoreContractCheck: Sendable, CustomStringConvertible {
    /// Opens a store. Calling it twice gives two handles on the same storage.
    public typealias MakeStore = @Sendable () async throws -> any UserStore

    public let name: String
    public let run: @Sendable (_ makeStore: MakeStore) async throws -> Void

    public init(_ name: String, run: @escaping @Sendable (_ makeStore: MakeStore) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// The behaviour every `UserStore` must have, as checks to run against each implementation (the embedded SQLite store
/// and the Cassandra one), each on fresh, empty storage.
///
/// The checks assume the default keyspace (`spark_streams`) for `query`. Their statements are valid in the store's
/// own dialect (``Dialect``): real Cassandra refuses what SQL accepts, such as a uuid written as a string.
public enum StoreContract {
    /// The query language of a store's `query`.
    public enum Dialect: Sendable {
        /// SQLite's SQL: the embedded store.
        case sql
        /// CQL: the Cassandra store.
        case cql

        /// A uuid as a literal: quoted text in SQL (the embedded store keeps ids as text), a bare uuid constant in
        /// CQL (Cassandra refuses a string for a uuid column).
        func uuid(_ id: String) -> String {
            switch self {
            case .sql: return "'\(id)'"
            case .cql: return id
            }
        }
    }

    /// The checks for a store whose `query` speaks SQL (the embedded store).
    public static let checks: [StoreContractCheck] = checks(.sql)

    /// The checks for a store whose `query` speaks `dialect`.
    public static func checks(_ dialect: Dialect) -> [StoreContractCheck] {
        [
            StoreContractCheck("commit inserts users and user(id:) reads back every field", run: insertsAndReadsBack),
            StoreContractCheck(
                "replaying a batch changes nothing but the run's duplicates",
                run: replayIsIdempotent
            ),
            StoreContractCheck(
                "the same id twice in one batch: one row, latest data, first ingestion",
                run: duplicatesInBatch
            ),
            StoreContractCheck(
                "a later duplicate with changed gender/nat/age moves the aggregates",
                run: changedDuplicate
            ),
            StoreContractCheck("aggregates equal the rows after random commits", run: aggregatesMatchRows),
            StoreContractCheck(
                "a user without ingested_at is stored with a time and counted",
                run: missingIngestedAt
            ),
            StoreContractCheck("offsets are stored per group and topic and advance", run: offsets),
            StoreContractCheck(
                "runs are saved, replaced and listed newest first with their stats",
                run: runs
            ),
            StoreContractCheck("everything persists across reopening", run: persistence),
            StoreContractCheck("query reads, honours the limit and refuses writes") { makeStore in
                try await readOnlyQuery(makeStore, dialect: dialect)
            },
        ]
    }

    // MARK: - Checks

    static func insertsAndReadsBack(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            try await storeEnsureEqual(try await store.userCount(), 0, "a new store is empty")
            let batch = StoreFixtures.batch(0..<60)
            let result = try await store.commit(batch)
            try await storeEnsureEqual(result, StoreCommitResult(inserted: 60, duplicates: 0), "commit result")
            try await storeEnsureEqual(try await store.userCount(), 60, "userCount after commit")
            for user in batch.users {
                try await storeEnsureEqual(
                    try await store.user(id: user.record.id),
                    user.record,
                    "user \(user.record.id)"
                )
            }
            try await storeEnsure(
                try await store.user(id: StoreFixtures.id(1_000_000)) == nil,
                "an unknown id reads as nil"
            )
            try await storeEnsureEqual(try await store.aggregateTotals(.total), ["all": 60], "total aggregate")
        }
    }

    static func replayIsIdempotent(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            let runID = "scheduled__2024-05-01T12:00:00+00:00"
            try await store.saveRun(run(runID, startedAtSecond: 0))
            let batch = StoreFixtures.batch(
                0..<40,
                runID: runID,
                nextOffsets: [0: 20, 1: 20],
                deadLetteredByRun: [runID: 2]
            )
            try await storeEnsureEqual(
                try await store.commit(batch),
                StoreCommitResult(inserted: 40, duplicates: 0),
                "first commit"
            )
            let before = try await snapshot(store, group: batch.group, topic: batch.topic)
            try await storeEnsureEqual(
                try await store.commit(batch),
                StoreCommitResult(inserted: 0, duplicates: 40),
                "replay"
            )
            let after = try await snapshot(store, group: batch.group, topic: batch.topic)
            try await storeEnsureEqual(after, before, "rows, aggregates and offsets after replaying the batch")
            let reports = try await store.runs(limit: 10)
            try await storeEnsureEqual(
                reports.first?.processed,
                RunProcessingStats(stored: 40, duplicates: 40, deadLettered: 4),
                "run stats count the replay as duplicates (dead letters are counted per commit)"
            )
        }
    }

    static func duplicatesInBatch(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            let first = StoreFixtures.user(1)
            var later = first
            later.email = "changed@example.com"
            later.phone = "00-0000-0000"
            later.city = nil
            later.latitude = 12.5
            later.ingestedAt = Timestamp.iso8601(milliseconds: StoreFixtures.baseMilliseconds + 3_600_000)
            var latest = later
            latest.username = "latest"
            let batch = StoreBatch(
                group: "userstream",
                topic: "users_created",
                users: [
                    IncomingUser(record: first, runID: "a"), IncomingUser(record: StoreFixtures.user(2), runID: "a"),
                    IncomingUser(record: later, runID: "a"), IncomingUser(record: latest, runID: "b"),
                ],
                deadLetteredByRun: [:],
                nextOffsets: [0: 4],
                batchID: "userstream/users_created/0:0-4"
            )
            try await storeEnsureEqual(
                try await store.commit(batch),
                StoreCommitResult(inserted: 2, duplicates: 2),
                "commit result"
            )
            try await storeEnsureEqual(try await store.userCount(), 2, "rows")
            var expected = latest
            expected.ingestedAt = first.ingestedAt
            try await storeEnsureEqual(
                try await store.user(id: first.id),
                expected,
                "latest data wins, first ingestion time kept"
            )
            try await storeEnsureEqual(try await store.aggregateTotals(.total), ["all": 2], "total aggregate")
        }
    }

    static func changedDuplicate(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            var original = StoreFixtures.user(7)
            original.gender = "female"
            original.nat = "FR"
            original.age = 25
            var changed = original
            changed.gender = "male"
            changed.nat = nil
            changed.age = 71
            let others = (100..<110).map(StoreFixtures.user)
            try await store.commit(batch([original] + others, offset: 11))
            try await store.commit(batch([changed], offset: 12))
            try await storeEnsureEqual(try await store.userCount(), 11, "rows")
            let expected = Model(records: [changed] + others)
            for dimension in AggregateDimension.allCases {
                try await storeEnsureEqual(
                    try await store.aggregateTotals(dimension),
                    expected.totals(dimension),
                    "\(dimension.rawValue) totals after the change"
                )
            }
            try await storeEnsureEqual(
                try await store.aggregateTotals(.gender)["female", default: 0],
                others.filter { $0.gender == "female" }.count,
                "the changed user left 'female'"
            )
        }
    }

    static func aggregatesMatchRows(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            var random = SplitMix64(seed: 42)
            var model = Model(records: [])
            var offset: Int64 = 0
            for round in 0..<25 {
                let size = Int(random.next() % 60)
                var users: [UserRecord] = []
                for _ in 0..<size {
                    var user = StoreFixtures.user(Int(random.next() % 400))
                    // Later versions of a user change what the aggregates are keyed by.
                    switch random.next() % 5 {
                    case 0: user.gender = user.gender == "male" ? "female" : "male"
                    case 1:
                        user.nat =
                            random.next() % 4 == 0 ? nil : StoreFixtures.nationalities.randomElement(using: &random)
                    case 2: user.age = random.next() % 6 == 0 ? nil : Int(random.next() % 90)
                    default: break
                    }
                    users.append(user)
                }
                offset += Int64(size)
                let result = try await store.commit(batch(users, offset: offset))
                let inserted = model.apply(users)
                try await storeEnsureEqual(result.inserted, inserted, "inserted in round \(round)")
                try await storeEnsureEqual(result.duplicates, users.count - inserted, "duplicates in round \(round)")
            }
            try await storeEnsureEqual(try await store.userCount(), model.records.count, "rows")
            for dimension in AggregateDimension.allCases {
                try await storeEnsureEqual(
                    try await store.aggregateTotals(dimension),
                    model.totals(dimension),
                    "\(dimension.rawValue)"
                )
            }
            for id in model.records.keys.sorted().prefix(50) {
                try await storeEnsureEqual(try await store.user(id: id), model.records[id], "user \(id)")
            }
        }
    }

    static func missingIngestedAt(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            var user = StoreFixtures.user(3)
            user.ingestedAt = nil
            var garbled = StoreFixtures.user(4)
            garbled.ingestedAt = "yesterday"
            try await store.commit(batch([user, garbled], offset: 2))
            for id in [user.id, garbled.id] {
                let stored = try await store.user(id: id)
                let time = stored?.ingestedAt.flatMap { Timestamp.milliseconds(iso8601: $0) }
                try await storeEnsure(
                    time != nil,
                    "user \(id) is stored with an ingestion time, got \(String(describing: stored?.ingestedAt))"
                )
            }
            try await storeEnsureEqual(try await store.aggregateTotals(.total), ["all": 2], "both are counted")
            var changed = user
            changed.gender = user.gender == "male" ? "female" : "male"
            try await store.commit(batch([changed], offset: 3))
            try await storeEnsureEqual(
                try await store.aggregateTotals(.gender),
                Model(records: [changed, garbled]).totals(.gender),
                "a later change moves the count"
            )
        }
    }

    static func offsets(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g1", topic: "users_created"),
                [:],
                "nothing committed"
            )
            try await store.commit(StoreFixtures.batch(0..<5, group: "g1", nextOffsets: [0: 10, 1: 5]))
            try await store.commit(StoreFixtures.batch(5..<8, group: "g2", nextOffsets: [0: 3]))
            try await store.commit(StoreFixtures.batch(8..<9, group: "g1", topic: "other", nextOffsets: [0: 7]))
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g1", topic: "users_created"),
                [0: 10, 1: 5],
                "g1"
            )
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g2", topic: "users_created"),
                [0: 3],
                "g2"
            )
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g1", topic: "other"),
                [0: 7],
                "g1/other"
            )
            // A batch of only dead letters still advances its offsets.
            let deadOnly = StoreBatch(
                group: "g1",
                topic: "users_created",
                users: [],
                deadLetteredByRun: ["": 3],
                nextOffsets: [1: 9],
                batchID: "g1/users_created/1:5-9"
            )
            try await storeEnsureEqual(
                try await store.commit(deadOnly),
                StoreCommitResult(inserted: 0, duplicates: 0),
                "empty batch"
            )
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g1", topic: "users_created"),
                [0: 10, 1: 9],
                "a later commit advances its partitions only"
            )
            try await storeEnsureEqual(
                try await store.committedOffsets(group: "g3", topic: "users_created"),
                [:],
                "unknown group"
            )
        }
    }

    static func runs(_ makeStore: StoreContractCheck.MakeStore) async throws {
        try await withStore(makeStore) { store in
            try await storeEnsureEqual(try await store.runs(limit: 10), [], "no runs yet")
            let older = run("scheduled__a", startedAtSecond: 0)
            let middle = run("manual__b", startedAtSecond: 60, trigger: "manual")
            var newest = run("scheduled__c", startedAtSecond: 120)
            for run in [middle, newest, older] { try await store.saveRun(run) }

            newest.state = .success
            newest.endedAt = Date(timeIntervalSince1970: Double(StoreFixtures.baseMilliseconds + 180_123) / 1000)
            newest.requests = 7
            newest.usersFetched = 500
            newest.produced = 498
            newest.deadLettered = 2
            newest.errors = ["http_429": 2, "timeout": 1]
            newest.message = "done"
            try await store.saveRun(newest)

            try await store.commit(
                StoreFixtures.batch(0..<10, runID: newest.runID, deadLetteredByRun: [newest.runID: 2])
            )
            try await store.commit(StoreFixtures.batch(5..<12, runID: older.runID))

            let reports = try await store.runs(limit: 10)
            try await storeEnsureEqual(reports.map(\.run), [newest, middle, older], "newest first, replaced in place")
            try await storeEnsureEqual(
                reports.map(\.processed),
                [
                    RunProcessingStats(stored: 10, duplicates: 0, deadLettered: 2), RunProcessingStats(),
                    RunProcessingStats(stored: 2, duplicates: 5, deadLettered: 0),
                ],
                "processed stats per run"
            )
            try await storeEnsureEqual(
                try await store.runs(limit: 2).map(\.run.runID),
                [newest.runID, middle.runID],
                "limit"
            )
        }
    }

    static func persistence(_ makeStore: StoreContractCheck.MakeStore) async throws {
        let batch = StoreFixtures.batch(0..<30, runID: "scheduled__p", nextOffsets: [0: 30, 2: 4])
        let savedRun = run("scheduled__p", startedAtSecond: 5)
        let first = try await makeStore()
        try await first.saveRun(savedRun)
        try await first.commit(batch)
        let before = try await snapshot(first, group: batch.group, topic: batch.topic)
        try await first.close()

        try await withStore(makeStore) { store in
            try await storeEnsureEqual(
                try await snapshot(store, group: batch.group, topic: batch.topic),
                before,
                "after reopening"
            )
            try await storeEnsureEqual(
                try await store.user(id: batch.users[17].record.id),
                batch.users[17].record,
                "a user"
            )
            try await storeEnsureEqual(
                try await store.runs(limit: 5),
                [JobRunReport(run: savedRun, processed: RunProcessingStats(stored: 30))],
                "runs"
            )
        }
    }

    static func readOnlyQuery(_ makeStore: StoreContractCheck.MakeStore, dialect: Dialect) async throws {
        try await withStore(makeStore) { store in
            let batch = StoreFixtures.batch(0..<25)
            try await store.commit(batch)
            let result = try await store.query("SELECT id, first_name FROM spark_streams.created_users", limit: 100)
            try await storeEnsureEqual(result.columns, ["id", "first_name"], "columns")
            try await storeEnsureEqual(
                Set(result.rows.map { $0.first ?? nil }),
                Set(batch.users.map { Optional($0.record.id) }),
                "rows"
            )
            let limited = try await store.query("SELECT id FROM spark_streams.created_users", limit: 10)
            try await storeEnsureEqual(limited.rows.count, 10, "at most `limit` rows")
            let one = try await store.query(
                "SELECT email, nat FROM spark_streams.created_users WHERE id = "
                    + dialect.uuid(batch.users[3].record.id),
                limit: 10
            )
            try await storeEnsureEqual(
                one.rows,
                [[batch.users[3].record.email, batch.users[3].record.nat]],
                "text cells"
            )
            // Cells say what they hold, so that `query --format json` writes numbers as numbers.
            let typed = try await store.query(
                "SELECT post_code, age, latitude FROM spark_streams.created_users WHERE id = "
                    + dialect.uuid(batch.users[3].record.id),
                limit: 10
            )
            try await storeEnsureEqual(typed.kinds, [[.text, .number, .number]], "cell kinds of text, int, double")

            // Statements the store's engine would run: only the store's read-only guard may refuse them.
            let id = dialect.uuid(batch.users[0].record.id)
            for statement in [
                dialect == .sql ? "DELETE FROM spark_streams.created_users" : "TRUNCATE spark_streams.created_users",
                "DELETE FROM spark_streams.created_users WHERE id = \(id)",
                "UPDATE spark_streams.created_users SET email = 'x' WHERE id = \(id)",
                "DROP TABLE spark_streams.created_users",
            ] {
                var refused = false
                do {
                    _ = try await store.query(statement, limit: 10)
                } catch {
                    refused = true
                }
                try await storeEnsure(refused, "query refuses \(statement)")
            }
            try await storeEnsureEqual(try await store.userCount(), 25, "the table is unchanged")
            try await storeEnsureEqual(
                try await store.user(id: batch.users[0].record.id),
                batch.users[0].record,
                "the row is unchanged"
            )
        }
    }

    // MARK: - Helpers

    /// Opens a store, runs `body`, and closes the store whether or not `body` throws.
    static func withStore(
        _ makeStore: StoreContractCheck.MakeStore,
        _ body: (any UserStore) async throws -> Void
    ) async throws {
        let store = try await makeStore()
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static func run(_ runID: String, startedAtSecond: Int64, trigger: String = "scheduled") -> JobRun {
        JobRun(
            runID: runID,
            trigger: trigger,
            source: "synthetic",
            startedAt: Date(
                timeIntervalSince1970: Double(StoreFixtures.baseMilliseconds + startedAtSecond * 1000 + 123) / 1000
            )
        )
    }

    static func batch(_ users: [UserRecord], offset: Int64, runID: String? = nil) -> StoreBatch {
        StoreBatch(
            group: "userstream",
            topic: "users_created",
            users: users.map { IncomingUser(record: $0, runID: runID) },
            deadLetteredByRun: [:],
            nextOffsets: [0: offset],
            batchID: "userstream/users_created/0:\(offset - Int64(users.count))-\(offset)"
        )
    }

    struct Snapshot: Equatable, CustomStringConvertible {
        var count: Int
        var aggregates: [String: [String: Int]]
        var offsets: [Int32: Int64]

        var description: String { "count \(count), offsets \(offsets), aggregates \(aggregates)" }
    }

    static func snapshot(_ store: any UserStore, group: String, topic: String) async throws -> Snapshot {
        var aggregates: [String: [String: Int]] = [:]
        for dimension in AggregateDimension.allCases {
            aggregates[dimension.rawValue] = try await store.aggregateTotals(dimension)
        }
        return Snapshot(
            count: try await store.userCount(),
            aggregates: aggregates,
            offsets: try await store.committedOffsets(group: group, topic: topic)
        )
    }

    /// What the table should hold: the latest version of each user, with its first ingestion time.
    struct Model {
        var records: [String: UserRecord] = [:]

        init(records: [UserRecord]) {
            _ = apply(records)
        }

        /// Applies users in order; returns how many had a new id.
        mutating func apply(_ users: [UserRecord]) -> Int {
            var inserted = 0
            for user in users {
                if let existing = records[user.id] {
                    var updated = user
                    updated.ingestedAt = existing.ingestedAt
                    records[user.id] = updated
                } else {
                    records[user.id] = user
                    inserted += 1
                }
            }
            return inserted
        }

        func totals(_ dimension: AggregateDimension) -> [String: Int] {
            var totals: [String: Int] = [:]
            for record in records.values {
                let value: String
                switch dimension {
                case .total: value = "all"
                case .gender: value = record.gender
                case .nat: value = record.nat ?? "unknown"
                case .ageBucket:
                    switch record.age {
                    case nil: value = "unknown"
                    case let age? where age < 20: value = "<20"
                    case let age? where age >= 70: value = "70+"
                    case let age?: value = "\(age / 10 * 10)-\(age / 10 * 10 + 9)"
                    }
                }
                totals[value, default: 0] += 1
            }
            return totals
        }
    }
}

/// Throws a `ContractViolation` unless `condition` holds.
func storeEnsure(
    _ condition: @autoclosure () async throws -> Bool,
    _ message: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line
) async throws {
    guard try await condition() else { throw ContractViolation(message: message(), file: file, line: line) }
}

/// Throws a `ContractViolation` showing both values unless they are equal.
func storeEnsureEqual<T: Equatable>(
    _ actual: @autoclosure () async throws -> T,
    _ expected: @autoclosure () async throws -> T,
    _ message: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line
) async throws {
    let actual = try await actual()
    let expected = try await expected()
    guard actual == expected else {
        throw ContractViolation(message: "\(message()): expected \(expected), got \(actual)", file: file, line: line)
    }
}
