import NIOCore

/// ProduceResponse (ProduceResponse.json, apiKey 0, valid 0-11, flexible 9+; this codec: 3-7, never flexible):
///
///     Responses [Name STRING,
///                PartitionResponses [Index int32, ErrorCode int16, BaseOffset int64,
///                                    LogAppendTimeMs int64 (v2+), LogStartOffset int64 (v5+)]]
///     ThrottleTimeMs int32 (v1+)
///
/// A request with Acks 0 gets no response at all; that is the broker's business, not this codec's.
public struct ProduceResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.produce
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 3...7

    /// One entry of `PartitionResponses`.
    public struct PartitionProduceResponse: Hashable, Sendable {
        /// The partition index.
        public var index: Int32
        public var errorCode: KafkaErrorCode
        /// The offset given to the first record appended.
        public var baseOffset: Int64
        /// The broker's append time for LogAppendTime topics, else -1.
        public var logAppendTimeMs: Int64
        /// The log start offset (v5+; -1 before).
        public var logStartOffset: Int64

        public init(
            index: Int32,
            errorCode: KafkaErrorCode = .none,
            baseOffset: Int64,
            logAppendTimeMs: Int64 = -1,
            logStartOffset: Int64 = -1
        ) {
            self.index = index
            self.errorCode = errorCode
            self.baseOffset = baseOffset
            self.logAppendTimeMs = logAppendTimeMs
            self.logStartOffset = logStartOffset
        }
    }

    /// One entry of `Responses`.
    public struct TopicProduceResponse: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var partitionResponses: [PartitionProduceResponse]

        public init(name: String, partitionResponses: [PartitionProduceResponse]) {
            self.name = name
            self.partitionResponses = partitionResponses
        }
    }

    public var responses: [TopicProduceResponse]
    public var throttleTimeMs: Int32

    public init(responses: [TopicProduceResponse], throttleTimeMs: Int32 = 0) {
        self.responses = responses
        self.throttleTimeMs = throttleTimeMs
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "ProduceResponse", body: body)
        var buffer = body
        // v3-4: index, error code, base offset, append time = 22 bytes; v5+: plus the log start offset.
        let partitionSize = version >= 5 ? 30 : 22
        self.responses = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                PartitionProduceResponse(
                    index: try buffer.readKafkaInteger(as: Int32.self),
                    errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self)),
                    baseOffset: try buffer.readKafkaInteger(as: Int64.self),
                    logAppendTimeMs: try buffer.readKafkaInteger(as: Int64.self),
                    logStartOffset: version >= 5 ? try buffer.readKafkaInteger(as: Int64.self) : -1
                )
            }
            return TopicProduceResponse(name: name, partitionResponses: partitions)
        }
        self.throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        try buffer.checkKafkaMessageConsumed("ProduceResponse", version: version)
    }

    /// Encodes the body for `version` (3-7).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ProduceResponse v\(version) is not supported")
        buffer.writeKafkaMessageArray(responses) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeKafkaMessageArray(topic.partitionResponses) { partition, buffer in
                buffer.writeInteger(partition.index)
                buffer.writeInteger(partition.errorCode.rawValue)
                buffer.writeInteger(partition.baseOffset)
                buffer.writeInteger(partition.logAppendTimeMs)
                if version >= 5 { buffer.writeInteger(partition.logStartOffset) }
            }
        }
        buffer.writeInteger(throttleTimeMs)
    }
}
