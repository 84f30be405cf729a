import CRdKafka
import Logging
import Synchronization
import UserStreamCore

/// The `Log` port on a real Kafka cluster, through librdkafka (Debian's `librdkafka-dev`, 2.0+).
///
/// One idempotent producer (`acks=all`, murmur2 partitioner, delivery reports checked), one admin client (metadata,
/// CreateTopics, watermarks), and a librdkafka consumer per ``makeConsumer(group:topics:startingOffsets:)`` — a
/// member of the group that splits the partitions with the other members and commits only when told to.
///
/// ```swift
/// let configuration = KafkaLogConfiguration(bootstrapServers: ["kafka-1:9092"])
/// let log = try KafkaLog(configuration: configuration, logger: logger)
/// try await log.produce(records, to: Topics.usersCreated)   // returns once every record is acknowledged by all ISRs
/// ```
///
/// Blocking librdkafka calls run on dispatch queues, never on the cooperative pool.
public final class KafkaLog: Log {
    public let configuration: KafkaLogConfiguration
    private let logger: Logger
    private let producer: KafkaProducer
    private let admin: KafkaAdmin
    private let adminQueue = BlockingQueue(label: "userstream.kafka.admin", concurrent: true)
    private let closeQueue = BlockingQueue(label: "userstream.kafka.close")
    private let state = Mutex(State())

    private struct State {
        var consumers: [ObjectIdentifier: KafkaLogConsumer] = [:]
        var closed = false
    }

    /// Creates the producer and the admin client. No connection is made yet: librdkafka connects in the background, so
    /// an unreachable cluster shows up as errors of the first operations (after their timeouts).
    ///
    /// - Throws: ``KafkaLogError`` `.invalidConfiguration` (a typed setting, or a property librdkafka refuses, named),
    ///   `.clientCreation`.
    public init(configuration: KafkaLogConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.producer = try KafkaProducer(configuration: configuration, logger: logger)
        do {
            let adminClient = try KafkaClient.make(configuration: configuration, role: .admin, logger: logger)
            self.admin = KafkaAdmin(client: adminClient, configuration: configuration, logger: logger)
        } catch {
            _ = producer.closeBlocking(timeout: .zero)
            throw error
        }
        logger.info(
            "kafka.log_opened",
            metadata: [
                "kafka.bootstrap": "\(configuration.bootstrapServers.joined(separator: ","))",
                "kafka.librdkafka": "\(Self.librdkafkaVersion)",
            ]
        )
    }

