import CQLClient
import Synchronization
import Testing
import UserStreamCore
import UserStreamTestSupport

@testable import CassandraStore

/// The tables a commit writes, in memory, with Cassandra's write semantics (upsert by key; a cell written with a
/// lower version than it has is left as it is), and a crash injected before the n-th write.
final class MemoryBackend: CommitBackend, @unchecked Sendable {
    struct Crash: Error {}

    struct Tables: Equatable {
        var journal: [String: [Int32: JournalEntry]] = [:]
        var users: [String: UserRecord] = [:]
        var countContributions: [CountCell: [String: Int64]] = [:]
        var userCounts: [CountCell: Int64] = [:]
        var userCountVersions: [CountCell: Int] = [:]
        var runContributions: [String: [String: RunProcessingStats]] = [:]
        var runStats: [String: RunProcessingStats] = [:]
        var runStatVersions: [String: Int] = [:]
        var offsets: [String: [Int32: Int64]] = [:]

        /// What a reader sees (the journal and contributions are bookkeeping).
        var visible: Visible {
            Visible(users: users, userCounts: userCounts.filter { $0.value != 0 }, runStats: runStats, offsets: offsets)
        }
    }

    struct Visible: Equatable {
        var users: [String: UserRecord]
        var userCounts: [CountCell: Int64]
        var runStats: [String: RunProcessingStats]
        var offsets: [String: [Int32: Int64]]
    }

    private let state: Mutex<(tables: Tables, writes: Int, crashAt: Int?)>

    init(tables: Tables = Tables(), crashAt: Int? = nil) {
        state = Mutex((tables, 0, crashAt))
    }

    var tables: Tables { state.withLock { $0.tables } }
    var writes: Int { state.withLock { $0.writes } }

    func crash(at write: Int?) {
        state.withLock {
            $0.crashAt = write
            $0.writes = 0
        }
    }

    /// Counts a write and throws when it is the one to crash before.
    private func write(_ body: (inout Tables) -> Void) throws {
        try state.withLock { state in
            if let crashAt = state.crashAt, state.writes >= crashAt { throw Crash() }
            state.writes += 1
            body(&state.tables)
        }
    }

    func totals(_ dimension: AggregateDimension) -> [String: Int] {
        var totals: [String: Int] = [:]
        for (cell, count) in tables.userCounts where cell.dimension == dimension.rawValue {
            totals[cell.value, default: 0] += Int(count)
        }
        return totals.filter { $0.value != 0 }
    }

    func journal(batchID: String) async throws -> [JournalEntry] {
        state.withLock { Array(($0.tables.journal[batchID] ?? [:]).values) }
    }

    func writeJournal(_ entry: JournalEntry) async throws {
        try write { $0.journal[entry.batchID, default: [:]][entry.attempt] = entry }
    }

    func storedKeys(ids: [String]) async throws -> [String: StoredUserKey] {
        state.withLock { state in
            var keys: [String: StoredUserKey] = [:]
            for id in ids {
                if let user = state.tables.users[id] {
                    keys[id] = StoredUserKey(
                        gender: user.gender,
                        nat: user.nat,
                        age: user.age,
                        ingestedAt: user.ingestedAt ?? ""
                    )
                }
            }
            return keys
        }
    }

    func writeCountContributions(_ deltas: [CountCell: Int64], batchID: String, attempt: Int32) async throws {
        for (cell, delta) in deltas.sorted(by: { $0.key < $1.key }) {
            try write { $0.countContributions[cell, default: [:]]["\(batchID)#\(attempt)"] = delta }
        }
    }

    func writeRunContributions(_ deltas: [String: RunProcessingStats], batchID: String, attempt: Int32) async throws {
        for (run, stats) in deltas.sorted(by: { $0.key < $1.key }) {
            try write { $0.runContributions[run, default: [:]]["\(batchID)#\(attempt)"] = stats }
        }
    }

    func upsertUsers(_ rows: [UserRecord]) async throws {
        for row in rows {
            try write { $0.users[row.id] = row }
        }
    }

    func countContributions(minute: Int64) async throws -> [CountCell: (sum: Int64, rows: Int)] {
        state.withLock { state in
            var result: [CountCell: (sum: Int64, rows: Int)] = [:]
            for (cell, contributions) in state.tables.countContributions where cell.minute == minute {
                result[cell] = (contributions.values.reduce(0, +), contributions.count)
            }
            return result
        }
    }

