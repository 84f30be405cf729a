import NIOCore

/// LeaveGroupRequest (LeaveGroupRequest.json, apiKey 13, valid 0-5, flexible 4+); this codec covers 0-3:
///
///     GroupId STRING
///     MemberId STRING (v0-2)
///     Members [MemberId STRING, GroupInstanceId NULLABLE_STRING] (v3+)
///
/// v3 leaves in batches: `Members` replaces `MemberId`. librdkafka 2.0.2 sends v1.
public struct LeaveGroupRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.leaveGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `Members` (v3+).
    public struct MemberIdentity: Hashable, Sendable {
        public var memberId: String
        /// The static member id, or `nil`.
        public var groupInstanceId: String?

        public init(memberId: String, groupInstanceId: String? = nil) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
        }
    }

    public var groupId: String
    /// The leaving member (v0-2; empty from v3).
    public var memberId: String
    /// The leaving members (v3+; empty before).
    public var members: [MemberIdentity]

    public init(groupId: String, memberId: String = "", members: [MemberIdentity] = []) {
        self.groupId = groupId
        self.memberId = memberId
        self.members = members
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "LeaveGroupRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groupId = try buffer.readKafkaString()
        if version >= 3 {
            self.memberId = ""
            // MemberId STRING (2) + GroupInstanceId NULLABLE_STRING (2).
            self.members = try buffer.readKafkaArray(flexible: false, minimumElementSize: 4) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                MemberIdentity(
                    memberId: try buffer.readKafkaString(),
                    groupInstanceId: try buffer.readKafkaNullableString()
                )
            }
        } else {
            self.memberId = try buffer.readKafkaString()
            self.members = []
        }
        try buffer.checkKafkaMessageEnd("LeaveGroupRequest", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "LeaveGroupRequest v\(version) is not supported")
        buffer.writeKafkaString(groupId)
        if version >= 3 {
            buffer.writeKafkaArray(members, flexible: false) { buffer, member in
                buffer.writeKafkaString(member.memberId)
                buffer.writeKafkaNullableString(member.groupInstanceId)
            }
        } else {
            buffer.writeKafkaString(memberId)
        }
    }
}
