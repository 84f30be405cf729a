import NIOCore

/// OffsetCommitResponse (OffsetCommitResponse.json, apiKey 8, valid 0-9, flexible 8+); this codec covers 0-7:
///
///     ThrottleTimeMs INT32 (v3+)
///     Topics [Name STRING, Partitions [PartitionIndex INT32, ErrorCode INT16]]
///
/// Errors are per partition only: ILLEGAL_GENERATION (22), UNKNOWN_MEMBER_ID (25), REBALANCE_IN_PROGRESS (27),
/// NOT_COORDINATOR (16), ….
public struct OffsetCommitResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.offsetCommit
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...7

    /// One entry of `Topics`.
    public struct OffsetCommitResponseTopic: Hashable, Sendable {
        public var name: String
        public var partitions: [OffsetCommitResponsePartition]

        public init(name: String, partitions: [OffsetCommitResponsePartition]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// One entry of a topic's `Partitions`.
    public struct OffsetCommitResponsePartition: Hashable, Sendable {
        public var partitionIndex: Int32
        public var errorCode: KafkaErrorCode

        public init(partitionIndex: Int32, errorCode: KafkaErrorCode = .none) {
            self.partitionIndex = partitionIndex
            self.errorCode = errorCode
        }
    }

    /// v3+; 0 before.
    public var throttleTimeMs: Int32
    public var topics: [OffsetCommitResponseTopic]

    public init(throttleTimeMs: Int32 = 0, topics: [OffsetCommitResponseTopic]) {
        self.throttleTimeMs = throttleTimeMs
        self.topics = topics
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "OffsetCommitResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 3 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        // Name STRING (2) + Partitions ARRAY (4).
        self.topics = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            // PartitionIndex INT32 (4) + ErrorCode INT16 (2).
            let partitions = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                OffsetCommitResponsePartition(
                    partitionIndex: try buffer.readKafkaInteger(as: Int32.self),
                    errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
                )
            }
            return OffsetCommitResponseTopic(name: name, partitions: partitions)
        }
        try buffer.checkKafkaMessageEnd("OffsetCommitResponse", version: version)
    }

    /// Encodes the body for `version` (0-7).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "OffsetCommitResponse v\(version) is not supported")
        if version >= 3 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeKafkaArray(topics, flexible: false) { buffer, topic in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaArray(topic.partitions, flexible: false) { buffer, partition in
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.errorCode.rawValue)
            }
        }
    }
}
