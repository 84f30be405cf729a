import Foundation
import KafkaBrokerTestSupport
import KafkaLog
import Testing
import UserStreamContracts
import UserStreamCore

/// Settings that keep a contract run short on a single test broker.
func kafkaTestConfiguration(bootstrap: String) -> KafkaLogConfiguration {
    var configuration = KafkaLogConfiguration(bootstrap: bootstrap)
    configuration.clientID = "userstream-tests"
    configuration.requestTimeout = .seconds(10)
    configuration.assignmentTimeout = .seconds(30)
    configuration.sessionTimeout = .seconds(10)
    configuration.closeTimeout = .seconds(5)
    return configuration
}

/// The contract against our own broker (`userstream broker`, in process) over loopback, a fresh one per check.
@Suite("Log contract: KafkaLog on our Kafka broker", .serialized)
struct KafkaLogContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        try await withTestKafkaBroker { broker in
            let configuration = kafkaTestConfiguration(bootstrap: broker.bootstrap)
            try await check.run {
                try KafkaLog(configuration: configuration, logger: .kafkaLogTests)
            }
        }
    }
}

/// The same contract on librdkafka's mock cluster (a fresh one per check), which needs no broker: everything but
/// CreateTopics goes over the Kafka protocol through `KafkaLog`.
@Suite("Log contract: KafkaLog on librdkafka's mock cluster", .serialized)
struct KafkaLogMockClusterContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        let cluster = try MockKafkaCluster()
        let configuration = kafkaTestConfiguration(bootstrap: cluster.bootstrap)
        try await check.run {
            MockClusterLog(log: try KafkaLog(configuration: configuration, logger: .kafkaLogTests), cluster: cluster)
        }
    }
}

@Suite("KafkaLog starting offsets on our Kafka broker")
struct KafkaLogStartingOffsetsTests {
    /// The store is the source of truth: a partition it has no offset for is read from the earliest offset, even when
    /// the group committed further in Kafka (a new store must see every record).
    @Test func aPartitionLeftOutStartsAtTheEarliestNotAtTheGroupsCommit() async throws {
        try await withTestKafkaBroker { broker in
            let log = try KafkaLog(
                configuration: kafkaTestConfiguration(bootstrap: broker.bootstrap),
                logger: .kafkaLogTests
            )
            try await log.createTopic("t", partitions: 1)
            try await log.produce(
                (0..<10).map { LogRecord(key: nil, value: [UInt8($0)], timestamp: 1_700_000_000_000) },
                to: "t"
            )
            try await broker.log.commitGroupOffsets(group: "g", offsets: [TopicPartition(topic: "t", partition: 0): 5])
            let consumer = try await log.makeConsumer(group: "g", topics: ["t"]) { _ in [:] }
            #expect(await consumer.positions()[TopicPartition(topic: "t", partition: 0)] == 0)
            let records = try await consumer.poll(maxRecords: 10, timeout: .seconds(10))
            #expect(records.first?.offset == 0)
            try await consumer.close()
            try await log.close()
        }
    }
}
