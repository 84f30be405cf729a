import NIOCore

/// SyncGroupResponse (SyncGroupResponse.json, apiKey 14, valid 0-5, flexible 4+); this codec covers 0-3:
///
///     ThrottleTimeMs INT32 (v1+)
///     ErrorCode INT16
///     Assignment BYTES
///
/// `Assignment` is the requester's entry from the leader's SyncGroupRequest (docs/protocols/kafka-client-needs.md §4).
public struct SyncGroupResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.syncGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    /// The member's assignment (for ProtocolType "consumer" a ``ConsumerProtocolAssignment``).
    public var assignment: ByteBuffer

    public init(throttleTimeMs: Int32 = 0, errorCode: KafkaErrorCode = .none, assignment: ByteBuffer) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.assignment = assignment
    }

    /// Decodes a whole response body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "SyncGroupResponse v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        self.assignment = try buffer.readKafkaBytes()
        try buffer.checkKafkaMessageEnd("SyncGroupResponse", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "SyncGroupResponse v\(version) is not supported")
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        buffer.writeInteger(errorCode.rawValue)
        buffer.writeKafkaBytes(assignment)
    }
}
