import KafkaLog
import Synchronization
import Testing
import UserStreamCore

/// Two members of one group on librdkafka's mock cluster: they split the partitions, and when one leaves the other
/// takes its partitions over from the offsets the "store" holds (what `startingOffsets` answers).
@Suite("KafkaLog consumer groups on librdkafka's mock cluster", .serialized)
struct KafkaLogGroupTests {
    /// The processor's store: offsets committed together with the rows.
    final class Store: Sendable {
        let offsets = Mutex<[TopicPartition: Int64]>([:])
        let consumed = Mutex<[TopicPartition: [Int64]]>([:])

        func startingOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
            offsets.withLock { offsets in offsets.filter { partitions.contains($0.key) } }
        }

        /// Keeps the records and commits their offsets, as the processor does.
        func commit(_ records: [ConsumedRecord], consumer: any LogConsumer) async throws {
            guard !records.isEmpty else { return }
            var next: [TopicPartition: Int64] = [:]
            for record in records {
                next[record.topicPartition] = max(next[record.topicPartition] ?? 0, record.offset + 1)
            }
            consumed.withLock { consumed in
                for record in records { consumed[record.topicPartition, default: []].append(record.offset) }
            }
            offsets.withLock { offsets in offsets.merge(next) { max($0, $1) } }
            try await consumer.commit(next)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func membersSplitPartitionsAndTakeOverOnLeave() async throws {
        let cluster = try MockKafkaCluster()
        let log = try KafkaLog(
            configuration: kafkaTestConfiguration(bootstrap: cluster.bootstrap),
            logger: .kafkaLogTests
        )
        let mockLog = MockClusterLog(log: log, cluster: cluster)
        try await mockLog.createTopic("split", partitions: 4)
        try await log.produce(
            (0..<200).map {
                LogRecord(key: Array("user-\($0)".utf8), value: Array("\($0)".utf8), timestamp: 1_700_000_000_000)
            },
            to: "split"
        )
        let all = Set((0..<4).map { TopicPartition(topic: "split", partition: Int32($0)) })
        let store = Store()
        let first = try await log.makeConsumer(group: "processors", topics: ["split"]) { store.startingOffsets($0) }
        #expect(Set(await first.assignment()) == all)
        try await store.commit(try await first.poll(maxRecords: 40, timeout: .seconds(5)), consumer: first)

        // The second member joins; the first must keep polling for the rebalance to complete.
        let joining = Task {
            try await log.makeConsumer(group: "processors", topics: ["split"]) { store.startingOffsets($0) }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            let records = try await first.poll(maxRecords: 5, timeout: .milliseconds(100))
            try await store.commit(records, consumer: first)
            let assigned = Set(await first.assignment())
            if !assigned.isEmpty && assigned != all { break }
        }
        let second = try await joining.value
        // Both keep polling until the rebalance settled on both sides: each runs its own rebalance callbacks only
        // while it polls (eager protocol: revoke everything, then the new assignment).
        while clock.now < deadline {
            for consumer in [first, second] {
                let records = try await consumer.poll(maxRecords: 5, timeout: .milliseconds(100))
                try await store.commit(records, consumer: consumer)
            }
            let a = Set(await first.assignment())
            let b = Set(await second.assignment())
            if !a.isEmpty && !b.isEmpty && a.isDisjoint(with: b) && a.union(b) == all { break }
        }
        let firstPartitions = Set(await first.assignment())
        let secondPartitions = Set(await second.assignment())
        #expect(!firstPartitions.isEmpty && !secondPartitions.isEmpty, "\(firstPartitions) / \(secondPartitions)")
        #expect(firstPartitions.isDisjoint(with: secondPartitions))
        #expect(firstPartitions.union(secondPartitions) == all)
        // The new owner starts where the store says.
        let storeOffsets = store.offsets.withLock { $0 }
        for (partition, position) in await second.positions() {
            #expect(position == storeOffsets[partition] ?? 0, "\(partition) starts at \(position)")
        }

        // Both consume a little; then the first leaves and the second takes everything over.
        for _ in 0..<3 {
            try await store.commit(try await first.poll(maxRecords: 10, timeout: .milliseconds(200)), consumer: first)
            try await store.commit(try await second.poll(maxRecords: 10, timeout: .milliseconds(200)), consumer: second)
        }
        try await first.close()
        // More records, keyed over every partition, after the first member left.
        try await log.produce(
            (200..<240).map {
                LogRecord(key: Array("user-\($0)".utf8), value: Array("\($0)".utf8), timestamp: 1_700_000_000_000)
            },
            to: "split"
        )
        let takeover = clock.now + .seconds(60)
        var total = 0
        var assigned: Set<TopicPartition> = []
        while (total < 240 || assigned != all) && clock.now < takeover {
            try await store.commit(try await second.poll(maxRecords: 50, timeout: .milliseconds(200)), consumer: second)
            total = store.consumed.withLock { $0.values.reduce(0) { $0 + $1.count } }
            assigned = Set(await second.assignment())
        }
        #expect(assigned == all)
        // Every record exactly once, in offset order per partition.
        let consumed = store.consumed.withLock { $0 }
        let ends = try await log.offsets(of: "split")
        for partition in all {
            let offsets = consumed[partition] ?? []
            #expect(offsets == Array(0..<(ends[partition.partition]?.end ?? 0)), "\(partition): \(offsets)")
        }
        #expect(total == 240)
        // Kafka's committed offsets trail the store's: commits refused during a rebalance are skipped. The owner's
        // next commit (here: the store's offsets again, as the processor's next batch would) catches up.
        let trailing = try await log.committedOffsets(group: "processors", topic: "split")
        for (partition, range) in ends {
            #expect((trailing[partition] ?? 0) <= range.end)
        }
        try await second.commit(store.offsets.withLock { $0 })
        let committed = try await log.committedOffsets(group: "processors", topic: "split")
        #expect(committed == ends.mapValues(\.end))
        try await second.close()
        try await log.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func startingOffsetsFailureFailsTheConsumer() async throws {
        struct StoreDown: Error {}
        let cluster = try MockKafkaCluster()
        let log = try KafkaLog(
            configuration: kafkaTestConfiguration(bootstrap: cluster.bootstrap),
            logger: .kafkaLogTests
        )
        try await MockClusterLog(log: log, cluster: cluster).createTopic("down", partitions: 2)
        do {
            _ = try await log.makeConsumer(group: "g", topics: ["down"]) { _ in throw StoreDown() }
            Issue.record("makeConsumer succeeded without starting offsets")
        } catch let error as KafkaLogError {
            #expect(error.code == .assignmentFailed)
            #expect(error.message.contains("StoreDown"))
        }
        try await log.close()
    }
}
