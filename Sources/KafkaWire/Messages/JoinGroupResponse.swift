import NIOCore

/// JoinGroupResponse (JoinGroupResponse.json, apiKey 11, valid 0-9, flexible 6+); this codec covers 0-5:
///
///     ThrottleTimeMs INT32 (v2+)
///     ErrorCode INT16
///     GenerationId INT32
///     ProtocolName STRING
///     Leader STRING
///     MemberId STRING
///     Members [MemberId STRING, GroupInstanceId NULLABLE_STRING (v5+), Metadata BYTES]
///
/// The leader gets every member with its metadata and computes the assignment; the others get an empty `Members`
/// (docs/protocols/kafka-client-needs.md §4).
public struct JoinGroupResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.joinGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...5

    /// One entry of `Members`.
    public struct JoinGroupResponseMember: Hashable, Sendable {
        public var memberId: String
        /// The static member id (v5+; `nil` before).
        public var groupInstanceId: String?
        /// The member's metadata for the chosen protocol, as it sent it in its JoinGroupRequest.
        public var metadata: ByteBuffer

        public init(memberId: String, groupInstanceId: String? = nil, metadata: ByteBuffer) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.metadata = metadata
        }
    }

    /// v2+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    /// The generation of the group (-1 with an error).
    public var generationId: Int32
    /// The protocol the coordinator chose (empty with an error).
    public var protocolName: String
    /// The member id of the group leader.
    public var leader: String
    /// The member id assigned to the requester.
    public var memberId: String
    /// Every member with its metadata when the requester is the leader; empty otherwise.
    public var members: [JoinGroupResponseMember]

    public init(
        throttleTimeMs: Int32 = 0,
        errorCode: KafkaErrorCode = .none,
        generationId: Int32 = -1,
        protocolName: String,
        leader: String,
        memberId: String,
        members: [JoinGroupResponseMember] = []
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.generationId = generationId
        self.protocolName = protocolName
        self.leader = leader
        self.memberId = memberId
        self.members = members
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "JoinGroupResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 2 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        self.generationId = try buffer.readKafkaInteger(as: Int32.self)
        self.protocolName = try buffer.readKafkaString()
        self.leader = try buffer.readKafkaString()
        self.memberId = try buffer.readKafkaString()
        // MemberId STRING (2) + GroupInstanceId (2, v5+) + Metadata BYTES (4).
        self.members = try buffer.readKafkaArray(flexible: false, minimumElementSize: version >= 5 ? 8 : 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            JoinGroupResponseMember(
                memberId: try buffer.readKafkaString(),
                groupInstanceId: version >= 5 ? try buffer.readKafkaNullableString() : nil,
                metadata: try buffer.readKafkaBytes()
            )
        }
        try buffer.checkKafkaMessageEnd("JoinGroupResponse", version: version)
    }

    /// Encodes the body for `version` (0-5).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "JoinGroupResponse v\(version) is not supported")
        if version >= 2 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
        buffer.writeInteger(generationId)
        buffer.writeKafkaString(protocolName)
        buffer.writeKafkaString(leader)
        buffer.writeKafkaString(memberId)
        buffer.writeKafkaArray(members, flexible: false) { buffer, member in
            buffer.writeKafkaString(member.memberId)
            if version >= 5 {
                buffer.writeKafkaNullableString(member.groupInstanceId)
            }
            buffer.writeKafkaBytes(member.metadata)
        }
    }
}
