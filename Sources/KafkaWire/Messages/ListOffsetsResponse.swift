import NIOCore

/// ListOffsetsResponse (ListOffsetsResponse.json, apiKey 2, valid 0-10, flexible 6+; this codec: 0-5, never
/// flexible):
///
///     ThrottleTimeMs int32 (v2+)
///     Topics [Name STRING,
///             Partitions [PartitionIndex int32, ErrorCode int16,
///                         OldStyleOffsets [int64] (v0 only),
///                         Timestamp int64 (v1+), Offset int64 (v1+), LeaderEpoch int32 (v4+)]]
public struct ListOffsetsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.listOffsets
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...5

    /// One entry of a topic's `Partitions`.
    public struct ListOffsetsPartitionResponse: Hashable, Sendable {
        public var partitionIndex: Int32
        public var errorCode: KafkaErrorCode
        /// The offsets found (v0 only; empty from v1).
        public var oldStyleOffsets: [Int64]
        /// The timestamp of the returned offset (v1+; -1 before or when not applicable).
        public var timestamp: Int64
        /// The returned offset (v1+; -1 before).
        public var offset: Int64
        /// The leader epoch of the returned offset (v4+; -1 before or when unknown).
        public var leaderEpoch: Int32

        public init(
            partitionIndex: Int32,
            errorCode: KafkaErrorCode = .none,
            oldStyleOffsets: [Int64] = [],
            timestamp: Int64 = -1,
            offset: Int64 = -1,
            leaderEpoch: Int32 = -1
        ) {
            self.partitionIndex = partitionIndex
            self.errorCode = errorCode
            self.oldStyleOffsets = oldStyleOffsets
            self.timestamp = timestamp
            self.offset = offset
            self.leaderEpoch = leaderEpoch
        }
    }

    /// One entry of `Topics`.
    public struct ListOffsetsTopicResponse: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var partitions: [ListOffsetsPartitionResponse]

        public init(name: String, partitions: [ListOffsetsPartitionResponse]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// v2+; 0 before.
    public var throttleTimeMs: Int32
    public var topics: [ListOffsetsTopicResponse]

    public init(throttleTimeMs: Int32 = 0, topics: [ListOffsetsTopicResponse]) {
        self.throttleTimeMs = throttleTimeMs
        self.topics = topics
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "ListOffsetsResponse", body: body)
        var buffer = body
        self.throttleTimeMs = version >= 2 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        // Partition: index and error code (6), plus the offsets count (v0) or timestamp and offset (v1+), plus the
        // leader epoch (v4+).
        let partitionSize = 6 + (version == 0 ? 4 : 16) + (version >= 4 ? 4 : 0)
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                let partitionIndex = try buffer.readKafkaInteger(as: Int32.self)
                let errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
                if version == 0 {
                    return ListOffsetsPartitionResponse(
                        partitionIndex: partitionIndex,
                        errorCode: errorCode,
                        oldStyleOffsets: try buffer.readKafkaInt64Array()
                    )
                }
                return ListOffsetsPartitionResponse(
                    partitionIndex: partitionIndex,
                    errorCode: errorCode,
                    timestamp: try buffer.readKafkaInteger(as: Int64.self),
                    offset: try buffer.readKafkaInteger(as: Int64.self),
                    leaderEpoch: version >= 4 ? try buffer.readKafkaInteger(as: Int32.self) : -1
                )
            }
            return ListOffsetsTopicResponse(name: name, partitions: partitions)
        }
        try buffer.checkKafkaMessageConsumed("ListOffsetsResponse", version: version)
    }

    /// Encodes the body for `version` (0-5).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ListOffsetsResponse v\(version) is not supported")
        if version >= 2 { buffer.writeInteger(throttleTimeMs) }
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaMessageArray(topic.partitions) { partition, buffer in
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.errorCode.rawValue)
                if version == 0 {
                    buffer.writeKafkaInt64Array(partition.oldStyleOffsets)
                } else {
                    buffer.writeInteger(partition.timestamp)
                    buffer.writeInteger(partition.offset)
                    if version >= 4 { buffer.writeInteger(partition.leaderEpoch) }
                }
            }
        }
    }
}
