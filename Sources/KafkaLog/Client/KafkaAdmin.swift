import CRdKafka
import Logging
import UserStreamCore

/// Metadata, topic creation, watermarks and committed offsets: blocking librdkafka calls on the log's admin client
/// (a producer handle that never produces and never auto-creates topics). Run them off the cooperative pool.
struct KafkaAdmin: Sendable {
    let client: KafkaClient
    let configuration: KafkaLogConfiguration
    let logger: Logger

    /// Admin jobs run on a concurrent queue and the log destroys the client in a barrier job: a job that runs after
    /// it sees the client destroyed.
    private func checkAlive() throws(KafkaLogError) {
        if client.isDestroyed { throw KafkaLogError(.closed, "the log is closed") }
    }

    private var timeoutMilliseconds: Int32 { KafkaLogConfiguration.timeoutMilliseconds(configuration.requestTimeout) }

    /// The partition count of `topic`, or `nil` when the cluster does not know it.
    func partitionCount(of topic: String) throws(KafkaLogError) -> Int? {
        try checkAlive()
        return try Self.partitionCount(of: topic, handle: client.handle, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Metadata for all topics (`topics` = null): unlike a request naming the topic, it never auto-creates it, even on
    /// brokers too old for Metadata v4's `AllowAutoTopicCreation` (or librdkafka's mock cluster).
    static func partitionCount(
        of topic: String,
        handle: OpaquePointer,
        timeoutMilliseconds: Int32
    ) throws(KafkaLogError) -> Int? {
        var metadata: UnsafePointer<rd_kafka_metadata>? = nil
        let error = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaLogError(
                KafkaLogError.code(for: error, fallback: .metadataFailed),
                "metadata request for topic \(topic) failed",
                topicPartition: topic,
                rdkafka: error
            )
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let found = topics.first(where: { String(cString: $0.topic) == topic }) else { return nil }
        if found.partition_cnt > 0 { return Int(found.partition_cnt) }
        switch found.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
            return nil
        default:
            throw KafkaLogError(
                .metadataFailed,
                "metadata of topic \(topic) carries an error",
                topicPartition: topic,
                rdkafka: found.err
            )
        }
    }

    /// CreateTopics for one topic; a topic that already exists is not an error.
    func createTopic(_ topic: String, partitions: Int) throws(KafkaLogError) {
        try checkAlive()
        var errorText = [CChar](repeating: 0, count: 512)
        guard
            let newTopic = rd_kafka_NewTopic_new(
                topic,
                Int32(partitions),
                Int32(configuration.replicationFactor ?? -1),
                &errorText,
                errorText.count
            )
        else {
            throw KafkaLogError(
                .invalidArgument,
                "cannot create topic \(topic): \(KafkaClient.text(errorText))",
                topicPartition: topic
            )
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        guard let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaLogError(.topicCreationFailed, "rd_kafka_AdminOptions_new failed", topicPartition: topic)
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        // The broker answers once the topic exists (or the operation timeout passes).
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errorText, errorText.count)
        guard let queue = rd_kafka_queue_new(client.handle) else {
            throw KafkaLogError(.topicCreationFailed, "rd_kafka_queue_new failed", topicPartition: topic)
        }
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(client.handle, &topics, 1, options, queue)
        // librdkafka enforces the request timeout itself; the margin only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds &+ 5000) else {
            throw KafkaLogError(.timedOut, "CreateTopics for \(topic) got no answer", topicPartition: topic)
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaLogError(
                KafkaLogError.code(for: eventError, fallback: .topicCreationFailed),
                "CreateTopics for \(topic) failed",
                topicPartition: topic,
                rdkafka: eventError,
                detail: rd_kafka_event_error_string(event).map { String(cString: $0) }
            )
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaLogError(.topicCreationFailed, "CreateTopics for \(topic): no result", topicPartition: topic)
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let error = rd_kafka_topic_result_error(topicResult)
            switch error {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                logger.info(
                    "kafka.topic_created",
                    metadata: ["kafka.topic": "\(topic)", "kafka.partitions": "\(partitions)"]
                )
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
                break
            default:
                throw KafkaLogError(
                    .topicCreationFailed,
                    "CreateTopics for \(topic) with \(partitions) partitions failed",
                    topicPartition: topic,
                    rdkafka: error,
                    detail: rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
                )
            }
        }
    }

    /// Low and high watermarks (earliest offset, next offset) of one partition.
    func watermarks(of topicPartition: TopicPartition) throws(KafkaLogError) -> ClosedOffsetRange {
        try checkAlive()
        return try Self.watermarks(of: topicPartition, handle: client.handle, timeoutMilliseconds: timeoutMilliseconds)
    }

    static func watermarks(
        of topicPartition: TopicPartition,
        handle: OpaquePointer,
        timeoutMilliseconds: Int32
    ) throws(KafkaLogError) -> ClosedOffsetRange {
        var low: Int64 = -1
        var high: Int64 = -1
        let error = rd_kafka_query_watermark_offsets(
            handle,
            topicPartition.topic,
            topicPartition.partition,
            &low,
            &high,
            timeoutMilliseconds
        )
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaLogError(
                KafkaLogError.code(for: error, fallback: .offsetsFailed),
                "cannot read the watermarks of \(topicPartition)",
                topicPartition: topicPartition.description,
                rdkafka: error
            )
        }
        return ClosedOffsetRange(earliest: low, end: high)
    }

    /// Committed offsets of `group` for `topic`, through a short-lived consumer handle of that group that never
    /// joins it (OffsetFetch only).
    func committedOffsets(group: String, topic: String) throws(KafkaLogError) -> [Int32: Int64] {
        guard let count = try partitionCount(of: topic) else { return [:] }
        let consumer = try KafkaClient.make(configuration: configuration, role: .consumer(group: group), logger: logger)
        defer { consumer.destroy(closingConsumer: false) }
        let partitions = (0..<Int32(count)).map { TopicPartition(topic: topic, partition: $0) }
        let committed = try Self.committed(
            partitions,
            handle: consumer.handle,
            timeoutMilliseconds: timeoutMilliseconds
        )
        var result: [Int32: Int64] = [:]
        for (topicPartition, offset) in committed { result[topicPartition.partition] = offset }
        return result
    }

    /// `rd_kafka_committed` on a consumer handle: the committed offset of every partition that has one.
    static func committed(
        _ partitions: [TopicPartition],
        handle: OpaquePointer,
        timeoutMilliseconds: Int32
    ) throws(KafkaLogError) -> [TopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let list = TopicPartitionList(partitions)
        let error = rd_kafka_committed(handle, list.pointer, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaLogError(
                KafkaLogError.code(for: error, fallback: .offsetsFailed),
                "cannot read committed offsets of \(partitions.count) partitions",
                rdkafka: error
            )
        }
        var result: [TopicPartition: Int64] = [:]
        for element in list.elements {
            if element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaLogError(
                    .offsetsFailed,
                    "cannot read the committed offset",
                    topicPartition: "\(String(cString: element.topic))-\(element.partition)",
                    rdkafka: element.err
                )
            }
            if element.offset >= 0 {
                result[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                    element.offset
            }
        }
        return result
    }
}
