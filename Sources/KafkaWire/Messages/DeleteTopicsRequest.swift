import NIOCore

/// DeleteTopicsRequest (DeleteTopicsRequest.json, apiKey 20, valid 0-6, flexible 4+; this codec: 0-3, never
/// flexible):
///
///     TopicNames [STRING] (v0-5)
///     TimeoutMs int32
public struct DeleteTopicsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.deleteTopics
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// The names of the topics to delete.
    public var topicNames: [String]
    /// How long to wait for the deletions to complete, in milliseconds.
    public var timeoutMs: Int32

    public init(topicNames: [String], timeoutMs: Int32) {
        self.topicNames = topicNames
        self.timeoutMs = timeoutMs
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "DeleteTopicsRequest", body: body)
        var buffer = body
        self.topicNames = try buffer.readKafkaStringArray()
        self.timeoutMs = try buffer.readKafkaInteger(as: Int32.self)
        try buffer.checkKafkaMessageConsumed("DeleteTopicsRequest", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DeleteTopicsRequest v\(version) is not supported")
        buffer.writeKafkaNullableStringArray(topicNames)
        buffer.writeInteger(timeoutMs)
    }
}
