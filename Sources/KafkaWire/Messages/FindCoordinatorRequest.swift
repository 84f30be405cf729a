import NIOCore

/// FindCoordinatorRequest (FindCoordinatorRequest.json, apiKey 10, valid 0-6, flexible 3+); this codec covers 0-2:
///
///     Key STRING
///     KeyType INT8 (v1+; 0 = group, 1 = transaction)
///
/// librdkafka 2.0.2 sends v2 with KeyType 0 and the group id as Key (docs/protocols/kafka-client-needs.md §3).
public struct FindCoordinatorRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.findCoordinator
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...2

    /// The coordinator key: the group id for KeyType 0, the transactional id for KeyType 1.
    public var key: String
    /// The coordinator key type (v1+; 0 before): 0 = group, 1 = transaction.
    public var keyType: Int8

    public init(key: String, keyType: Int8 = 0) {
        self.key = key
        self.keyType = keyType
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(
                .unsupportedVersion,
                "FindCoordinatorRequest v\(version) is not supported",
                bytes: body
            )
        }
        var buffer = body
        self.key = try buffer.readKafkaString()
        self.keyType = version >= 1 ? try buffer.readKafkaInteger(as: Int8.self) : 0
        try buffer.checkKafkaMessageEnd("FindCoordinatorRequest", version: version)
    }

    /// Encodes the body for `version` (0-2).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "FindCoordinatorRequest v\(version) is not supported")
        buffer.writeKafkaString(key)
        if version >= 1 {
            buffer.writeInteger(keyType)
        }
    }
}
