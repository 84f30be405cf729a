import NIOCore

/// CreateTopicsRequest (CreateTopicsRequest.json, apiKey 19, valid 0-7, flexible 5+; this codec: 0-4, never
/// flexible):
///
///     Topics [Name STRING, NumPartitions int32, ReplicationFactor int16,
///             Assignments [PartitionIndex int32, BrokerIds [int32]],
///             Configs [Name STRING, Value NULLABLE_STRING]]
///     timeoutMs int32
///     validateOnly BOOLEAN (v1+)
public struct CreateTopicsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.createTopics
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// One entry of a topic's `Assignments`: a manual replica placement.
    public struct CreatableReplicaAssignment: Hashable, Sendable {
        public var partitionIndex: Int32
        /// The brokers to place the partition on.
        public var brokerIds: [Int32]

        public init(partitionIndex: Int32, brokerIds: [Int32]) {
            self.partitionIndex = partitionIndex
            self.brokerIds = brokerIds
        }
    }

    /// One entry of a topic's `Configs`.
    public struct CreatableTopicConfig: Hashable, Sendable {
        public var name: String
        public var value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// One entry of `Topics`.
    public struct CreatableTopic: Hashable, Sendable {
        /// The topic name.
        public var name: String
        /// The number of partitions, or -1 with manual assignments (or for the broker default).
        public var numPartitions: Int32
        /// The replication factor, or -1 with manual assignments (or for the broker default).
        public var replicationFactor: Int16
        /// The manual partition assignment, empty when the broker places replicas.
        public var assignments: [CreatableReplicaAssignment]
        public var configs: [CreatableTopicConfig]

        public init(
            name: String,
            numPartitions: Int32,
            replicationFactor: Int16,
            assignments: [CreatableReplicaAssignment] = [],
            configs: [CreatableTopicConfig] = []
        ) {
            self.name = name
            self.numPartitions = numPartitions
            self.replicationFactor = replicationFactor
            self.assignments = assignments
            self.configs = configs
        }
    }

    public var topics: [CreatableTopic]
    /// How long to wait for the topics to be created, in milliseconds (default 60000).
    public var timeoutMs: Int32
    /// Only validate the request (v1+; false before).
    public var validateOnly: Bool

    public init(topics: [CreatableTopic], timeoutMs: Int32 = 60000, validateOnly: Bool = false) {
        self.topics = topics
        self.timeoutMs = timeoutMs
        self.validateOnly = validateOnly
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "CreateTopicsRequest", body: body)
        var buffer = body
        // Topic: name length, partitions, replication factor, two array counts.
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: 16) { (buffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString()
            let numPartitions = try buffer.readKafkaInteger(as: Int32.self)
            let replicationFactor = try buffer.readKafkaInteger(as: Int16.self)
            let assignments = try buffer.readKafkaMessageArray(minimumElementSize: 8) {
                (buffer) throws(KafkaWireError) in
                CreatableReplicaAssignment(
                    partitionIndex: try buffer.readKafkaInteger(as: Int32.self),
                    brokerIds: try buffer.readKafkaInt32Array()
                )
            }
            let configs = try buffer.readKafkaMessageArray(minimumElementSize: 4) { (buffer) throws(KafkaWireError) in
                CreatableTopicConfig(name: try buffer.readKafkaString(), value: try buffer.readKafkaNullableString())
            }
            return CreatableTopic(
                name: name,
                numPartitions: numPartitions,
                replicationFactor: replicationFactor,
                assignments: assignments,
                configs: configs
            )
        }
        self.timeoutMs = try buffer.readKafkaInteger(as: Int32.self)
        self.validateOnly = version >= 1 ? try buffer.readKafkaBoolean() : false
        try buffer.checkKafkaMessageConsumed("CreateTopicsRequest", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "CreateTopicsRequest v\(version) is not supported")
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeInteger(topic.numPartitions)
            buffer.writeInteger(topic.replicationFactor)
            buffer.writeKafkaMessageArray(topic.assignments) { assignment, buffer in
                buffer.writeInteger(assignment.partitionIndex)
                buffer.writeKafkaInt32Array(assignment.brokerIds)
            }
            buffer.writeKafkaMessageArray(topic.configs) { config, buffer in
                buffer.writeKafkaString(config.name)
                buffer.writeKafkaNullableString(config.value)
            }
        }
        buffer.writeInteger(timeoutMs)
        if version >= 1 { buffer.writeKafkaBoolean(validateOnly) }
    }
}
