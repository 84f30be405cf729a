import NIOCore

/// MetadataRequest (MetadataRequest.json, apiKey 3, valid 0-12, flexible 9+; this codec: 0-8, never flexible):
///
///     Topics [Name STRING] (nullable v1+)
///     AllowAutoTopicCreation BOOLEAN (v4+)
///     IncludeClusterAuthorizedOperations BOOLEAN (v8-10)
///     IncludeTopicAuthorizedOperations BOOLEAN (v8+)
///
/// v1+: `Topics` null asks for all topics, an empty array for the brokers only. In v0 there is no null: an empty
/// array asks for all topics (docs/protocols/kafka-client-needs.md §4). librdkafka 2.0.2 sends v4.
public struct MetadataRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.metadata
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...8

    /// One entry of `Topics`.
    public struct MetadataRequestTopic: Hashable, Sendable {
        /// The topic name.
        public var name: String

        public init(name: String) {
            self.name = name
        }
    }

    /// The topics to describe; `nil` (v1+) = all topics. Encoded in v0 as an empty array, which v0 reads as "all".
    public var topics: [MetadataRequestTopic]?
    /// Whether the broker may create missing topics (v4+; true before).
    public var allowAutoTopicCreation: Bool
    /// v8+; false before.
    public var includeClusterAuthorizedOperations: Bool
    /// v8+; false before.
    public var includeTopicAuthorizedOperations: Bool

    public init(
        topics: [MetadataRequestTopic]?,
        allowAutoTopicCreation: Bool = true,
        includeClusterAuthorizedOperations: Bool = false,
        includeTopicAuthorizedOperations: Bool = false
    ) {
        self.topics = topics
        self.allowAutoTopicCreation = allowAutoTopicCreation
        self.includeClusterAuthorizedOperations = includeClusterAuthorizedOperations
        self.includeTopicAuthorizedOperations = includeTopicAuthorizedOperations
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body (including a null `Topics` in v0), `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "MetadataRequest", body: body)
        var buffer = body
        let names: [String]?
        if version >= 1 {
            names = try buffer.readKafkaNullableStringArray()
        } else {
            names = try buffer.readKafkaStringArray()
        }
        self.topics = names.map { $0.map(MetadataRequestTopic.init(name:)) }
        self.allowAutoTopicCreation = version >= 4 ? try buffer.readKafkaBoolean() : true
        if version >= 8 {
            self.includeClusterAuthorizedOperations = try buffer.readKafkaBoolean()
            self.includeTopicAuthorizedOperations = try buffer.readKafkaBoolean()
        } else {
            self.includeClusterAuthorizedOperations = false
            self.includeTopicAuthorizedOperations = false
        }
        try buffer.checkKafkaMessageConsumed("MetadataRequest", version: version)
    }

    /// Encodes the body for `version` (0-8).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "MetadataRequest v\(version) is not supported")
        let names: [String]? = topics.map { $0.map(\.name) }
        // v0 has no null: an empty array is "all topics" there.
        buffer.writeKafkaNullableStringArray(version >= 1 ? names : (names ?? []))
        if version >= 4 { buffer.writeKafkaBoolean(allowAutoTopicCreation) }
        if version >= 8 {
            buffer.writeKafkaBoolean(includeClusterAuthorizedOperations)
            buffer.writeKafkaBoolean(includeTopicAuthorizedOperations)
        }
    }
}
