import NIOCore

/// DescribeGroupsResponse (DescribeGroupsResponse.json, apiKey 15, valid 0-5, flexible 5+); this codec covers 0-4:
///
///     ThrottleTimeMs INT32 (v1+)
///     Groups [ErrorCode INT16, GroupId STRING, GroupState STRING, ProtocolType STRING, ProtocolData STRING,
///             Members [MemberId STRING, GroupInstanceId NULLABLE_STRING (v4+), ClientId STRING, ClientHost STRING,
///                      MemberMetadata BYTES, MemberAssignment BYTES],
///             AuthorizedOperations INT32 (v3+)]
///
/// `ProtocolData` is the chosen protocol name ("range"); member metadata and assignments are only filled in the
/// Stable state.
public struct DescribeGroupsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.describeGroups
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// One entry of `Groups`.
    public struct DescribedGroup: Hashable, Sendable {
        public var errorCode: KafkaErrorCode
        public var groupId: String
        /// The group state ("Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"), or empty.
        public var groupState: String
        /// The protocol type ("consumer"), or empty.
        public var protocolType: String
        /// The chosen protocol ("range"), or empty.
        public var protocolData: String
        public var members: [DescribedGroupMember]
        /// A bit field of the operations the requester may perform on the group (v3+; `Int32.min`, "not
        /// requested", before).
        public var authorizedOperations: Int32

        public init(
            errorCode: KafkaErrorCode = .none,
            groupId: String,
            groupState: String,
            protocolType: String,
            protocolData: String,
            members: [DescribedGroupMember],
            authorizedOperations: Int32 = .min
        ) {
            self.errorCode = errorCode
            self.groupId = groupId
            self.groupState = groupState
            self.protocolType = protocolType
            self.protocolData = protocolData
            self.members = members
            self.authorizedOperations = authorizedOperations
        }
    }

    /// One entry of a group's `Members`.
    public struct DescribedGroupMember: Hashable, Sendable {
        public var memberId: String
        /// The static member id (v4+; `nil` before).
        public var groupInstanceId: String?
        /// The client id of the member's latest JoinGroup.
        public var clientId: String
        public var clientHost: String
        /// The member's metadata for the chosen protocol.
        public var memberMetadata: ByteBuffer
        /// The member's current assignment from the leader.
        public var memberAssignment: ByteBuffer

        public init(
            memberId: String,
            groupInstanceId: String? = nil,
            clientId: String,
            clientHost: String,
            memberMetadata: ByteBuffer,
            memberAssignment: ByteBuffer
        ) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.memberMetadata = memberMetadata
            self.memberAssignment = memberAssignment
        }
    }

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var groups: [DescribedGroup]

    public init(throttleTimeMs: Int32 = 0, groups: [DescribedGroup]) {
        self.throttleTimeMs = throttleTimeMs
        self.groups = groups
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(
                .unsupportedVersion,
                "DescribeGroupsResponse v\(version) is not supported",
                bytes: body
            )
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        // MemberId, ClientId, ClientHost (2 each) + GroupInstanceId (2, v4+) + two BYTES (4 each).
        let memberSize = 14 + (version >= 4 ? 2 : 0)
        // ErrorCode (2) + four STRINGs (2 each) + Members (4) + AuthorizedOperations (4, v3+).
        let groupSize = 14 + (version >= 3 ? 4 : 0)
        self.groups = try buffer.readKafkaArray(flexible: false, minimumElementSize: groupSize) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            let errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
            let groupId = try buffer.readKafkaString()
            let groupState = try buffer.readKafkaString()
            let protocolType = try buffer.readKafkaString()
            let protocolData = try buffer.readKafkaString()
            let members = try buffer.readKafkaArray(flexible: false, minimumElementSize: memberSize) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                DescribedGroupMember(
                    memberId: try buffer.readKafkaString(),
                    groupInstanceId: version >= 4 ? try buffer.readKafkaNullableString() : nil,
                    clientId: try buffer.readKafkaString(),
                    clientHost: try buffer.readKafkaString(),
                    memberMetadata: try buffer.readKafkaBytes(),
                    memberAssignment: try buffer.readKafkaBytes()
                )
            }
            return DescribedGroup(
                errorCode: errorCode,
                groupId: groupId,
                groupState: groupState,
                protocolType: protocolType,
                protocolData: protocolData,
                members: members,
                authorizedOperations: version >= 3 ? try buffer.readKafkaInteger(as: Int32.self) : .min
            )
        }
        try buffer.checkKafkaMessageEnd("DescribeGroupsResponse", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DescribeGroupsResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeKafkaArray(groups, flexible: false) { buffer, group in
            buffer.writeInteger(group.errorCode.rawValue)
            buffer.writeKafkaString(group.groupId)
            buffer.writeKafkaString(group.groupState)
            buffer.writeKafkaString(group.protocolType)
            buffer.writeKafkaString(group.protocolData)
            buffer.writeKafkaArray(group.members, flexible: false) { buffer, member in
                buffer.writeKafkaString(member.memberId)
                if version >= 4 {
                    buffer.writeKafkaNullableString(member.groupInstanceId)
                }
                buffer.writeKafkaString(member.clientId)
                buffer.writeKafkaString(member.clientHost)
                buffer.writeKafkaBytes(member.memberMetadata)
                buffer.writeKafkaBytes(member.memberAssignment)
            }
            if version >= 3 {
                buffer.writeInteger(group.authorizedOperations)
            }
        }
    }
}