    func writeCount(_ cell: CountCell, count: Int64, version: Int) async throws {
        try write { tables in
            guard version >= tables.userCountVersions[cell, default: Int.min] else { return }
            tables.userCounts[cell] = count
            tables.userCountVersions[cell] = version
        }
    }

    func runContributions(runID: String) async throws -> (stats: RunProcessingStats, rows: Int) {
        state.withLock { state in
            let contributions = state.tables.runContributions[runID] ?? [:]
            var stats = RunProcessingStats()
            for contribution in contributions.values {
                stats.stored += contribution.stored
                stats.duplicates += contribution.duplicates
                stats.deadLettered += contribution.deadLettered
            }
            return (stats, contributions.count)
        }
    }

    func writeRunStats(runID: String, stats: RunProcessingStats, version: Int) async throws {
        try write { tables in
            guard version >= tables.runStatVersions[runID, default: Int.min] else { return }
            tables.runStats[runID] = stats
            tables.runStatVersions[runID] = version
        }
    }

    func writeOffsets(group: String, topic: String, offsets: [Int32: Int64], batchID: String, at: Int64) async throws {
        for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            try write { $0.offsets["\(group)/\(topic)", default: [:]][partition] = offset }
        }
    }
}

extension CountCell: CustomStringConvertible {
    public var description: String { "\(minute)/\(dimension)/\(value)" }
}

@Suite("BatchCommitter: exactly once across crashes")
struct BatchCommitterTests {
    static let now: Int64 = StoreFixtures.baseMilliseconds + 86_400_000

    /// Three batches: new users, a batch with duplicates that change gender/nat/age (and one without ingestion time),
    /// and an overlapping batch from another run with dead letters.
    static func batches() -> [StoreBatch] {
        var changed = StoreFixtures.user(3)
        changed.gender = changed.gender == "male" ? "female" : "male"
        changed.nat = nil
        changed.age = 75
        var noTime = StoreFixtures.user(40)
        noTime.ingestedAt = nil
        var again = StoreFixtures.user(5)
        again.email = "again@example.com"
        let second = StoreBatch(
            group: "userstream",
            topic: "users_created",
            users: [changed, noTime, again, StoreFixtures.user(41), changed].map { IncomingUser(record: $0, runID: "r2") },
            deadLetteredByRun: [:],
            nextOffsets: [0: 35],
            batchID: "userstream/users_created/0:30-35"
        )
        return [
            StoreFixtures.batch(0..<30, runID: "r1", nextOffsets: [0: 30, 1: 0]),
            second,
            StoreFixtures.batch(20..<50, runID: "r3", nextOffsets: [1: 30], deadLetteredByRun: ["r3": 2, "": 1]),
        ]
    }

