import NIOCore

/// ListGroupsResponse (ListGroupsResponse.json, apiKey 16, valid 0-5, flexible 3+); this codec covers 0-2:
///
///     ThrottleTimeMs INT32 (v1+)
///     ErrorCode INT16
///     Groups [GroupId STRING, ProtocolType STRING]
public struct ListGroupsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.listGroups
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...2

    /// One entry of `Groups`.
    public struct ListedGroup: Hashable, Sendable {
        public var groupId: String
        /// The protocol type ("consumer"), or empty for a group without one.
        public var protocolType: String

        public init(groupId: String, protocolType: String) {
            self.groupId = groupId
            self.protocolType = protocolType
        }
    }

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    public var groups: [ListedGroup]

    public init(throttleTimeMs: Int32 = 0, errorCode: KafkaErrorCode = .none, groups: [ListedGroup]) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.groups = groups
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "ListGroupsResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        // GroupId STRING (2) + ProtocolType STRING (2).
        self.groups = try buffer.readKafkaArray(flexible: false, minimumElementSize: 4) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            ListedGroup(groupId: try buffer.readKafkaString(), protocolType: try buffer.readKafkaString())
        }
        try buffer.checkKafkaMessageEnd("ListGroupsResponse", version: version)
    }

    /// Encodes the body for `version` (0-2).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ListGroupsResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
        buffer.writeKafkaArray(groups, flexible: false) { buffer, group in
            buffer.writeKafkaString(group.groupId)
            buffer.writeKafkaString(group.protocolType)
        }
    }
}
