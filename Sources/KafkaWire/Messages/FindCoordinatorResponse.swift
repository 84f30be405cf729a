import NIOCore

/// FindCoordinatorResponse (FindCoordinatorResponse.json, apiKey 10, valid 0-6, flexible 3+); this codec covers
/// 0-2:
///
///     ThrottleTimeMs INT32 (v1+)
///     ErrorCode INT16
///     ErrorMessage NULLABLE_STRING (v1+)
///     NodeId INT32
///     Host STRING
///     Port INT32
///
/// Group traffic goes to the host and port named here (docs/protocols/kafka-client-needs.md §1).
public struct FindCoordinatorResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.findCoordinator
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...2

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    /// v1+; `nil` before.
    public var errorMessage: String?
    /// The coordinator's node id.
    public var nodeId: Int32
    /// The coordinator's host name.
    public var host: String
    /// The coordinator's port.
    public var port: Int32

    public init(
        throttleTimeMs: Int32 = 0,
        errorCode: KafkaErrorCode = .none,
        errorMessage: String? = nil,
        nodeId: Int32,
        host: String,
        port: Int32
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.nodeId = nodeId
        self.host = host
        self.port = port
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(
                .unsupportedVersion,
                "FindCoordinatorResponse v\(version) is not supported",
                bytes: body
            )
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        self.errorMessage = version >= 1 ? try buffer.readKafkaNullableString() : nil
        self.nodeId = try buffer.readKafkaInteger(as: Int32.self)
        self.host = try buffer.readKafkaString()
        self.port = try buffer.readKafkaInteger(as: Int32.self)
        try buffer.checkKafkaMessageEnd("FindCoordinatorResponse", version: version)
    }

    /// Encodes the body for `version` (0-2).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "FindCoordinatorResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
        if version >= 1 {
            buffer.writeKafkaNullableString(errorMessage)
        }
        buffer.writeInteger(nodeId)
        buffer.writeKafkaString(host)
        buffer.writeInteger(port)
    }
}
