import Pipeline
import RandomUser
import SQLiteStore
import Synchronization
import Testing
import UserStreamCore

/// The real embedded store, except that chosen commits are refused as superseded (what `CassandraStore` answers when
/// an earlier owner's finished commit over the same offsets had its offsets written by this commit).
final class SupersedingStore: UserStore {
    let store: SQLiteStore
    let refuse: Set<Int>
    private let commits = Mutex(0)

    init(_ store: SQLiteStore, refuse: Set<Int>) {
        self.store = store
        self.refuse = refuse
    }

    var refused: Int { commits.withLock { count in refuse.filter { $0 < count }.count } }

    func commit(_ batch: StoreBatch) async throws -> StoreCommitResult {
        let index = commits.withLock { count in
            defer { count += 1 }
            return count
        }
        if refuse.contains(index) {
            throw StoreBatchSuperseded(batchID: batch.batchID, reason: "refused by the test")
        }
        return try await store.commit(batch)
    }

    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try await store.committedOffsets(group: group, topic: topic)
    }
    func saveRun(_ run: JobRun) async throws { try await store.saveRun(run) }
    func runs(limit: Int) async throws -> [JobRunReport] { try await store.runs(limit: limit) }
    func userCount() async throws -> Int { try await store.userCount() }
    func user(id: String) async throws -> UserRecord? { try await store.user(id: id) }
    func aggregateTotals(_ dimension: AggregateDimension) async throws -> [String: Int] {
        try await store.aggregateTotals(dimension)
    }
    func query(_ text: String, limit: Int) async throws -> QueryResult { try await store.query(text, limit: limit) }
    func close() async throws { try await store.close() }
}

@Suite("Processor: a superseded batch is read again from the store's offsets")
struct SupersededBatchTests {
    @Test(arguments: [[1], [0, 2, 3], [4]])
    func everyUserIsStoredOnceAfterSupersededCommits(refuse: [Int]) async throws {
        try await withPipelineHarness { harness in
            let run = try await harness.ingestor(
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 5)),
                count: 3000,
                batchSize: 500
            )
            .runOnce()
            #expect(run.produced == 3000)
            let store = SupersedingStore(harness.store, refuse: Set(refuse))
            let totals = try await Processor(
                log: harness.log,
                store: store,
                configuration: ProcessorConfiguration(
                    group: "userstream",
                    maxBatchRecords: 400,
                    pollTimeout: .milliseconds(20),
                    untilIdle: true
                ),
                logger: harness.logger
            ).runUntilDone()
            #expect(store.refused == refuse.count)
            #expect(totals.inserted == 3000)
            #expect(totals.duplicates == 0)
            #expect(try await harness.store.userCount() == 3000)
            #expect(try await harness.store.aggregateTotals(.total) == ["all": 3000])
            let runs = try await harness.store.runs(limit: 1)
            #expect(runs.first?.processed == RunProcessingStats(stored: 3000, duplicates: 0, deadLettered: 0))
        }
    }
}
