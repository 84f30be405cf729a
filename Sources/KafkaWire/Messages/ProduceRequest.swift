import NIOCore

/// ProduceRequest (ProduceRequest.json, apiKey 0, valid 0-11, flexible 9+; this codec: 3-7, never flexible):
///
///     TransactionalId NULLABLE_STRING (v3+)
///     Acks int16
///     TimeoutMs int32
///     TopicData [Name STRING, PartitionData [Index int32, Records NULLABLE_BYTES (records)]]
///
/// v3 is the first version carrying record batch v2 (librdkafka's MsgVer2); librdkafka 2.0.2 sends up to v7. The
/// `Records` of each partition are kept as a slice of the request, byte for byte: the broker validates and stores
/// the batches as they are.
public struct ProduceRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.produce
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 3...7

    /// One entry of `PartitionData`.
    public struct PartitionProduceData: Hashable, Sendable {
        /// The partition index.
        public var index: Int32
        /// The record batches to append, as received (not parsed); `nil` when the client sent null.
        public var records: ByteBuffer?

        public init(index: Int32, records: ByteBuffer?) {
            self.index = index
            self.records = records
        }
    }

    /// One entry of `TopicData`.
    public struct TopicProduceData: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var partitionData: [PartitionProduceData]

        public init(name: String, partitionData: [PartitionProduceData]) {
            self.name = name
            self.partitionData = partitionData
        }
    }

    /// The transactional id, or `nil` for a non-transactional producer.
    public var transactionalId: String?
    /// 0 (no response), 1 (leader) or -1 (all in-sync replicas).
    public var acks: Int16
    /// How long to wait for the acknowledgements, in milliseconds.
    public var timeoutMs: Int32
    public var topicData: [TopicProduceData]

    public init(transactionalId: String? = nil, acks: Int16, timeoutMs: Int32, topicData: [TopicProduceData]) {
        self.transactionalId = transactionalId
        self.acks = acks
        self.timeoutMs = timeoutMs
        self.topicData = topicData
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "ProduceRequest", body: body)
        var buffer = body
        self.transactionalId = try buffer.readKafkaNullableString()
        self.acks = try buffer.readKafkaInteger(as: Int16.self)
        self.timeoutMs = try buffer.readKafkaInteger(as: Int32.self)
        // A topic is at least a STRING length and an ARRAY count; a partition an index and a BYTES length.
        self.topicData = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: 8) {
                (buffer) throws(KafkaWireError) in
                PartitionProduceData(
                    index: try buffer.readKafkaInteger(as: Int32.self),
                    records: try buffer.readKafkaNullableBytes()
                )
            }
            return TopicProduceData(name: name, partitionData: partitions)
        }
        try buffer.checkKafkaMessageConsumed("ProduceRequest", version: version)
    }

    /// Encodes the body for `version` (3-7).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ProduceRequest v\(version) is not supported")
        buffer.writeKafkaNullableString(transactionalId)
        buffer.writeInteger(acks)
        buffer.writeInteger(timeoutMs)
        buffer.writeKafkaMessageArray(topicData) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaMessageArray(topic.partitionData) { partition, buffer in
                buffer.writeInteger(partition.index)
                buffer.writeKafkaNullableBytes(partition.records)
            }
        }
    }
}
