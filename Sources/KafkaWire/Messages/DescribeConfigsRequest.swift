import NIOCore

/// DescribeConfigsRequest (DescribeConfigsRequest.json, apiKey 32, valid 0-4, flexible 4+; this codec: 0-3, never
/// flexible):
///
///     Resources [ResourceType int8, ResourceName STRING, ConfigurationKeys [STRING] (nullable)]
///     IncludeSynonyms BOOLEAN (v1+)
///     IncludeDocumentation BOOLEAN (v3+)
///
/// ResourceType 2 is a topic, 4 a broker (Kafka's ConfigResource.Type).
public struct DescribeConfigsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.describeConfigs
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `Resources`.
    public struct DescribeConfigsResource: Hashable, Sendable {
        /// 2 = topic, 4 = broker, 8 = broker logger.
        public var resourceType: Int8
        public var resourceName: String
        /// The keys to describe, or `nil` for all of them.
        public var configurationKeys: [String]?

        public init(resourceType: Int8, resourceName: String, configurationKeys: [String]? = nil) {
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configurationKeys = configurationKeys
        }
    }

    public var resources: [DescribeConfigsResource]
    /// v1+; false before.
    public var includeSynonyms: Bool
    /// v3+; false before.
    public var includeDocumentation: Bool

    public init(resources: [DescribeConfigsResource], includeSynonyms: Bool = false, includeDocumentation: Bool = false)
    {
        self.resources = resources
        self.includeSynonyms = includeSynonyms
        self.includeDocumentation = includeDocumentation
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "DescribeConfigsRequest", body: body)
        var buffer = body
        // Resource: type, name length, keys count.
        self.resources = try buffer.readKafkaMessageArray(minimumElementSize: 7) { (buffer) throws(KafkaWireError) in
            DescribeConfigsResource(
                resourceType: try buffer.readKafkaInteger(as: Int8.self),
                resourceName: try buffer.readKafkaString(),
                configurationKeys: try buffer.readKafkaNullableStringArray()
            )
        }
        self.includeSynonyms = version >= 1 ? try buffer.readKafkaBoolean() : false
        self.includeDocumentation = version >= 3 ? try buffer.readKafkaBoolean() : false
        try buffer.checkKafkaMessageConsumed("DescribeConfigsRequest", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DescribeConfigsRequest v\(version) is not supported")
        buffer.writeKafkaMessageArray(resources) { resource, buffer in
            buffer.writeInteger(resource.resourceType)
            buffer.writeKafkaString(resource.resourceName)
            buffer.writeKafkaNullableStringArray(resource.configurationKeys)
        }
        if version >= 1 { buffer.writeKafkaBoolean(includeSynonyms) }
        if version >= 3 { buffer.writeKafkaBoolean(includeDocumentation) }
    }
}
