import NIOCore

/// HeartbeatResponse (HeartbeatResponse.json, apiKey 12, valid 0-4, flexible 4+); this codec covers 0-3:
///
///     ThrottleTimeMs INT32 (v1+)
///     ErrorCode INT16
///
/// REBALANCE_IN_PROGRESS (27) tells the member to rejoin.
public struct HeartbeatResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.heartbeat
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode

    public init(throttleTimeMs: Int32 = 0, errorCode: KafkaErrorCode = .none) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` for a short
    ///   body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "HeartbeatResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        try buffer.checkKafkaMessageEnd("HeartbeatResponse", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "HeartbeatResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
    }
}
