import NIOCore

/// ConsumerProtocolAssignment: a member's assignment in a group with ProtocolType "consumer" (Kafka's embedded
/// ConsumerProtocolAssignment schema; docs/protocols/kafka-client-needs.md §4). Not an API message: the leader sends
/// one per member as ``SyncGroupRequest/SyncGroupRequestAssignment`` bytes and each member gets its own in
/// ``SyncGroupResponse/assignment``.
///
///     Version INT16
///     AssignedPartitions [Topic STRING, Partitions [INT32]]
///     UserData NULLABLE_BYTES
///
/// Versions 0-3 share this layout; a newer version is read the same way and its remaining bytes are ignored.
public struct ConsumerProtocolAssignment: Hashable, Sendable {
    /// The versions whose every field this codec knows; later versions are decoded as v3.
    public static let knownVersions: ClosedRange<Int16> = 0...3

    /// One entry of `AssignedPartitions`.
    public struct TopicPartition: Hashable, Sendable {
        public var topic: String
        public var partitions: [Int32]

        public init(topic: String, partitions: [Int32]) {
            self.topic = topic
            self.partitions = partitions
        }
    }

    /// The schema version the leader wrote.
    public var version: Int16
    /// The partitions assigned to the member.
    public var assignedPartitions: [TopicPartition]
    /// Assignor-specific data, or `nil`.
    public var userData: ByteBuffer?

    public init(version: Int16 = 0, assignedPartitions: [TopicPartition], userData: ByteBuffer? = nil) {
        self.version = version
        self.assignedPartitions = assignedPartitions
        self.userData = userData
    }

    /// Decodes a whole assignment. A known version (``knownVersions``) must be fully consumed; a newer one's
    /// remaining bytes are ignored.
    ///
    /// - Throws: ``KafkaWireError`` `.malformed` for a negative version, a bad field or (known versions) trailing
    ///   bytes; `.truncated` when the data ends early.
    public init(decoding bytes: ByteBuffer) throws(KafkaWireError) {
        var buffer = bytes
        self.version = try buffer.readKafkaInteger(as: Int16.self)
        guard version >= 0 else {
            throw KafkaWireError(.malformed, "ConsumerProtocolAssignment version \(version) is negative", bytes: bytes)
        }
        // Topic STRING (2) + Partitions ARRAY (4).
        self.assignedPartitions = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            try buffer.readKafkaConsumerProtocolTopicPartition()
        }.map { TopicPartition(topic: $0.topic, partitions: $0.partitions) }
        self.userData = try buffer.readKafkaNullableBytes()
        if Self.knownVersions.contains(version) {
            try buffer.checkKafkaMessageEnd("ConsumerProtocolAssignment", version: version)
        }
    }

    /// Encodes the assignment in `min(version, 3)`, writing that version number.
    public func encode(into buffer: inout ByteBuffer) {
        precondition(version >= 0, "ConsumerProtocolAssignment version \(version) is negative")
        buffer.writeInteger(min(version, Self.knownVersions.upperBound))
        buffer.writeKafkaArray(assignedPartitions, flexible: false) { buffer, assigned in
            buffer.writeKafkaConsumerProtocolTopicPartition(topic: assigned.topic, partitions: assigned.partitions)
        }
        buffer.writeKafkaNullableBytes(userData)
    }
}
