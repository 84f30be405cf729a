import NIOCore

/// ConsumerProtocolSubscription: the member metadata of a JoinGroup with ProtocolType "consumer" (Kafka's embedded
/// ConsumerProtocolSubscription schema; docs/protocols/kafka-client-needs.md §4). Not an API message: it travels as the
/// `Metadata` bytes of ``JoinGroupRequest/JoinGroupRequestProtocol`` and ``JoinGroupResponse/JoinGroupResponseMember``.
///
///     Version INT16
///     Topics [STRING]
///     UserData NULLABLE_BYTES
///     OwnedPartitions [Topic STRING, Partitions [INT32]] (v1+)
///     GenerationId INT32 (v2+)
///
/// librdkafka 2.0.2 writes Version 1 with empty (not null) UserData and an empty OwnedPartitions when it owns none.
/// Newer versions (v3 adds RackId) are read tolerantly, as Kafka does: the v2 fields are read and the rest ignored.
public struct ConsumerProtocolSubscription: Hashable, Sendable {
    /// The versions whose every field this codec knows; later versions are decoded as v2.
    public static let knownVersions: ClosedRange<Int16> = 0...2

    /// One entry of `OwnedPartitions`.
    public struct TopicPartition: Hashable, Sendable {
        public var topic: String
        public var partitions: [Int32]

        public init(topic: String, partitions: [Int32]) {
            self.topic = topic
            self.partitions = partitions
        }
    }

    /// The schema version the member wrote.
    public var version: Int16
    /// The topics the member subscribes to.
    public var topics: [String]
    /// Assignor-specific data, or `nil`.
    public var userData: ByteBuffer?
    /// The partitions the member owns (v1+; empty before), for cooperative rebalancing.
    public var ownedPartitions: [TopicPartition]
    /// The generation the owned partitions belong to (v2+; -1 before).
    public var generationId: Int32

    public init(
        version: Int16 = 1,
        topics: [String],
        userData: ByteBuffer? = nil,
        ownedPartitions: [TopicPartition] = [],
        generationId: Int32 = -1
    ) {
        self.version = version
        self.topics = topics
        self.userData = userData
        self.ownedPartitions = ownedPartitions
        self.generationId = generationId
    }

    /// Decodes a whole subscription. A known version (``knownVersions``) must be fully consumed; a newer one is read
    /// as v2 and its remaining bytes are ignored.
    ///
    /// - Throws: ``KafkaWireError`` `.malformed` for a negative version, a bad field or (known versions) trailing
    ///   bytes; `.truncated` when the data ends early.
    public init(decoding bytes: ByteBuffer) throws(KafkaWireError) {
        var buffer = bytes
        self.version = try buffer.readKafkaInteger(as: Int16.self)
        guard version >= 0 else {
            throw KafkaWireError(
                .malformed,
                "ConsumerProtocolSubscription version \(version) is negative",
                bytes: bytes
            )
        }
        self.topics = try buffer.readKafkaArray(flexible: false, minimumElementSize: 2) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            try buffer.readKafkaString()
        }
        self.userData = try buffer.readKafkaNullableBytes()
        if version >= 1 {
            // Topic STRING (2) + Partitions ARRAY (4).
            self.ownedPartitions = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                try buffer.readKafkaConsumerProtocolTopicPartition()
            }.map { TopicPartition(topic: $0.topic, partitions: $0.partitions) }
        } else {
            self.ownedPartitions = []
        }
        self.generationId = version >= 2 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        if Self.knownVersions.contains(version) {
            try buffer.checkKafkaMessageEnd("ConsumerProtocolSubscription", version: version)
        }
    }

    /// Encodes the subscription in `min(version, 2)`, writing that version number (a newer version's extra fields
    /// are not kept, so it is written as the newest version known here).
    public func encode(into buffer: inout ByteBuffer) {
        precondition(version >= 0, "ConsumerProtocolSubscription version \(version) is negative")
        let version = min(version, Self.knownVersions.upperBound)
        buffer.writeInteger(version)
        buffer.writeKafkaArray(topics, flexible: false) { buffer, topic in
            buffer.writeKafkaString(topic)
        }
        buffer.writeKafkaNullableBytes(userData)
        if version >= 1 {
            buffer.writeKafkaArray(ownedPartitions, flexible: false) { buffer, owned in
                buffer.writeKafkaConsumerProtocolTopicPartition(topic: owned.topic, partitions: owned.partitions)
            }
        }
        if version >= 2 {
            buffer.writeInteger(generationId)
        }
    }
}

extension ByteBuffer {
    /// Reads a consumer-protocol `TopicPartition`: Topic STRING, Partitions [INT32].
    mutating func readKafkaConsumerProtocolTopicPartition() throws(KafkaWireError) -> (
        topic: String, partitions: [Int32]
    ) {
        let topic = try self.readKafkaString()
        let partitions = try self.readKafkaArray(flexible: false, minimumElementSize: 4) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            try buffer.readKafkaInteger(as: Int32.self)
        }
        return (topic, partitions)
    }

    /// Writes a consumer-protocol `TopicPartition`: Topic STRING, Partitions [INT32].
    mutating func writeKafkaConsumerProtocolTopicPartition(topic: String, partitions: [Int32]) {
        self.writeKafkaString(topic)
        self.writeKafkaArray(partitions, flexible: false) { buffer, partition in
            buffer.writeInteger(partition)
        }
    }
}