    static func commitAll(_ batches: [StoreBatch], on backend: MemoryBackend) async throws -> [StoreCommitResult] {
        var results: [StoreCommitResult] = []
        for batch in batches {
            results.append(try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: now))
        }
        return results
    }

    @Test func cleanCommitsMatchTheModel() async throws {
        let backend = MemoryBackend()
        let results = try await Self.commitAll(Self.batches(), on: backend)
        #expect(results.map(\.inserted) == [30, 2, 18])
        #expect(results.map(\.duplicates) == [0, 3, 12])
        // The aggregates equal what the rows say.
        let users = Array(backend.tables.users.values)
        for dimension in AggregateDimension.allCases {
            var expected: [String: Int] = [:]
            for user in users {
                expected[AggregateBuckets.value(dimension, gender: user.gender, nat: user.nat, age: user.age), default: 0] += 1
            }
            #expect(backend.totals(dimension) == expected, "\(dimension)")
        }
        #expect(backend.tables.runStats["r2"] == RunProcessingStats(stored: 2, duplicates: 3))
        #expect(backend.tables.runStats["r3"] == RunProcessingStats(stored: 18, duplicates: 12, deadLettered: 2))
        #expect(backend.tables.runStats[""] == RunProcessingStats(deadLettered: 1))
        #expect(backend.tables.offsets["userstream/users_created"] == [0: 35, 1: 30])
        // The user without ingestion time got the commit time, and kept it.
        #expect(backend.tables.users[StoreFixtures.id(40)]?.ingestedAt == Timestamp.iso8601(milliseconds: Self.now))
    }

    /// For every write of every batch: crash before it, commit the batch again (as the next owner of the partition
    /// would), and compare with a clean run.
    @Test func aCrashBeforeAnyWriteThenReplayEqualsACleanRun() async throws {
        let batches = Self.batches()
        let clean = MemoryBackend()
        let cleanResults = try await Self.commitAll(batches, on: clean)

        for (index, batch) in batches.enumerated() {
            // How many writes the clean commit of this batch makes.
            let probe = MemoryBackend()
            _ = try await Self.commitAll(Array(batches[..<index]), on: probe)
            probe.crash(at: nil)
            _ = try await BatchCommitter(backend: probe).commit(batch, nowMilliseconds: Self.now)
            let writes = probe.writes
            #expect(writes > 5)

            for crashAt in 0..<writes {
                let backend = MemoryBackend()
                _ = try await Self.commitAll(Array(batches[..<index]), on: backend)
                backend.crash(at: crashAt)
                await #expect(throws: MemoryBackend.Crash.self) {
                    try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now)
                }
                backend.crash(at: nil)
                // The replay runs later: once the journal entry is written (the first write), the replay uses the
                // plan's commit time, not its own.
                let replayTime = crashAt == 0 ? Self.now : Self.now + 5_000
                let result = try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: replayTime)
                #expect(result == cleanResults[index], "batch \(index), crash before write \(crashAt)")
                _ = try await Self.commitAll(Array(batches[(index + 1)...]), on: backend)
                #expect(
                    backend.tables.visible == clean.tables.visible,
                    "batch \(index), crash before write \(crashAt)"
                )
            }
        }
    }

    @Test func twoCrashesInARowThenReplay() async throws {
        let batch = Self.batches()[0]
        let clean = MemoryBackend()
        _ = try await Self.commitAll([batch], on: clean)
        let backend = MemoryBackend()
        backend.crash(at: 20)
        await #expect(throws: MemoryBackend.Crash.self) {
            try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now)
        }
        backend.crash(at: 45)
        await #expect(throws: MemoryBackend.Crash.self) {
            try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now + 1)
        }
        backend.crash(at: nil)
        _ = try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now + 2)
        #expect(backend.tables.visible == clean.tables.visible)
    }

    @Test func recommittingACommittedBatchCountsItsUsersAsDuplicates() async throws {
        let batch = StoreFixtures.batch(0..<10, runID: "r", deadLetteredByRun: ["r": 1])
        let backend = MemoryBackend()
        let first = try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now)
        let second = try await BatchCommitter(backend: backend).commit(batch, nowMilliseconds: Self.now)
        #expect(first == StoreCommitResult(inserted: 10, duplicates: 0))
        #expect(second == StoreCommitResult(inserted: 0, duplicates: 10))
        #expect(backend.tables.runStats["r"] == RunProcessingStats(stored: 10, duplicates: 10, deadLettered: 2))
        #expect(backend.totals(.total) == ["all": 10])
        #expect(backend.tables.journal[batch.batchID]?.keys.sorted() == [0, 1])
    }

    @Test func aStaleRefreshLosesToTheOneThatSawMoreContributions() async throws {
        let backend = MemoryBackend()
        let cell = CountCell(minute: 1, dimension: "total", value: "all")
        try await backend.writeCount(cell, count: 7, version: 3)
        try await backend.writeCount(cell, count: 4, version: 2)
        #expect(backend.tables.userCounts[cell] == 7)
    }
}

