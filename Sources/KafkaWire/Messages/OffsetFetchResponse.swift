import NIOCore

/// OffsetFetchResponse (OffsetFetchResponse.json, apiKey 9, valid 0-9, flexible 6+); this codec covers 0-7:
///
///     ThrottleTimeMs INT32 (v3+)
///     Topics [Name STRING,
///             Partitions [PartitionIndex INT32, CommittedOffset INT64, CommittedLeaderEpoch INT32 (v5+),
///                         Metadata NULLABLE_STRING, ErrorCode INT16]]
///     ErrorCode INT16 (v2+)
///
/// v6 and v7 are flexible: compact strings and arrays, a tag section after every partition, every topic and the
/// body. A partition without a committed offset has CommittedOffset -1 and ErrorCode NONE.
public struct OffsetFetchResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.offsetFetch
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...7

    /// One entry of `Topics`.
    public struct OffsetFetchResponseTopic: Hashable, Sendable {
        public var name: String
        public var partitions: [OffsetFetchResponsePartition]

        public init(name: String, partitions: [OffsetFetchResponsePartition]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// One entry of a topic's `Partitions`.
    public struct OffsetFetchResponsePartition: Hashable, Sendable {
        public var partitionIndex: Int32
        /// The committed offset, or -1 when there is none.
        public var committedOffset: Int64
        /// The leader epoch of the committed offset (v5+; -1 before or when unknown).
        public var committedLeaderEpoch: Int32
        /// The metadata committed with the offset, or `nil`.
        public var metadata: String?
        public var errorCode: KafkaErrorCode

        public init(
            partitionIndex: Int32,
            committedOffset: Int64,
            committedLeaderEpoch: Int32 = -1,
            metadata: String? = nil,
            errorCode: KafkaErrorCode = .none
        ) {
            self.partitionIndex = partitionIndex
            self.committedOffset = committedOffset
            self.committedLeaderEpoch = committedLeaderEpoch
            self.metadata = metadata
            self.errorCode = errorCode
        }
    }

    /// v3+; 0 before.
    public var throttleTimeMs: Int32
    public var topics: [OffsetFetchResponseTopic]
    /// The group-level error (v2+; NONE before, where group errors go into every partition).
    public var errorCode: KafkaErrorCode

    public init(throttleTimeMs: Int32 = 0, topics: [OffsetFetchResponseTopic], errorCode: KafkaErrorCode = .none) {
        self.throttleTimeMs = throttleTimeMs
        self.topics = topics
        self.errorCode = errorCode
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed. Tagged fields are skipped.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "OffsetFetchResponse v\(version) is not supported", bytes: body)
        }
        let flexible = version >= 6
        var buffer = body
        self.throttleTimeMs = version >= 3 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        // PartitionIndex (4) + CommittedOffset (8) + CommittedLeaderEpoch (4, v5+) + Metadata (2 or 1)
        // + ErrorCode (2) + tag section (1, flexible).
        let partitionSize = 14 + (version >= 5 ? 4 : 0) + (flexible ? 1 : 2) + (flexible ? 1 : 0)
        // Name (2 or 1) + Partitions (4 or 1) + tag section (1, flexible).
        self.topics = try buffer.readKafkaArray(flexible: flexible, minimumElementSize: flexible ? 3 : 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString(flexible: flexible)
            let partitions = try buffer.readKafkaArray(flexible: flexible, minimumElementSize: partitionSize) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                let partition = OffsetFetchResponsePartition(
                    partitionIndex: try buffer.readKafkaInteger(as: Int32.self),
                    committedOffset: try buffer.readKafkaInteger(as: Int64.self),
                    committedLeaderEpoch: version >= 5 ? try buffer.readKafkaInteger(as: Int32.self) : -1,
                    metadata: try buffer.readKafkaNullableString(flexible: flexible),
                    errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
                )
                if flexible { try buffer.skipKafkaTaggedFields() }
                return partition
            }
            if flexible { try buffer.skipKafkaTaggedFields() }
            return OffsetFetchResponseTopic(name: name, partitions: partitions)
        }
        self.errorCode = version >= 2 ? KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self)) : .none
        if flexible { try buffer.skipKafkaTaggedFields() }
        try buffer.checkKafkaMessageEnd("OffsetFetchResponse", version: version)
    }

    /// Encodes the body for `version` (0-7).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "OffsetFetchResponse v\(version) is not supported")
        let flexible = version >= 6
        if version >= 3 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeKafkaArray(topics, flexible: flexible) { buffer, topic in
            buffer.writeKafkaString(topic.name, flexible: flexible)
            buffer.writeKafkaArray(topic.partitions, flexible: flexible) { buffer, partition in
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.committedOffset)
                if version >= 5 {
                    buffer.writeInteger(partition.committedLeaderEpoch)
                }
                buffer.writeKafkaNullableString(partition.metadata, flexible: flexible)
                buffer.writeInteger(partition.errorCode.rawValue)
                if flexible { buffer.writeKafkaEmptyTaggedFields() }
            }
            if flexible { buffer.writeKafkaEmptyTaggedFields() }
        }
        if version >= 2 {
            buffer.writeInteger(errorCode.rawValue)
        }
        if flexible { buffer.writeKafkaEmptyTaggedFields() }
    }
}
