import NIOCore

/// FetchResponse (FetchResponse.json, apiKey 1, valid 0-17, flexible 12+; this codec: 4-11, never flexible):
///
///     ThrottleTimeMs int32 (v1+)
///     ErrorCode int16 (v7+)
///     SessionId int32 (v7+)
///     Responses [Topic STRING,
///                Partitions [PartitionIndex int32, ErrorCode int16, HighWatermark int64,
///                            LastStableOffset int64 (v4+), LogStartOffset int64 (v5+),
///                            AbortedTransactions [ProducerId int64, FirstOffset int64] (v4+, nullable),
///                            PreferredReadReplica int32 (v11+),
///                            Records NULLABLE_BYTES (records)]]
///
/// `Records` holds the stored record batches concatenated, written as they are: the encoder copies each partition's
/// buffer with one `writeImmutableBuffer`, and the decoder hands back a slice of the response.
///
/// docs/protocols/kafka-client-needs.md §4: with read_committed librdkafka uses LastStableOffset as the end offset when
/// it is >= 0, so set it to the high watermark when there are no transactions; PreferredReadReplica must be -1.
public struct FetchResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.fetch
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 4...11

    /// One entry of `AbortedTransactions`.
    public struct AbortedTransaction: Hashable, Sendable {
        public var producerId: Int64
        /// The first offset in the aborted transaction.
        public var firstOffset: Int64

        public init(producerId: Int64, firstOffset: Int64) {
            self.producerId = producerId
            self.firstOffset = firstOffset
        }
    }

    /// One entry of a topic's `Partitions`.
    public struct PartitionData: Hashable, Sendable {
        public var partitionIndex: Int32
        public var errorCode: KafkaErrorCode
        public var highWatermark: Int64
        /// The last stable offset (v4+; -1 when unknown).
        public var lastStableOffset: Int64
        /// The log start offset (v5+; -1 before).
        public var logStartOffset: Int64
        /// The aborted transactions (nullable; `nil` and empty both mean none).
        public var abortedTransactions: [AbortedTransaction]?
        /// The broker the consumer should fetch from next (v11+); -1 for "this one".
        public var preferredReadReplica: Int32
        /// The record batches, concatenated and unmodified; `nil` for null.
        public var records: ByteBuffer?

        public init(
            partitionIndex: Int32,
            errorCode: KafkaErrorCode = .none,
            highWatermark: Int64,
            lastStableOffset: Int64 = -1,
            logStartOffset: Int64 = -1,
            abortedTransactions: [AbortedTransaction]? = nil,
            preferredReadReplica: Int32 = -1,
            records: ByteBuffer?
        ) {
            self.partitionIndex = partitionIndex
            self.errorCode = errorCode
            self.highWatermark = highWatermark
            self.lastStableOffset = lastStableOffset
            self.logStartOffset = logStartOffset
            self.abortedTransactions = abortedTransactions
            self.preferredReadReplica = preferredReadReplica
            self.records = records
        }
    }

    /// One entry of `Responses`.
    public struct FetchableTopicResponse: Hashable, Sendable {
        /// The topic name.
        public var topic: String
        public var partitions: [PartitionData]

        public init(topic: String, partitions: [PartitionData]) {
            self.topic = topic
            self.partitions = partitions
        }
    }

    public var throttleTimeMs: Int32
    /// The top-level error (v7+; NONE before).
    public var errorCode: KafkaErrorCode
    /// The fetch session id (v7+; 0 = no session).
    public var sessionId: Int32
    public var responses: [FetchableTopicResponse]

    public init(
        throttleTimeMs: Int32 = 0,
        errorCode: KafkaErrorCode = .none,
        sessionId: Int32 = 0,
        responses: [FetchableTopicResponse]
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.sessionId = sessionId
        self.responses = responses
    }

    /// The fixed bytes of a partition entry in `version`: index, error code, high watermark, last stable offset,
    /// log start offset (v5+), aborted transactions count, preferred read replica (v11+), records length.
    static func partitionFixedSize(version: Int16) -> Int {
        4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0) + 4 + (version >= 11 ? 4 : 0) + 4
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed. Each
    /// partition's `records` is a slice of `body`, not a copy.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "FetchResponse", body: body)
        var buffer = body
        self.throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        if version >= 7 {
            self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
            self.sessionId = try buffer.readKafkaInteger(as: Int32.self)
        } else {
            self.errorCode = .none
            self.sessionId = 0
        }
        let partitionSize = Self.partitionFixedSize(version: version)
        self.responses = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let topic = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                let partitionIndex = try buffer.readKafkaInteger(as: Int32.self)
                let errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
                let highWatermark = try buffer.readKafkaInteger(as: Int64.self)
                let lastStableOffset = try buffer.readKafkaInteger(as: Int64.self)
                let logStartOffset = version >= 5 ? try buffer.readKafkaInteger(as: Int64.self) : -1
                let aborted = try buffer.readKafkaMessageNullableArray(minimumElementSize: 16) {
                    (buffer) throws(KafkaWireError) in
                    AbortedTransaction(
                        producerId: try buffer.readKafkaInteger(as: Int64.self),
                        firstOffset: try buffer.readKafkaInteger(as: Int64.self)
                    )
                }
                let preferredReadReplica = version >= 11 ? try buffer.readKafkaInteger(as: Int32.self) : -1
                return PartitionData(
                    partitionIndex: partitionIndex,
                    errorCode: errorCode,
                    highWatermark: highWatermark,
                    lastStableOffset: lastStableOffset,
                    logStartOffset: logStartOffset,
                    abortedTransactions: aborted,
                    preferredReadReplica: preferredReadReplica,
                    records: try buffer.readKafkaNullableBytes()
                )
            }
            return FetchableTopicResponse(topic: topic, partitions: partitions)
        }
        try buffer.checkKafkaMessageConsumed("FetchResponse", version: version)
    }

    /// Encodes the body for `version` (4-11).
    ///
    /// The records of each partition are copied with a single `writeImmutableBuffer` (no re-encoding), after one
    /// up-front `reserveCapacity` for the whole body, so a large response costs one allocation and one copy per
    /// partition.
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "FetchResponse v\(version) is not supported")
        let partitionSize = Self.partitionFixedSize(version: version)
        var size = 10 + 4
        for topic in responses {
            size += 6 + topic.topic.utf8.count
            for partition in topic.partitions {
                size += partitionSize + (partition.records?.readableBytes ?? 0)
                size += (partition.abortedTransactions?.count ?? 0) * 16
            }
        }
        buffer.reserveCapacity(minimumWritableBytes: size)

        buffer.writeInteger(throttleTimeMs)
        if version >= 7 {
            buffer.writeInteger(errorCode.rawValue)
            buffer.writeInteger(sessionId)
        }
        buffer.writeKafkaArrayCount(responses.count)
        for topic in responses {
            buffer.writeKafkaString(topic.topic)
            buffer.writeKafkaArrayCount(topic.partitions.count)
            for partition in topic.partitions {
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.errorCode.rawValue)
                buffer.writeInteger(partition.highWatermark)
                buffer.writeInteger(partition.lastStableOffset)
                if version >= 5 { buffer.writeInteger(partition.logStartOffset) }
                buffer.writeKafkaArrayCount(partition.abortedTransactions?.count)
                for transaction in partition.abortedTransactions ?? [] {
                    buffer.writeInteger(transaction.producerId)
                    buffer.writeInteger(transaction.firstOffset)
                }
                if version >= 11 { buffer.writeInteger(partition.preferredReadReplica) }
                if let records = partition.records {
                    precondition(records.readableBytes <= Int(Int32.max), "records do not fit NULLABLE_BYTES")
                    buffer.writeInteger(Int32(records.readableBytes))
                    buffer.writeImmutableBuffer(records)
                } else {
                    buffer.writeInteger(-1, as: Int32.self)
                }
            }
        }
    }
}