    /// The librdkafka version linked, e.g. `"2.0.2"`.
    public static var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }

    private func checkOpen() throws(KafkaLogError) {
        try state.withLock { state throws(KafkaLogError) in
            if state.closed { throw KafkaLogError(.closed, "the log is closed") }
        }
    }

    // MARK: - Topics

    /// Creates `name` with `partitions` partitions (CreateTopics; replication factor per
    /// ``KafkaLogConfiguration/replicationFactor``) unless it exists, then waits until metadata shows it.
    ///
    /// - Throws: ``KafkaLogError`` `.invalidArgument` (name, partition count), `.topicCreationFailed`, `.timedOut`.
    public func createTopic(_ name: String, partitions: Int) async throws {
        try checkOpen()
        try Self.validate(topic: name)
        guard (1...100_000).contains(partitions) else {
            throw KafkaLogError(.invalidArgument, "a topic needs 1 to 100000 partitions, got \(partitions)")
        }
        let admin = self.admin
        if try await adminQueue.run({ () throws(KafkaLogError) in try admin.partitionCount(of: name) }) != nil {
            return
        }
        try await adminQueue.run { () throws(KafkaLogError) in try admin.createTopic(name, partitions: partitions) }
        // Brokers learn of a new topic asynchronously: wait until metadata shows it, so produce and consumers can use
        // it at once.
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.requestTimeout
        while try await adminQueue.run({ () throws(KafkaLogError) in try admin.partitionCount(of: name) }) == nil {
            guard clock.now < deadline else {
                throw KafkaLogError(
                    .timedOut,
                    "topic \(name) was created but metadata does not show it after \(configuration.requestTimeout)",
                    topicPartition: name
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Partition count from a Metadata request for all topics (which, unlike one naming the topic, never creates it).
    public func partitionCount(of topic: String) async throws -> Int? {
        try checkOpen()
        let admin = self.admin
        return try await adminQueue.run { () throws(KafkaLogError) in try admin.partitionCount(of: topic) }
    }

    /// Kafka's topic name rule: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
    public static func validate(topic name: String) throws(KafkaLogError) {
        guard Topics.isValidName(name) else {
            throw KafkaLogError(
                .invalidArgument,
                "invalid topic name \"\(name)\": \(Topics.nameRule)"
            )
        }
    }

    // MARK: - Produce

    /// Hands every record to librdkafka and returns once each has a successful delivery report (`acks=all`: written by
    /// every in-sync replica). A record's explicit partition wins; otherwise its key picks the partition with Kafka's
    /// murmur2 (as the Java client), and records without key go to a random partition. Order is kept per partition
    /// (idempotent producer). Not cancellable: it waits at most ``KafkaLogConfiguration/deliveryTimeout``.
    ///
    /// - Throws: ``KafkaLogError`` `.deliveryFailed` naming topic, partition and librdkafka's error when any record
    ///   failed (the others may have been written); `.enqueueFailed`, `.unknownPartition`, `.closed`.
    public func produce(_ records: [LogRecord], to topic: String) async throws {
        try checkOpen()
        try await producer.produce(records, to: topic)
    }

    // MARK: - Offsets

    /// Low and high watermarks of every partition (ListOffsets per partition); empty for a missing topic.
    public func offsets(of topic: String) async throws -> [Int32: ClosedOffsetRange] {
        try checkOpen()
        let admin = self.admin
        return try await adminQueue.run { () throws(KafkaLogError) -> [Int32: ClosedOffsetRange] in
            guard let count = try admin.partitionCount(of: topic) else { return [:] }
            var result: [Int32: ClosedOffsetRange] = [:]
            for partition in 0..<Int32(count) {
                result[partition] = try admin.watermarks(of: TopicPartition(topic: topic, partition: partition))
            }
            return result
        }
    }

    /// The group's committed offsets (OffsetFetch through a short-lived consumer handle of that group, which does not
    /// join it).
    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try checkOpen()
        try Self.validate(group: group)
        let admin = self.admin
        return try await adminQueue.run { () throws(KafkaLogError) in
            try admin.committedOffsets(group: group, topic: topic)
        }
    }

    static func validate(group: String) throws(KafkaLogError) {
        guard !group.isEmpty, group.utf8.count <= 255 else {
            throw KafkaLogError(.invalidArgument, "a group name needs 1 to 255 bytes, got \"\(group)\"")
        }
    }

    // MARK: - Consumers

    /// Joins `group` subscribed to `topics` (missing ones are created with ``KafkaLogConfiguration/defaultPartitions``)
    /// and returns once the group assigned this member its partitions, each positioned where `startingOffsets` said.
    /// Later rebalances (members joining or leaving) ask `startingOffsets` again for the partitions then assigned.
    ///
    /// - Throws: ``KafkaLogError`` `.timedOut` when no assignment came within
    ///   ``KafkaLogConfiguration/effectiveAssignmentTimeout``; `.assignmentFailed` when `startingOffsets` threw.
    public func makeConsumer(
        group: String,
        topics: [String],
        startingOffsets: @escaping StartingOffsets
    ) async throws -> any LogConsumer {
        try checkOpen()
        try Self.validate(group: group)
        let topics = Array(Set(topics)).sorted()
        guard !topics.isEmpty else { throw KafkaLogError(.invalidArgument, "a consumer needs at least one topic") }
        for topic in topics where try await partitionCount(of: topic) == nil {
            try await createTopic(topic, partitions: configuration.defaultPartitions)
        }
        let consumer = try KafkaLogConsumer(
            configuration: configuration,
            group: group,
            topics: topics,
            startingOffsets: startingOffsets,
            logger: logger,
            onClose: { [weak self] consumer in
                _ = self?.state.withLock { $0.consumers.removeValue(forKey: ObjectIdentifier(consumer)) }
            }
        )
        do {
            try await consumer.waitForFirstAssignment(timeout: configuration.effectiveAssignmentTimeout)
        } catch {
            try? await consumer.close()
            throw error
        }
        let registered = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.consumers[ObjectIdentifier(consumer)] = consumer
            return true
        }
        guard registered else {
            try? await consumer.close()
            throw KafkaLogError(.closed, "the log closed while the consumer of group \(group) joined")
        }
        return consumer
    }

    // MARK: - Close

    /// Closes consumers still open (they leave their groups), flushes the producer (waiting at most
    /// ``KafkaLogConfiguration/closeTimeout``; records still in flight then are purged and their `produce` calls
    /// fail), and destroys every librdkafka client. Idempotent.
    public func close() async throws {
        let consumers = state.withLock { state -> [KafkaLogConsumer]? in
            guard !state.closed else { return nil }
            state.closed = true
            defer { state.consumers = [:] }
            return Array(state.consumers.values)
        }
        guard let consumers else { return }
        for consumer in consumers {
            do {
                try await consumer.close()
            } catch {
                logger.warning("kafka.consumer_close_failed", metadata: ["kafka.error": "\(error)"])
            }
        }
        let producer = self.producer
        let admin = self.admin
        let timeout = configuration.closeTimeout
        let purged = await closeQueue.perform { () -> Int32 in producer.closeBlocking(timeout: timeout) }
        // After the admin jobs under way; later ones find the client destroyed and throw `.closed`.
        await adminQueue.perform(barrier: true) { admin.client.destroy() }
        logger.info("kafka.log_closed", metadata: ["kafka.purged": "\(purged)"])
        if purged > 0 {
            throw KafkaLogError(
                .deliveryFailed,
                "\(purged) records were still in flight after \(timeout) and were purged on close"
            )
        }
    }
}
