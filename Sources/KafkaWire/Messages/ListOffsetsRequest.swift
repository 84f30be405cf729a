import NIOCore

/// ListOffsetsRequest (ListOffsetsRequest.json, apiKey 2, valid 0-10, flexible 6+; this codec: 0-5, never flexible):
///
///     ReplicaId int32 (-1 for a consumer)
///     IsolationLevel int8 (v2+)
///     Topics [Name STRING,
///             Partitions [PartitionIndex int32, CurrentLeaderEpoch int32 (v4+), Timestamp int64,
///                         MaxNumOffsets int32 (v0 only)]]
///
/// Timestamp -1 asks for the latest offset, -2 for the earliest. librdkafka 2.0.2 sends v2 (auto.offset.reset, lag).
public struct ListOffsetsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.listOffsets
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...5

    /// One entry of a topic's `Partitions`.
    public struct ListOffsetsPartition: Hashable, Sendable {
        public var partitionIndex: Int32
        /// The current leader epoch (v4+; -1 before or when unknown).
        public var currentLeaderEpoch: Int32
        /// The target timestamp: -1 = latest, -2 = earliest, else the first offset with a timestamp >= this.
        public var timestamp: Int64
        /// The most offsets to report (v0 only; default 1).
        public var maxNumOffsets: Int32

        public init(partitionIndex: Int32, currentLeaderEpoch: Int32 = -1, timestamp: Int64, maxNumOffsets: Int32 = 1) {
            self.partitionIndex = partitionIndex
            self.currentLeaderEpoch = currentLeaderEpoch
            self.timestamp = timestamp
            self.maxNumOffsets = maxNumOffsets
        }
    }

    /// One entry of `Topics`.
    public struct ListOffsetsTopic: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var partitions: [ListOffsetsPartition]

        public init(name: String, partitions: [ListOffsetsPartition]) {
            self.name = name
            self.partitions = partitions
        }
    }

    /// The requester's broker id, or -1 for a consumer.
    public var replicaId: Int32
    /// 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED (v2+; 0 before).
    public var isolationLevel: Int8
    public var topics: [ListOffsetsTopic]

    public init(replicaId: Int32 = -1, isolationLevel: Int8 = 0, topics: [ListOffsetsTopic]) {
        self.replicaId = replicaId
        self.isolationLevel = isolationLevel
        self.topics = topics
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "ListOffsetsRequest", body: body)
        var buffer = body
        self.replicaId = try buffer.readKafkaInteger(as: Int32.self)
        self.isolationLevel = version >= 2 ? try buffer.readKafkaInteger(as: Int8.self) : 0
        // Partition: index and timestamp (12), plus the max count (v0) or the leader epoch (v4+).
        let partitionSize = 12 + (version == 0 || version >= 4 ? 4 : 0)
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                let partitionIndex = try buffer.readKafkaInteger(as: Int32.self)
                let currentLeaderEpoch = version >= 4 ? try buffer.readKafkaInteger(as: Int32.self) : -1
                let timestamp = try buffer.readKafkaInteger(as: Int64.self)
                let maxNumOffsets = version == 0 ? try buffer.readKafkaInteger(as: Int32.self) : 1
                return ListOffsetsPartition(
                    partitionIndex: partitionIndex,
                    currentLeaderEpoch: currentLeaderEpoch,
                    timestamp: timestamp,
                    maxNumOffsets: maxNumOffsets
                )
            }
            return ListOffsetsTopic(name: name, partitions: partitions)
        }
        try buffer.checkKafkaMessageConsumed("ListOffsetsRequest", version: version)
    }

    /// Encodes the body for `version` (0-5).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ListOffsetsRequest v\(version) is not supported")
        buffer.writeInteger(replicaId)
        if version >= 2 { buffer.writeInteger(isolationLevel) }
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaMessageArray(topic.partitions) { partition, buffer in
                buffer.writeInteger(partition.partitionIndex)
                if version >= 4 { buffer.writeInteger(partition.currentLeaderEpoch) }
                buffer.writeInteger(partition.timestamp)
                if version == 0 { buffer.writeInteger(partition.maxNumOffsets) }
            }
        }
    }
}