@Suite("CommitPlan")
struct CommitPlanTests {
    @Test func plansNewUsersDuplicatesAndMoves() {
        var first = StoreFixtures.user(1)
        first.gender = "female"
        first.nat = "FR"
        first.age = 25
        var later = first
        later.gender = "male"
        later.age = 71
        let existingUser = StoreFixtures.user(200)  // 340 s after user 1: another minute
        var changedExisting = existingUser
        changedExisting.nat = nil
        let batch = StoreBatch(
            group: "g",
            topic: "t",
            users: [
                IncomingUser(record: first, runID: "a"), IncomingUser(record: later, runID: "b"),
                IncomingUser(record: changedExisting, runID: nil),
            ],
            deadLetteredByRun: ["a": 2],
            nextOffsets: [0: 3],
            batchID: "g/t/0:0-3"
        )
        let existing = [
            existingUser.id: StoredUserKey(
                gender: existingUser.gender,
                nat: existingUser.nat,
                age: existingUser.age,
                ingestedAt: existingUser.ingestedAt!
            )
        ]
        let plan = CommitPlan.make(batch: batch, existing: existing, nowMilliseconds: 0)
        #expect(plan.inserted == 1)
        #expect(plan.duplicates == 2)
        #expect(plan.runDeltas["a"] == RunProcessingStats(stored: 1, duplicates: 0, deadLettered: 2))
        #expect(plan.runDeltas["b"] == RunProcessingStats(duplicates: 1))
        #expect(plan.runDeltas[""] == RunProcessingStats(duplicates: 1))
        let firstMinute = AggregateBuckets.minute(ingestedAt: first.ingestedAt!, nowMilliseconds: 0)
        let existingMinute = AggregateBuckets.minute(ingestedAt: existingUser.ingestedAt!, nowMilliseconds: 0)
        func delta(_ minute: Int64, _ dimension: String, _ value: String) -> Int64? {
            plan.countDeltas[CountCell(minute: minute, dimension: dimension, value: value)]
        }
        // The new user counts once, with its latest values (female→male and 25→71 cancel out at its minute).
        #expect(delta(firstMinute, "total", "all") == 1)
        #expect(delta(firstMinute, "gender", "male") == 1)
        #expect(delta(firstMinute, "gender", "female") == nil)
        #expect(delta(firstMinute, "age_bucket", "70+") == 1)
        #expect(delta(firstMinute, "age_bucket", "20-29") == nil)
        // The stored user moves from its nat to unknown at its own minute; its total does not change.
        #expect(delta(existingMinute, "nat", existingUser.nat!) == -1)
        #expect(delta(existingMinute, "nat", "unknown") == 1)
        #expect(delta(existingMinute, "total", "all") == nil)

        let rows = CommitPlan.rows(batch: batch, existing: existing, nowMilliseconds: 0)
        #expect(rows.map(\.id) == [first.id, existingUser.id])
        #expect(rows[0].gender == "male")
        #expect(rows[0].ingestedAt == first.ingestedAt)
        #expect(rows[1].nat == nil)
    }

    @Test func journalTextRoundTrips() throws {
        let plan = CommitPlan(
            nowMilliseconds: 5,
            inserted: 1,
            duplicates: 2,
            countDeltas: [
                CountCell(minute: -3, dimension: "nat", value: "a\tb\\c\nd"): -2,
                CountCell(minute: 28_576_080, dimension: "total", value: "all"): 7,
            ],
            runDeltas: ["scheduled__2024\t1": RunProcessingStats(stored: 1, duplicates: 2, deadLettered: 3), "": .init()]
        )
        #expect(try CommitPlan.decodeCountDeltas(plan.encodedCountDeltas) == plan.countDeltas)
        #expect(try CommitPlan.decodeRunDeltas(plan.encodedRunDeltas) == plan.runDeltas)
        #expect(throws: CassandraStoreError.self) { try CommitPlan.decodeCountDeltas("1\tx\ty") }
    }

    @Test func ageBucketsMatchTheEmbeddedStore() {
        #expect(AggregateBuckets.ageBucket(nil) == "unknown")
        #expect(AggregateBuckets.ageBucket(19) == "<20")
        #expect(AggregateBuckets.ageBucket(20) == "20-29")
        #expect(AggregateBuckets.ageBucket(69) == "60-69")
        #expect(AggregateBuckets.ageBucket(70) == "70+")
        #expect(AggregateBuckets.minute(milliseconds: -1) == -1)
    }

    @Test func replicationText() {
        #expect(
            CassandraStoreConfiguration.Replication.simple(replicationFactor: 3).cql
                == "{'class': 'SimpleStrategy', 'replication_factor': 3}"
        )
        #expect(
            CassandraStoreConfiguration.Replication(parsing: "dc1:3,dc2:2")?.cql
                == "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}"
        )
        #expect(CassandraStoreConfiguration.Replication(parsing: "2") == .simple(replicationFactor: 2))
        #expect(CassandraStoreConfiguration.Replication(parsing: "dc1:x") == nil)
    }

    @Test func queryRefusesEverythingButSelect() {
        #expect(CQLStatementKind.leadingKeyword(" /* c */ select * from t") == "SELECT")
        #expect(CQLStatementKind.leadingKeyword("DELETE FROM t") == "DELETE")
        #expect(CassandraStore.render(.double(12.5)) == "12.5")
        #expect(CassandraStore.render(.null) == nil)
        #expect(CassandraStore.render(.list([.text("a'b"), .int(1)])) == "['a''b', 1]")
    }
}
