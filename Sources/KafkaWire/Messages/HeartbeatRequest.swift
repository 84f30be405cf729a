import NIOCore

/// HeartbeatRequest (HeartbeatRequest.json, apiKey 12, valid 0-4, flexible 4+); this codec covers 0-3:
///
///     GroupId STRING
///     GenerationId INT32
///     MemberId STRING
///     GroupInstanceId NULLABLE_STRING (v3+)
///
/// librdkafka 2.0.2 sends v3.
public struct HeartbeatRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.heartbeat
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    public var groupId: String
    /// The generation of the group the member belongs to.
    public var generationId: Int32
    public var memberId: String
    /// The static member id (v3+; `nil` before).
    public var groupInstanceId: String?

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "HeartbeatRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groupId = try buffer.readKafkaString()
        self.generationId = try buffer.readKafkaInteger(as: Int32.self)
        self.memberId = try buffer.readKafkaString()
        self.groupInstanceId = version >= 3 ? try buffer.readKafkaNullableString() : nil
        try buffer.checkKafkaMessageEnd("HeartbeatRequest", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "HeartbeatRequest v\(version) is not supported")
        buffer.writeKafkaString(groupId)
        buffer.writeInteger(generationId)
        buffer.writeKafkaString(memberId)
        if version >= 3 {
            buffer.writeKafkaNullableString(groupInstanceId)
        }
    }
}
