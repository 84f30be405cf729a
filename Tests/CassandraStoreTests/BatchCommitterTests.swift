import CQLClient
import Synchronization
import Testing
import UserStreamContracts
import UserStreamCore

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
        var opens: [String: OpenBatch] = [:]
        /// Write timestamps of the rows and of their deletions, for Cassandra's last-write-wins.
        var userTimestamps: [String: Int64] = [:]
        var tombstones: [String: Int64] = [:]

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

    func upsertUsers(_ rows: [UserRecord], timestamp: Int64) async throws {
        for row in rows {
            try write { tables in
                guard timestamp > tables.tombstones[row.id, default: Int64.min],
                    timestamp >= tables.userTimestamps[row.id, default: Int64.min]
                else { return }
                tables.users[row.id] = row
                tables.userTimestamps[row.id] = timestamp
            }
        }
    }

    func restoreUsers(newIDs: [String], priorKeys: [String: StoredUserKey], timestamp: Int64) async throws {
        for id in newIDs {
            try write { tables in
                tables.tombstones[id] = max(tables.tombstones[id, default: Int64.min], timestamp)
                if tables.userTimestamps[id, default: Int64.min] <= timestamp {
                    tables.users[id] = nil
                    tables.userTimestamps[id] = nil
                }
            }
        }
        for (id, key) in priorKeys.sorted(by: { $0.key < $1.key }) {
            try write { tables in
                guard var user = tables.users[id], timestamp >= tables.userTimestamps[id, default: Int64.min] else {
                    return
                }
                user.gender = key.gender
                user.nat = key.nat
                user.age = key.age
                tables.users[id] = user
                tables.userTimestamps[id] = timestamp
            }
        }
    }

    func transitionJournal(
        batchID: String,
        attempt: Int32,
        from: JournalEntry.State,
        to: JournalEntry.State
    ) async throws -> JournalEntry.State? {
        var current: JournalEntry.State?
        try write { tables in
            guard var entry = tables.journal[batchID]?[attempt] else { return }
            current = entry.state
            if entry.state == from {
                entry.state = to
                tables.journal[batchID]![attempt] = entry
            }
        }
        guard let current else { throw Missing() }
        return current == from || current == to ? nil : current
    }

    struct Missing: Error {}

    func openBatches(group: String, topic: String) async throws -> [OpenBatch] {
        state.withLock { state in
            state.tables.opens.values.filter { $0.group == group && $0.topic == topic }.sorted {
                $0.batchID < $1.batchID
            }
        }
    }

    func writeOpenBatch(_ open: OpenBatch) async throws {
        try write { $0.opens["\(open.group)/\(open.topic)/\(open.batchID)"] = open }
    }

    func deleteOpenBatch(group: String, topic: String, batchID: String) async throws {
        try write { $0.opens["\(group)/\(topic)/\(batchID)"] = nil }
    }

    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        state.withLock { $0.tables.offsets["\(group)/\(topic)"] ?? [:] }
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
            users: [changed, noTime, again, StoreFixtures.user(41), changed].map {
                IncomingUser(record: $0, runID: "r2")
            },
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
                expected[
                    AggregateBuckets.value(dimension, gender: user.gender, nat: user.nat, age: user.age),
                    default: 0
                ] += 1
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

    /// A log partition as a processor sees it: records 0..<40 are new users of run r1, 40..<55 repeat users 10..<25
    /// with another gender (run r2), and every ninth record does not decode (a dead letter).
    struct Partition {
        static let records = 55

        static func batch(from first: Int, count: Int) -> StoreBatch {
            let end = min(records, first + count)
            var users: [IncomingUser] = []
            var dead: [String: Int] = [:]
            for offset in first..<end {
                let run = offset < 40 ? "r1" : "r2"
                if offset % 9 == 4 {
                    dead[run, default: 0] += 1
                    continue
                }
                var user = StoreFixtures.user(offset < 40 ? offset : offset - 30)
                if offset >= 40 { user.gender = user.gender == "male" ? "female" : "male" }
                users.append(IncomingUser(record: user, runID: run))
            }
            return StoreBatch(
                group: "userstream",
                topic: "users_created",
                users: users,
                deadLetteredByRun: dead,
                nextOffsets: [0: Int64(end)],
                firstOffsets: [0: Int64(first)],
                batchID: "userstream/users_created/0:\(first)-\(end - 1)"
            )
        }

        /// Consumes from the store's committed offset in batches of `sizes` (the last size repeats) until the end,
        /// as a processor does (reading again from the store's offsets when a commit is superseded).
        static func process(
            _ backend: MemoryBackend,
            sizes: [Int],
            now: Int64,
            stopAfter batches: Int = .max
        ) async throws {
            var sizes = sizes[...]
            var done = 0
            while done < batches {
                let first = Int(try await backend.committedOffsets(group: "userstream", topic: "users_created")[0] ?? 0)
                guard first < records else { return }
                let size = sizes.count > 1 ? sizes.removeFirst() : sizes.first!
                do {
                    _ = try await BatchCommitter(backend: backend).commit(
                        batch(from: first, count: size),
                        nowMilliseconds: now + Int64(done)
                    )
                } catch is StoreBatchSuperseded {}
                done += 1
            }
        }
    }

    /// What a reader sees must not depend on where batches started and ended, nor on crashes.
    static func expectConsistent(_ backend: MemoryBackend, equalTo clean: MemoryBackend, _ comment: Comment) {
        #expect(backend.tables.visible == clean.tables.visible, comment)
        #expect(backend.tables.opens.isEmpty, comment)
        #expect(backend.totals(.total) == ["all": backend.tables.users.count], comment)
    }

    /// The case a real Cassandra showed: a crash before any write of a batch, then a restart that polls batches with
    /// other boundaries (shorter, then longer). The abandoned attempt must not stay in the counters.
    @Test func aCrashThenReplayWithOtherBoundariesEqualsACleanRun() async throws {
        let clean = MemoryBackend()
        try await Partition.process(clean, sizes: [20], now: Self.now)
        // r1: offsets 0..<40, four dead letters (4, 13, 22, 31). r2: 40..<55 repeat users 10..<25, two dead letters
        // (40, 49); users 13 and 22 were dead letters in r1, so r2 stores them for the first time.
        #expect(clean.totals(.total) == ["all": 38])
        #expect(clean.tables.runStats["r1"] == RunProcessingStats(stored: 36, duplicates: 0, deadLettered: 4))
        #expect(clean.tables.runStats["r2"] == RunProcessingStats(stored: 2, duplicates: 11, deadLettered: 2))

        let probe = MemoryBackend()
        try await Partition.process(probe, sizes: [6], now: Self.now, stopAfter: 1)
        probe.crash(at: nil)
        try await Partition.process(probe, sizes: [20], now: Self.now, stopAfter: 1)
        let writes = probe.writes
        #expect(writes > 20)
        for restartSizes in [[7, 3, 50], [50], [13, 25]] {
            for crashAt in 0..<writes {
                let backend = MemoryBackend()
                try await Partition.process(backend, sizes: [6], now: Self.now, stopAfter: 1)
                backend.crash(at: crashAt)
                await #expect(throws: MemoryBackend.Crash.self) {
                    try await Partition.process(backend, sizes: [20], now: Self.now + 100, stopAfter: 1)
                }
                backend.crash(at: nil)
                try await Partition.process(backend, sizes: restartSizes, now: Self.now + 200)
                Self.expectConsistent(backend, equalTo: clean, "crash before write \(crashAt), then \(restartSizes)")
            }
        }
    }

    /// Two crashes: the first leaves an attempt open, the second stops the batch that rolls it back (or finishes
    /// it) at any of its writes; a third run finishes.
    @Test func aCrashDuringTheRollbackThenReplayEqualsACleanRun() async throws {
        let clean = MemoryBackend()
        try await Partition.process(clean, sizes: [20], now: Self.now)
        let firstProbe = MemoryBackend()
        try await Partition.process(firstProbe, sizes: [20], now: Self.now, stopAfter: 1)
        let firstWrites = firstProbe.writes
        for firstCrash in stride(from: 1, to: firstWrites, by: 5) {
            let probe = MemoryBackend()
            probe.crash(at: firstCrash)
            try? await Partition.process(probe, sizes: [20], now: Self.now, stopAfter: 1)
            probe.crash(at: nil)
            try await Partition.process(probe, sizes: [9], now: Self.now + 100, stopAfter: 1)
            #expect(probe.writes > 10)
            let secondWrites = probe.writes
            for secondCrash in 0..<secondWrites {
                let backend = MemoryBackend()
                backend.crash(at: firstCrash)
                try? await Partition.process(backend, sizes: [20], now: Self.now, stopAfter: 1)
                backend.crash(at: secondCrash)
                try? await Partition.process(backend, sizes: [9], now: Self.now + 100, stopAfter: 1)
                backend.crash(at: nil)
                try await Partition.process(backend, sizes: [4, 30], now: Self.now + 200)
                Self.expectConsistent(
                    backend,
                    equalTo: clean,
                    "crash before write \(firstCrash), then before write \(secondCrash) of the next batch"
                )
            }
        }
    }

    /// A processor that stalls (a partition moved to another member meanwhile) finds its attempt rolled back when it
    /// resumes: its commit fails, and what it wrote late leaves no trace.
    @Test func aStalledOwnerLosesToTheRollback() async throws {
        let clean = MemoryBackend()
        try await Partition.process(clean, sizes: [20], now: Self.now)
        let backend = MemoryBackend()
        let stalled = Partition.batch(from: 0, count: 20)
        // The stalled owner planned and wrote its journal and open entries, then stopped.
        backend.crash(at: 2)
        await #expect(throws: MemoryBackend.Crash.self) {
            try await BatchCommitter(backend: backend).commit(stalled, nowMilliseconds: Self.now)
        }
        backend.crash(at: nil)
        // The next owner rolls it back and commits everything with other boundaries.
        try await Partition.process(backend, sizes: [8, 30], now: Self.now + 100)
        // The stalled owner resumes its attempt: every write it makes is shadowed, and it is told.
        let entry = try #require(try await backend.journal(batchID: stalled.batchID).first)
        #expect(entry.state == .rolledBack)
        try await backend.writeCountContributions(entry.plan.countDeltas, batchID: stalled.batchID, attempt: 0)
        try await backend.upsertUsers(
            CommitPlan.rows(batch: stalled, existing: [:], nowMilliseconds: Self.now),
            timestamp: OpenBatch.rowTimestamp(nowMilliseconds: Self.now)
        )
        let state = try await backend.transitionJournal(
            batchID: stalled.batchID,
            attempt: 0,
            from: .pending,
            to: .committed
        )
        #expect(state == .rolledBack)
        #expect(backend.tables.users == clean.tables.users)
    }

    @Test func openBatchTextRoundTrips() throws {
        let open = OpenBatch(
            group: "g",
            topic: "t",
            batchID: "g/t/0:1-2",
            attempt: 3,
            ranges: [0: .init(first: 5, next: 9), 2: .init(first: nil, next: 4)],
            nowMilliseconds: 7,
            newIDs: [StoreFixtures.id(1)],
            priorKeys: [
                StoreFixtures.id(2): StoredUserKey(gender: "a\tb", nat: nil, age: 31, ingestedAt: "x"),
                StoreFixtures.id(3): StoredUserKey(gender: "", nat: "", age: nil, ingestedAt: ""),
            ]
        )
        #expect(try OpenBatch.decodeRanges(open.encodedRanges) == open.ranges)
        #expect(try OpenBatch.decodePriorKeys(open.encodedPriorKeys) == open.priorKeys)
        #expect(throws: CassandraStoreError.self) { try OpenBatch.decodeRanges("0:x-1") }
        #expect(open.overlaps([0: .init(first: 8, next: 12)]))
        #expect(!open.overlaps([0: .init(first: 9, next: 12)]))
        #expect(open.overlaps([2: .init(first: 3, next: 12)]))
        #expect(!open.overlaps([1: .init(first: 0, next: 12)]))
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
            runDeltas: [
                "scheduled__2024\t1": RunProcessingStats(stored: 1, duplicates: 2, deadLettered: 3), "": .init(),
            ]
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
