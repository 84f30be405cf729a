import Pipeline
import Testing
import UserStreamContracts
import UserStreamCore

@Suite("Consumer lag: the log's end offsets minus the offsets the store committed")
struct ConsumerLagMonitorTests {
    @Test func lagPerPartitionFollowsTheStoresOffsets() async throws {
        try await withPipelineHarness(partitions: 2) { harness in
            try await harness.log.createTopic(Topics.usersCreated, partitions: 2)
            let records = (0..<10).map { i in
                LogRecord(key: nil, value: Array("u\(i)".utf8), timestamp: 0, partition: i < 7 ? 0 : 1)
            }
            try await harness.log.produce(records, to: Topics.usersCreated)
            let monitor = ConsumerLagMonitor(log: harness.log, store: harness.store, logger: harness.logger)
            #expect(try await monitor.lag() == [0: 7, 1: 3])

            // The processor commits offsets with the rows: 4 of partition 0 stored.
            try await harness.store.commit(StoreFixtures.batch(0..<4, nextOffsets: [0: 4]))
            #expect(try await monitor.lag() == [0: 3, 1: 3])
        }
    }
}
