import NIOCore

/// FetchRequest (FetchRequest.json, apiKey 1, valid 0-17, flexible 12+; this codec: 4-11, never flexible):
///
///     ReplicaId int32 (-1 for a consumer)
///     MaxWaitMs int32
///     MinBytes int32
///     MaxBytes int32 (v3+)
///     IsolationLevel int8 (v4+)
///     SessionId int32 (v7+)
///     SessionEpoch int32 (v7+)
///     Topics [Topic STRING,
///             Partitions [Partition int32, CurrentLeaderEpoch int32 (v9+), FetchOffset int64,
///                         LogStartOffset int64 (v5+), PartitionMaxBytes int32]]
///     ForgottenTopicsData [Topic STRING, Partitions [int32]] (v7+)
///     RackId STRING (v11+)
///
/// v4 is the first version answered with record batch v2 (librdkafka's MsgVer2); librdkafka 2.0.2 sends up to v11
/// with SessionId 0 and SessionEpoch -1 (no fetch sessions).
public struct FetchRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.fetch
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 4...11

    /// One entry of a topic's `Partitions`.
    public struct FetchPartition: Hashable, Sendable {
        /// The partition index.
        public var partition: Int32
        /// The current leader epoch known to the client (v9+; -1 before or when unknown).
        public var currentLeaderEpoch: Int32
        /// The offset to fetch from.
        public var fetchOffset: Int64
        /// The follower's log start offset (v5+; -1 for consumers and before v5).
        public var logStartOffset: Int64
        /// The most bytes to return for this partition.
        public var partitionMaxBytes: Int32

        public init(
            partition: Int32,
            currentLeaderEpoch: Int32 = -1,
            fetchOffset: Int64,
            logStartOffset: Int64 = -1,
            partitionMaxBytes: Int32
        ) {
            self.partition = partition
            self.currentLeaderEpoch = currentLeaderEpoch
            self.fetchOffset = fetchOffset
            self.logStartOffset = logStartOffset
            self.partitionMaxBytes = partitionMaxBytes
        }
    }

    /// One entry of `Topics`.
    public struct FetchTopic: Hashable, Sendable {
        /// The topic name.
        public var topic: String
        public var partitions: [FetchPartition]

        public init(topic: String, partitions: [FetchPartition]) {
            self.topic = topic
            self.partitions = partitions
        }
    }

    /// One entry of `ForgottenTopicsData` (v7+): partitions to drop from an incremental fetch session.
    public struct ForgottenTopic: Hashable, Sendable {
        /// The topic name.
        public var topic: String
        /// The partition indexes to forget.
        public var partitions: [Int32]

        public init(topic: String, partitions: [Int32]) {
            self.topic = topic
            self.partitions = partitions
        }
    }

    /// The follower's broker id, or -1 for a consumer.
    public var replicaId: Int32
    public var maxWaitMs: Int32
    public var minBytes: Int32
    /// The most bytes to return in all (v3+; default 0x7fffffff).
    public var maxBytes: Int32
    /// 0 = READ_UNCOMMITTED, 1 = READ_COMMITTED (v4+).
    public var isolationLevel: Int8
    /// The fetch session id (v7+; 0 = no session).
    public var sessionId: Int32
    /// The fetch session epoch (v7+; -1 = no session).
    public var sessionEpoch: Int32
    public var topics: [FetchTopic]
    /// v7+; empty before.
    public var forgottenTopicsData: [ForgottenTopic]
    /// The consumer's rack (v11+; empty before).
    public var rackId: String

    public init(
        replicaId: Int32 = -1,
        maxWaitMs: Int32,
        minBytes: Int32,
        maxBytes: Int32 = 0x7fff_ffff,
        isolationLevel: Int8 = 0,
        sessionId: Int32 = 0,
        sessionEpoch: Int32 = -1,
        topics: [FetchTopic],
        forgottenTopicsData: [ForgottenTopic] = [],
        rackId: String = ""
    ) {
        self.replicaId = replicaId
        self.maxWaitMs = maxWaitMs
        self.minBytes = minBytes
        self.maxBytes = maxBytes
        self.isolationLevel = isolationLevel
        self.sessionId = sessionId
        self.sessionEpoch = sessionEpoch
        self.topics = topics
        self.forgottenTopicsData = forgottenTopicsData
        self.rackId = rackId
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "FetchRequest", body: body)
        var buffer = body
        self.replicaId = try buffer.readKafkaInteger(as: Int32.self)
        self.maxWaitMs = try buffer.readKafkaInteger(as: Int32.self)
        self.minBytes = try buffer.readKafkaInteger(as: Int32.self)
        self.maxBytes = try buffer.readKafkaInteger(as: Int32.self)
        self.isolationLevel = try buffer.readKafkaInteger(as: Int8.self)
        if version >= 7 {
            self.sessionId = try buffer.readKafkaInteger(as: Int32.self)
            self.sessionEpoch = try buffer.readKafkaInteger(as: Int32.self)
        } else {
            self.sessionId = 0
            self.sessionEpoch = -1
        }
        // Partition: index, fetch offset and max bytes (16), plus the leader epoch (v9+) and log start (v5+).
        let partitionSize = 16 + (version >= 9 ? 4 : 0) + (version >= 5 ? 8 : 0)
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: 6) { (buffer) throws(KafkaWireError) in
            let topic = try buffer.readKafkaString()
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                let partition = try buffer.readKafkaInteger(as: Int32.self)
                let currentLeaderEpoch = version >= 9 ? try buffer.readKafkaInteger(as: Int32.self) : -1
                let fetchOffset = try buffer.readKafkaInteger(as: Int64.self)
                let logStartOffset = version >= 5 ? try buffer.readKafkaInteger(as: Int64.self) : -1
                return FetchPartition(
                    partition: partition,
                    currentLeaderEpoch: currentLeaderEpoch,
                    fetchOffset: fetchOffset,
                    logStartOffset: logStartOffset,
                    partitionMaxBytes: try buffer.readKafkaInteger(as: Int32.self)
                )
            }
            return FetchTopic(topic: topic, partitions: partitions)
        }
        if version >= 7 {
            self.forgottenTopicsData = try buffer.readKafkaMessageArray(minimumElementSize: 6) {
                (buffer) throws(KafkaWireError) in
                ForgottenTopic(topic: try buffer.readKafkaString(), partitions: try buffer.readKafkaInt32Array())
            }
        } else {
            self.forgottenTopicsData = []
        }
        self.rackId = version >= 11 ? try buffer.readKafkaString() : ""
        try buffer.checkKafkaMessageConsumed("FetchRequest", version: version)
    }

    /// Encodes the body for `version` (4-11).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "FetchRequest v\(version) is not supported")
        buffer.writeInteger(replicaId)
        buffer.writeInteger(maxWaitMs)
        buffer.writeInteger(minBytes)
        buffer.writeInteger(maxBytes)
        buffer.writeInteger(isolationLevel)
        if version >= 7 {
            buffer.writeInteger(sessionId)
            buffer.writeInteger(sessionEpoch)
        }
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeKafkaString(topic.topic)
            buffer.writeKafkaMessageArray(topic.partitions) { partition, buffer in
                buffer.writeInteger(partition.partition)
                if version >= 9 { buffer.writeInteger(partition.currentLeaderEpoch) }
                buffer.writeInteger(partition.fetchOffset)
                if version >= 5 { buffer.writeInteger(partition.logStartOffset) }
                buffer.writeInteger(partition.partitionMaxBytes)
            }
        }
        if version >= 7 {
            buffer.writeKafkaMessageArray(forgottenTopicsData) { topic, buffer in
                buffer.writeKafkaString(topic.topic)
                buffer.writeKafkaInt32Array(topic.partitions)
            }
        }
        if version >= 11 { buffer.writeKafkaString(rackId) }
    }
}
