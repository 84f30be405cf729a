import NIOCore

/// DescribeGroupsRequest (DescribeGroupsRequest.json, apiKey 15, valid 0-5, flexible 5+); this codec covers 0-4:
///
///     Groups [STRING]
///     IncludeAuthorizedOperations BOOLEAN (v3+)
///
/// Admin API; librdkafka 2.0.2 sends up to v4.
public struct DescribeGroupsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.describeGroups
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// The groups to describe.
    public var groups: [String]
    /// Whether to include the authorized operations (v3+; false before).
    public var includeAuthorizedOperations: Bool

    public init(groups: [String], includeAuthorizedOperations: Bool = false) {
        self.groups = groups
        self.includeAuthorizedOperations = includeAuthorizedOperations
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "DescribeGroupsRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groups = try buffer.readKafkaArray(flexible: false, minimumElementSize: 2) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            try buffer.readKafkaString()
        }
        self.includeAuthorizedOperations = version >= 3 ? try buffer.readKafkaBoolean() : false
        try buffer.checkKafkaMessageEnd("DescribeGroupsRequest", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DescribeGroupsRequest v\(version) is not supported")
        buffer.writeKafkaArray(groups, flexible: false) { buffer, group in
            buffer.writeKafkaString(group)
        }
        if version >= 3 {
            buffer.writeKafkaBoolean(includeAuthorizedOperations)
        }
    }
}
