import CRdKafka
import KafkaLog
import UserStreamCore

/// librdkafka's in-process mock cluster (`rdkafka_mock.h`): real Kafka protocol over loopback, with produce, fetch,
/// ListOffsets, consumer groups and offset commits — but no CreateTopics, so topics are made through the mock API.
///
/// `@unchecked Sendable`: the mock cluster's API is thread-safe; the pointers are only destroyed by `deinit`.
final class MockKafkaCluster: @unchecked Sendable {
    private let handle: OpaquePointer
    private let cluster: OpaquePointer
    let bootstrap: String

    init(brokers: Int32 = 1) throws {
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_conf_set(conf, "log_level", "0", &errorText, errorText.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            throw KafkaLogError(.clientCreation, "mock cluster handle")
        }
        guard let cluster = rd_kafka_mock_cluster_new(handle, brokers) else {
            rd_kafka_destroy(handle)
            throw KafkaLogError(.clientCreation, "rd_kafka_mock_cluster_new")
        }
        self.handle = handle
        self.cluster = cluster
        self.bootstrap = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    func createTopic(_ name: String, partitions: Int) throws {
        let error = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaLogError(
                .topicCreationFailed,
                "mock topic \(name): \(String(cString: rd_kafka_err2name(error)))"
            )
        }
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(handle)
    }
}

/// A `KafkaLog` on a mock cluster, whose `createTopic` goes through the mock API (the mock has no CreateTopics);
/// everything else is the real `KafkaLog` over the Kafka protocol.
struct MockClusterLog: Log {
    let log: KafkaLog
    let cluster: MockKafkaCluster

    func createTopic(_ name: String, partitions: Int) async throws {
        if try await log.partitionCount(of: name) == nil {
            try cluster.createTopic(name, partitions: partitions)
            while try await log.partitionCount(of: name) == nil {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    func partitionCount(of topic: String) async throws -> Int? { try await log.partitionCount(of: topic) }
    func produce(_ records: [LogRecord], to topic: String) async throws { try await log.produce(records, to: topic) }
    func offsets(of topic: String) async throws -> [Int32: ClosedOffsetRange] { try await log.offsets(of: topic) }

    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try await log.committedOffsets(group: group, topic: topic)
    }

    func makeConsumer(
        group: String,
        topics: [String],
        startingOffsets: @escaping StartingOffsets
    ) async throws -> any LogConsumer {
        try await log.makeConsumer(group: group, topics: topics, startingOffsets: startingOffsets)
    }

    func close() async throws { try await log.close() }
}
