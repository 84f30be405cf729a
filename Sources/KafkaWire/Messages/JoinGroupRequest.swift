import NIOCore

/// JoinGroupRequest (JoinGroupRequest.json, apiKey 11, valid 0-9, flexible 6+); this codec covers 0-5:
///
///     GroupId STRING
///     SessionTimeoutMs INT32
///     RebalanceTimeoutMs INT32 (v1+)
///     MemberId STRING
///     GroupInstanceId NULLABLE_STRING (v5+)
///     ProtocolType STRING
///     Protocols [Name STRING, Metadata BYTES]
///
/// librdkafka 2.0.2 sends v5 with ProtocolType "consumer" and the protocols "range", "roundrobin" in that order, each
/// with a ``ConsumerProtocolSubscription`` as metadata (docs/protocols/kafka-client-needs.md §4).
public struct JoinGroupRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.joinGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...5

    /// One entry of `Protocols`: a protocol the member supports.
    public struct JoinGroupRequestProtocol: Hashable, Sendable {
        /// The protocol name (an assignor: "range", "roundrobin", …).
        public var name: String
        /// The protocol metadata (for ProtocolType "consumer" a ``ConsumerProtocolSubscription``).
        public var metadata: ByteBuffer

        public init(name: String, metadata: ByteBuffer) {
            self.name = name
            self.metadata = metadata
        }
    }

    public var groupId: String
    /// The coordinator considers the member dead when no heartbeat arrives within this time.
    public var sessionTimeoutMs: Int32
    /// How long the coordinator waits for each member to rejoin when rebalancing (v1+; -1 before, meaning "use
    /// ``sessionTimeoutMs``").
    public var rebalanceTimeoutMs: Int32
    /// The member id assigned by the coordinator; empty on the first join.
    public var memberId: String
    /// The static member id (v5+; `nil` before).
    public var groupInstanceId: String?
    /// The class of protocols ("consumer").
    public var protocolType: String
    /// The protocols the member supports, in order of preference.
    public var protocols: [JoinGroupRequestProtocol]

    public init(
        groupId: String,
        sessionTimeoutMs: Int32,
        rebalanceTimeoutMs: Int32 = -1,
        memberId: String,
        groupInstanceId: String? = nil,
        protocolType: String,
        protocols: [JoinGroupRequestProtocol]
    ) {
        self.groupId = groupId
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocols = protocols
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "JoinGroupRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groupId = try buffer.readKafkaString()
        self.sessionTimeoutMs = try buffer.readKafkaInteger(as: Int32.self)
        self.rebalanceTimeoutMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        self.memberId = try buffer.readKafkaString()
        self.groupInstanceId = version >= 5 ? try buffer.readKafkaNullableString() : nil
        self.protocolType = try buffer.readKafkaString()
        // Name STRING (2) + Metadata BYTES (4).
        self.protocols = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            JoinGroupRequestProtocol(name: try buffer.readKafkaString(), metadata: try buffer.readKafkaBytes())
        }
        try buffer.checkKafkaMessageEnd("JoinGroupRequest", version: version)
    }

    /// Encodes the body for `version` (0-5).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "JoinGroupRequest v\(version) is not supported")
        buffer.writeKafkaString(groupId)
        buffer.writeInteger(sessionTimeoutMs)
        if version >= 1 {
            buffer.writeInteger(rebalanceTimeoutMs)
        }
        buffer.writeKafkaString(memberId)
        if version >= 5 {
            buffer.writeKafkaNullableString(groupInstanceId)
        }
        buffer.writeKafkaString(protocolType)
        buffer.writeKafkaArray(protocols, flexible: false) { buffer, entry in
            buffer.writeKafkaString(entry.name)
            buffer.writeKafkaBytes(entry.metadata)
        }
    }
}
