import NIOCore

/// OffsetCommitRequest (OffsetCommitRequest.json, apiKey 8, valid 0-9, flexible 8+); this codec covers 0-7:
///
///     GroupId STRING
///     GenerationIdOrMemberEpoch INT32 (v1+)
///     MemberId STRING (v1+)
///     GroupInstanceId NULLABLE_STRING (v7+)
///     RetentionTimeMs INT64 (v2-4)
///     Topics [Name STRING,
///             Partitions [PartitionIndex INT32, CommittedOffset INT64, CommittedLeaderEpoch INT32 (v6+),
///                         CommitTimestamp INT64 (v1 only), CommittedMetadata NULLABLE_STRING]]
///
/// librdkafka 2.0.2 sends v7 with GroupInstanceId null (docs/protocols/kafka-client-needs.md §3).
public struct OffsetCommitRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.offsetCommit
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...7

    /// One entry of `Topics`.
    public struct OffsetCommitRequestTopic: Hashable, Sendable {
        public var name: String
        public var partitions: [OffsetCommitRequestPartition]

        public init(name: String, partitions: [OffsetCommitRequestPartition]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// One entry of a topic's `Partitions`.
    public struct OffsetCommitRequestPartition: Hashable, Sendable {
        public var partitionIndex: Int32
        /// The offset to commit: the next record to consume.
        public var committedOffset: Int64
        /// The leader epoch of the partition (v6+; -1 before or when unknown).
        public var committedLeaderEpoch: Int32
        /// The commit timestamp (v1 only; -1 otherwise).
        public var commitTimestamp: Int64
        /// Metadata the client keeps with the offset, or `nil`.
        public var committedMetadata: String?

        public init(
            partitionIndex: Int32,
            committedOffset: Int64,
            committedLeaderEpoch: Int32 = -1,
            commitTimestamp: Int64 = -1,
            committedMetadata: String? = nil
        ) {
            self.partitionIndex = partitionIndex
            self.committedOffset = committedOffset
            self.committedLeaderEpoch = committedLeaderEpoch
            self.commitTimestamp = commitTimestamp
            self.committedMetadata = committedMetadata
        }
    }

    public var groupId: String
    /// The generation of the group (v1+; -1 before and for commits from outside the group).
    public var generationIdOrMemberEpoch: Int32
    /// The member id (v1+; empty before and for commits from outside the group).
    public var memberId: String
    /// The static member id (v7+; `nil` before).
    public var groupInstanceId: String?
    /// How long to keep the offsets (v2-4; -1 otherwise, meaning the broker's default).
    public var retentionTimeMs: Int64
    public var topics: [OffsetCommitRequestTopic]

    public init(
        groupId: String,
        generationIdOrMemberEpoch: Int32 = -1,
        memberId: String = "",
        groupInstanceId: String? = nil,
        retentionTimeMs: Int64 = -1,
        topics: [OffsetCommitRequestTopic]
    ) {
        self.groupId = groupId
        self.generationIdOrMemberEpoch = generationIdOrMemberEpoch
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.retentionTimeMs = retentionTimeMs
        self.topics = topics
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "OffsetCommitRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groupId = try buffer.readKafkaString()
        self.generationIdOrMemberEpoch = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        self.memberId = version >= 1 ? try buffer.readKafkaString() : ""
        self.groupInstanceId = version >= 7 ? try buffer.readKafkaNullableString() : nil
        self.retentionTimeMs = (2...4).contains(version) ? try buffer.readKafkaInteger(as: Int64.self) : -1
        // PartitionIndex (4) + CommittedOffset (8) + CommittedMetadata (2), plus the version's optional fields.
        let partitionSize = 14 + (version >= 6 ? 4 : 0) + (version == 1 ? 8 : 0)
        // Name STRING (2) + Partitions ARRAY (4).
        self.topics = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaArray(flexible: false, minimumElementSize: partitionSize) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                OffsetCommitRequestPartition(
                    partitionIndex: try buffer.readKafkaInteger(as: Int32.self),
                    committedOffset: try buffer.readKafkaInteger(as: Int64.self),
                    committedLeaderEpoch: version >= 6 ? try buffer.readKafkaInteger(as: Int32.self) : -1,
                    commitTimestamp: version == 1 ? try buffer.readKafkaInteger(as: Int64.self) : -1,
                    committedMetadata: try buffer.readKafkaNullableString()
                )
            }
            return OffsetCommitRequestTopic(name: name, partitions: partitions)
        }
        try buffer.checkKafkaMessageEnd("OffsetCommitRequest", version: version)
    }

    /// Encodes the body for `version` (0-7).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "OffsetCommitRequest v\(version) is not supported")
        buffer.writeKafkaString(groupId)
        if version >= 1 {
            buffer.writeInteger(generationIdOrMemberEpoch)
            buffer.writeKafkaString(memberId)
        }
        if version >= 7 {
            buffer.writeKafkaNullableString(groupInstanceId)
        }
        if (2...4).contains(version) {
            buffer.writeInteger(retentionTimeMs)
        }
        buffer.writeKafkaArray(topics, flexible: false) { buffer, topic in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaArray(topic.partitions, flexible: false) { buffer, partition in
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.committedOffset)
                if version >= 6 {
                    buffer.writeInteger(partition.committedLeaderEpoch)
                }
                if version == 1 {
                    buffer.writeInteger(partition.commitTimestamp)
                }
                buffer.writeKafkaNullableString(partition.committedMetadata)
            }
        }
    }
}
