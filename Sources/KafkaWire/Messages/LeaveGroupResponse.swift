import NIOCore

/// LeaveGroupResponse (LeaveGroupResponse.json, apiKey 13, valid 0-5, flexible 4+); this codec covers 0-3:
///
///     ThrottleTimeMs INT32 (v1+)
///     ErrorCode INT16
///     Members [MemberId STRING, GroupInstanceId NULLABLE_STRING, ErrorCode INT16] (v3+)
public struct LeaveGroupResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.leaveGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `Members` (v3+).
    public struct MemberResponse: Hashable, Sendable {
        public var memberId: String
        /// The static member id, or `nil`.
        public var groupInstanceId: String?
        public var errorCode: KafkaErrorCode

        public init(memberId: String, groupInstanceId: String? = nil, errorCode: KafkaErrorCode = .none) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.errorCode = errorCode
        }
    }

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    /// One result per leaving member (v3+; empty before).
    public var members: [MemberResponse]

    public init(throttleTimeMs: Int32 = 0, errorCode: KafkaErrorCode = .none, members: [MemberResponse] = []) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.members = members
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "LeaveGroupResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        if version >= 3 {
            // MemberId STRING (2) + GroupInstanceId NULLABLE_STRING (2) + ErrorCode INT16 (2).
            self.members = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                MemberResponse(
                    memberId: try buffer.readKafkaString(),
                    groupInstanceId: try buffer.readKafkaNullableString(),
                    errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
                )
            }
        } else {
            self.members = []
        }
        try buffer.checkKafkaMessageEnd("LeaveGroupResponse", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "LeaveGroupResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
        if version >= 3 {
            buffer.writeKafkaArray(members, flexible: false) { buffer, member in
                buffer.writeKafkaString(member.memberId)
                buffer.writeKafkaNullableString(member.groupInstanceId)
                buffer.writeInteger(member.errorCode.rawValue)
            }
        }
    }
}
