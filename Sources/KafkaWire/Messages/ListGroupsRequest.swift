import NIOCore

/// ListGroupsRequest (ListGroupsRequest.json, apiKey 16, valid 0-5, flexible 3+); this codec covers 0-2:
///
///     v0-v2: empty body
///
/// (v3 is flexible, v4 adds StatesFilter, v5 TypesFilter.) Admin API; librdkafka 2.0.2 asks for up to v4 and so
/// sends v2 to a broker advertising 0-2.
public struct ListGroupsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.listGroups
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...2

    public init() {}

    /// Decodes a whole request body of `version`: it must be empty.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.malformed` for any byte.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "ListGroupsRequest v\(version) is not supported", bytes: body)
        }
        try body.checkKafkaMessageEnd("ListGroupsRequest", version: version)
    }

    /// Encodes the (empty) body for `version` (0-2).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ListGroupsRequest v\(version) is not supported")
    }
}
