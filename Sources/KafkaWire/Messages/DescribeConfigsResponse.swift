import NIOCore

/// DescribeConfigsResponse (DescribeConfigsResponse.json, apiKey 32, valid 0-4, flexible 4+; this codec: 0-3, never
/// flexible):
///
///     ThrottleTimeMs int32
///     Results [ErrorCode int16, ErrorMessage NULLABLE_STRING, ResourceType int8, ResourceName STRING,
///              Configs [Name STRING, Value NULLABLE_STRING, ReadOnly BOOLEAN, IsDefault BOOLEAN (v0 only),
///                       ConfigSource int8 (v1+), IsSensitive BOOLEAN,
///                       Synonyms [Name STRING, Value NULLABLE_STRING, Source int8] (v1+),
///                       ConfigType int8 (v3+), Documentation NULLABLE_STRING (v3+)]]
public struct DescribeConfigsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.describeConfigs
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of a config's `Synonyms` (v1+).
    public struct DescribeConfigsSynonym: Hashable, Sendable {
        public var name: String
        public var value: String?
        /// The synonym's source (same values as ``DescribeConfigsResourceResult/configSource``).
        public var source: Int8

        public init(name: String, value: String?, source: Int8) {
            self.name = name
            self.value = value
            self.source = source
        }
    }

    /// One entry of a result's `Configs`.
    public struct DescribeConfigsResourceResult: Hashable, Sendable {
        public var name: String
        /// The value, or `nil` (e.g. for a sensitive config).
        public var value: String?
        public var readOnly: Bool
        /// Whether the config is not set (v0 only; false from v1, where ``configSource`` tells).
        public var isDefault: Bool
        /// v1+: 1 dynamic topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default, 6 dynamic
        /// broker logger; -1 unknown (and before v1).
        public var configSource: Int8
        public var isSensitive: Bool
        /// v1+; empty before.
        public var synonyms: [DescribeConfigsSynonym]
        /// v3+: 0 unknown, 1 boolean, 2 string, 3 int, 4 short, 5 long, 6 double, 7 list, 8 class, 9 password.
        public var configType: Int8
        /// v3+; `nil` before.
        public var documentation: String?

        public init(
            name: String,
            value: String?,
            readOnly: Bool = false,
            isDefault: Bool = false,
            configSource: Int8 = -1,
            isSensitive: Bool = false,
            synonyms: [DescribeConfigsSynonym] = [],
            configType: Int8 = 0,
            documentation: String? = nil
        ) {
            self.name = name
            self.value = value
            self.readOnly = readOnly
            self.isDefault = isDefault
            self.configSource = configSource
            self.isSensitive = isSensitive
            self.synonyms = synonyms
            self.configType = configType
            self.documentation = documentation
        }
    }

    /// One entry of `Results`.
    public struct DescribeConfigsResult: Hashable, Sendable {
        public var errorCode: KafkaErrorCode
        public var errorMessage: String?
        public var resourceType: Int8
        public var resourceName: String
        public var configs: [DescribeConfigsResourceResult]

        public init(
            errorCode: KafkaErrorCode = .none,
            errorMessage: String? = nil,
            resourceType: Int8,
            resourceName: String,
            configs: [DescribeConfigsResourceResult]
        ) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configs = configs
        }
    }

    public var throttleTimeMs: Int32
    public var results: [DescribeConfigsResult]

    public init(throttleTimeMs: Int32 = 0, results: [DescribeConfigsResult]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "DescribeConfigsResponse", body: body)
        var buffer = body
        self.throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        // Config: name and value lengths, ReadOnly, IsDefault (v0) or ConfigSource (v1+), IsSensitive (7), plus the
        // synonyms count (v1+) and ConfigType and Documentation length (v3+).
        let configSize = 7 + (version >= 1 ? 4 : 0) + (version >= 3 ? 3 : 0)
        // Result: error code, message length, type, name length, configs count.
        self.results = try buffer.readKafkaMessageArray(minimumElementSize: 11) { (buffer) throws(KafkaWireError) in
            let errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
            let errorMessage = try buffer.readKafkaNullableString()
            let resourceType = try buffer.readKafkaInteger(as: Int8.self)
            let resourceName = try buffer.readKafkaString()
            let configs = try buffer.readKafkaMessageArray(minimumElementSize: configSize) {
                (buffer) throws(KafkaWireError) in
                let name = try buffer.readKafkaString()
                let value = try buffer.readKafkaNullableString()
                let readOnly = try buffer.readKafkaBoolean()
                let isDefault = version == 0 ? try buffer.readKafkaBoolean() : false
                let configSource = version >= 1 ? try buffer.readKafkaInteger(as: Int8.self) : -1
                let isSensitive = try buffer.readKafkaBoolean()
                let synonyms =
                    version >= 1
                    ? try buffer.readKafkaMessageArray(minimumElementSize: 5) { (buffer) throws(KafkaWireError) in
                        DescribeConfigsSynonym(
                            name: try buffer.readKafkaString(),
                            value: try buffer.readKafkaNullableString(),
                            source: try buffer.readKafkaInteger(as: Int8.self)
                        )
                    } : []
                let configType = version >= 3 ? try buffer.readKafkaInteger(as: Int8.self) : 0
                let documentation = version >= 3 ? try buffer.readKafkaNullableString() : nil
                return DescribeConfigsResourceResult(
                    name: name,
                    value: value,
                    readOnly: readOnly,
                    isDefault: isDefault,
                    configSource: configSource,
                    isSensitive: isSensitive,
                    synonyms: synonyms,
                    configType: configType,
                    documentation: documentation
                )
            }
            return DescribeConfigsResult(
                errorCode: errorCode,
                errorMessage: errorMessage,
                resourceType: resourceType,
                resourceName: resourceName,
                configs: configs
            )
        }
        try buffer.checkKafkaMessageConsumed("DescribeConfigsResponse", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DescribeConfigsResponse v\(version) is not supported")
        buffer.writeInteger(throttleTimeMs)
        buffer.writeKafkaMessageArray(results) { result, buffer in
            buffer.writeInteger(result.errorCode.rawValue)
            buffer.writeKafkaNullableString(result.errorMessage)
            buffer.writeInteger(result.resourceType)
            buffer.writeKafkaString(result.resourceName)
            buffer.writeKafkaMessageArray(result.configs) { config, buffer in
                buffer.writeKafkaString(config.name)
                buffer.writeKafkaNullableString(config.value)
                buffer.writeKafkaBoolean(config.readOnly)
                if version == 0 { buffer.writeKafkaBoolean(config.isDefault) }
                if version >= 1 { buffer.writeInteger(config.configSource) }
                buffer.writeKafkaBoolean(config.isSensitive)
                if version >= 1 {
                    buffer.writeKafkaMessageArray(config.synonyms) { synonym, buffer in
                        buffer.writeKafkaString(synonym.name)
                        buffer.writeKafkaNullableString(synonym.value)
                        buffer.writeInteger(synonym.source)
                    }
                }
                if version >= 3 {
                    buffer.writeInteger(config.configType)
                    buffer.writeKafkaNullableString(config.documentation)
                }
            }
        }
    }
}
