import NIOCore

/// MetadataResponse (MetadataResponse.json, apiKey 3, valid 0-12, flexible 9+; this codec: 0-8, never flexible):
///
///     ThrottleTimeMs int32 (v3+)
///     Brokers [NodeId int32, Host STRING, Port int32, Rack NULLABLE_STRING (v1+)]
///     ClusterId NULLABLE_STRING (v2+)
///     ControllerId int32 (v1+)
///     Topics [ErrorCode int16, Name STRING, IsInternal BOOLEAN (v1+),
///             Partitions [ErrorCode int16, PartitionIndex int32, LeaderId int32, LeaderEpoch int32 (v7+),
///                         ReplicaNodes [int32], IsrNodes [int32], OfflineReplicas [int32] (v5+)],
///             TopicAuthorizedOperations int32 (v8+)]
///     ClusterAuthorizedOperations int32 (v8-10)
///
/// Clients connect to the `Host`:`Port` of each partition's leader, so they must be reachable by the client.
public struct MetadataResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.metadata
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...8

    /// "Authorized operations not requested": the default of the two authorized-operations fields (INT32_MIN).
    public static let authorizedOperationsOmitted = Int32.min

    /// One entry of `Brokers`.
    public struct MetadataResponseBroker: Hashable, Sendable {
        public var nodeId: Int32
        public var host: String
        public var port: Int32
        /// The broker's rack (v1+; `nil` when unassigned or before v1).
        public var rack: String?

        public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil) {
            self.nodeId = nodeId
            self.host = host
            self.port = port
            self.rack = rack
        }
    }

    /// One entry of a topic's `Partitions`.
    public struct MetadataResponsePartition: Hashable, Sendable {
        public var errorCode: KafkaErrorCode
        public var partitionIndex: Int32
        /// The leader's broker id (-1 when there is none).
        public var leaderId: Int32
        /// v7+; -1 before.
        public var leaderEpoch: Int32
        public var replicaNodes: [Int32]
        public var isrNodes: [Int32]
        /// v5+; empty before.
        public var offlineReplicas: [Int32]

        public init(
            errorCode: KafkaErrorCode = .none,
            partitionIndex: Int32,
            leaderId: Int32,
            leaderEpoch: Int32 = -1,
            replicaNodes: [Int32],
            isrNodes: [Int32],
            offlineReplicas: [Int32] = []
        ) {
            self.errorCode = errorCode
            self.partitionIndex = partitionIndex
            self.leaderId = leaderId
            self.leaderEpoch = leaderEpoch
            self.replicaNodes = replicaNodes
            self.isrNodes = isrNodes
            self.offlineReplicas = offlineReplicas
        }
    }

    /// One entry of `Topics`.
    public struct MetadataResponseTopic: Hashable, Sendable {
        public var errorCode: KafkaErrorCode
        /// The topic name.
        public var name: String
        /// v1+; false before.
        public var isInternal: Bool
        public var partitions: [MetadataResponsePartition]
        /// v8+; ``MetadataResponse/authorizedOperationsOmitted`` before or when not requested.
        public var topicAuthorizedOperations: Int32

        public init(
            errorCode: KafkaErrorCode = .none,
            name: String,
            isInternal: Bool = false,
            partitions: [MetadataResponsePartition],
            topicAuthorizedOperations: Int32 = MetadataResponse.authorizedOperationsOmitted
        ) {
            self.errorCode = errorCode
            self.name = name
            self.isInternal = isInternal
            self.partitions = partitions
            self.topicAuthorizedOperations = topicAuthorizedOperations
        }
    }

    /// v3+; 0 before.
    public var throttleTimeMs: Int32
    public var brokers: [MetadataResponseBroker]
    /// v2+; `nil` before.
    public var clusterId: String?
    /// v1+; -1 before.
    public var controllerId: Int32
    public var topics: [MetadataResponseTopic]
    /// v8+; ``authorizedOperationsOmitted`` before or when not requested.
    public var clusterAuthorizedOperations: Int32

    public init(
        throttleTimeMs: Int32 = 0,
        brokers: [MetadataResponseBroker],
        clusterId: String? = nil,
        controllerId: Int32 = -1,
        topics: [MetadataResponseTopic],
        clusterAuthorizedOperations: Int32 = MetadataResponse.authorizedOperationsOmitted
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.brokers = brokers
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.topics = topics
        self.clusterAuthorizedOperations = clusterAuthorizedOperations
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "MetadataResponse", body: body)
        var buffer = body
        self.throttleTimeMs = version >= 3 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        // Broker: node id, host length, port (10), plus the rack length (v1+).
        let brokerSize = version >= 1 ? 12 : 10
        self.brokers = try buffer.readKafkaMessageArray(minimumElementSize: brokerSize) {
            (buffer) throws(KafkaWireError) in
            MetadataResponseBroker(
                nodeId: try buffer.readKafkaInteger(as: Int32.self),
                host: try buffer.readKafkaString(),
                port: try buffer.readKafkaInteger(as: Int32.self),
                rack: version >= 1 ? try buffer.readKafkaNullableString() : nil
            )
        }
        self.clusterId = version >= 2 ? try buffer.readKafkaNullableString() : nil
        self.controllerId = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        // Topic: error code, name length, partitions count (8), plus IsInternal (v1+) and operations (v8+).
        let topicSize = 8 + (version >= 1 ? 1 : 0) + (version >= 8 ? 4 : 0)
        // Partition: error code, index, leader, two array counts (18), plus epoch (v7+) and offline count (v5+).
        let partitionSize = 18 + (version >= 7 ? 4 : 0) + (version >= 5 ? 4 : 0)
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: topicSize) {
            (buffer) throws(KafkaWireError) in
            let errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
            let name = try buffer.readKafkaString()
            let isInternal = version >= 1 ? try buffer.readKafkaBoolean() : false
            let partitions = try buffer.readKafkaMessageArray(minimumElementSize: partitionSize) {
                (buffer) throws(KafkaWireError) in
                MetadataResponsePartition(
                    errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self)),
                    partitionIndex: try buffer.readKafkaInteger(as: Int32.self),
                    leaderId: try buffer.readKafkaInteger(as: Int32.self),
                    leaderEpoch: version >= 7 ? try buffer.readKafkaInteger(as: Int32.self) : -1,
                    replicaNodes: try buffer.readKafkaInt32Array(),
                    isrNodes: try buffer.readKafkaInt32Array(),
                    offlineReplicas: version >= 5 ? try buffer.readKafkaInt32Array() : []
                )
            }
            return MetadataResponseTopic(
                errorCode: errorCode,
                name: name,
                isInternal: isInternal,
                partitions: partitions,
                topicAuthorizedOperations: version >= 8
                    ? try buffer.readKafkaInteger(as: Int32.self) : Self.authorizedOperationsOmitted
            )
        }
        self.clusterAuthorizedOperations =
            version >= 8 ? try buffer.readKafkaInteger(as: Int32.self) : Self.authorizedOperationsOmitted
        try buffer.checkKafkaMessageConsumed("MetadataResponse", version: version)
    }

    /// Encodes the body for `version` (0-8).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "MetadataResponse v\(version) is not supported")
        if version >= 3 { buffer.writeInteger(throttleTimeMs) }
        buffer.writeKafkaMessageArray(brokers) { broker, buffer in
            buffer.writeInteger(broker.nodeId)
            buffer.writeKafkaString(broker.host)
            buffer.writeInteger(broker.port)
            if version >= 1 { buffer.writeKafkaNullableString(broker.rack) }
        }
        if version >= 2 { buffer.writeKafkaNullableString(clusterId) }
        if version >= 1 { buffer.writeInteger(controllerId) }
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeInteger(topic.errorCode.rawValue)
            buffer.writeKafkaString(topic.name)
            if version >= 1 { buffer.writeKafkaBoolean(topic.isInternal) }
            buffer.writeKafkaMessageArray(topic.partitions) { partition, buffer in
                buffer.writeInteger(partition.errorCode.rawValue)
                buffer.writeInteger(partition.partitionIndex)
                buffer.writeInteger(partition.leaderId)
                if version >= 7 { buffer.writeInteger(partition.leaderEpoch) }
                buffer.writeKafkaInt32Array(partition.replicaNodes)
                buffer.writeKafkaInt32Array(partition.isrNodes)
                if version >= 5 { buffer.writeKafkaInt32Array(partition.offlineReplicas) }
            }
            if version >= 8 { buffer.writeInteger(topic.topicAuthorizedOperations) }
        }
        if version >= 8 { buffer.writeInteger(clusterAuthorizedOperations) }
    }
}
