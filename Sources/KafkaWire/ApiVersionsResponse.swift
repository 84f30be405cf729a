import NIOCore

/// ApiVersionsResponse (ApiVersionsResponse.json, apiKey 18, flexible 3+):
///
///     ErrorCode int16
///     ApiKeys [ApiKey int16, MinVersion int16, MaxVersion int16 (+ tagged fields v3+)]  (COMPACT_ARRAY v3+)
///     ThrottleTimeMs int32 (v1+)
///     tagged fields (v3+; SupportedFeatures, FinalizedFeatures… are optional and never written here)
///
/// Always sent with response header v0 (KIP-511), whatever the version.
public struct ApiVersionsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.apiVersions
    /// The versions this codec encodes (v4 is not offered).
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `ApiKeys`.
    public struct ApiVersion: Hashable, Sendable {
        public var apiKey: KafkaApiKey
        public var minVersion: Int16
        public var maxVersion: Int16

        public init(apiKey: KafkaApiKey, minVersion: Int16, maxVersion: Int16) {
            self.apiKey = apiKey
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }
    }

    public var errorCode: KafkaErrorCode
    public var apiKeys: [ApiVersion]
    /// v1+.
    public var throttleTimeMs: Int32

    public init(errorCode: KafkaErrorCode = .none, apiKeys: [ApiVersion], throttleTimeMs: Int32 = 0) {
        self.errorCode = errorCode
        self.apiKeys = apiKeys
        self.throttleTimeMs = throttleTimeMs
    }

    /// Builds the answer to an ApiVersionsRequest of `requestVersion` from a table of supported version ranges,
    /// with the ApiKeys sorted by key.
    ///
    /// When the request version is one this broker answers (the table's ApiVersions range, or
    /// ``supportedVersions`` if absent, intersected with ``supportedVersions``), the response has ErrorCode NONE
    /// and is to be encoded in the request's version. Otherwise, as Kafka does (docs/protocols/kafka-record-format.md
    /// §5), it carries UNSUPPORTED_VERSION (35) with ApiKeys still filled and is to be encoded as **v0**, so a client
    /// can read it whatever version it asked for and retry with a version from the array.
    ///
    /// - Returns: the response and the version to encode it in.
    public static func answering(
        requestVersion: Int16,
        supportedVersions table: [KafkaApiKey: ClosedRange<Int16>],
        throttleTimeMs: Int32 = 0
    ) -> (response: ApiVersionsResponse, version: Int16) {
        let apiKeys = table.sorted { $0.key < $1.key }.map {
            ApiVersion(apiKey: $0.key, minVersion: $0.value.lowerBound, maxVersion: $0.value.upperBound)
        }
        let advertised = table[.apiVersions] ?? Self.supportedVersions
        if advertised.contains(requestVersion) && Self.supportedVersions.contains(requestVersion) {
            return (
                ApiVersionsResponse(errorCode: .none, apiKeys: apiKeys, throttleTimeMs: throttleTimeMs), requestVersion
            )
        }
        return (ApiVersionsResponse(errorCode: .unsupportedVersion, apiKeys: apiKeys, throttleTimeMs: 0), 0)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ApiVersionsResponse v\(version) is not supported")
        let flexible = version >= 3
        buffer.writeInteger(errorCode.rawValue)
        if flexible {
            buffer.writeKafkaCompactArrayCount(apiKeys.count)
        } else {
            buffer.writeKafkaArrayCount(apiKeys.count)
        }
        for entry in apiKeys {
            buffer.writeInteger(entry.apiKey.rawValue)
            buffer.writeInteger(entry.minVersion)
            buffer.writeInteger(entry.maxVersion)
            if flexible { buffer.writeKafkaEmptyTaggedFields() }
        }
        if version >= 1 {
            buffer.writeInteger(throttleTimeMs)
        }
        if flexible {
            buffer.writeKafkaEmptyTaggedFields()
        }
    }

    /// Decodes a whole response body of `version` (0-3, as a client would); tagged fields are skipped and the body
    /// must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "ApiVersionsResponse v\(version) is not supported", bytes: body)
        }
        let flexible = version >= 3
        var buffer = body
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        // Each entry takes 6 bytes, 7 with its tag section.
        let entrySize = flexible ? 7 : 6
        let count =
            flexible
            ? try buffer.readKafkaCompactArrayCount(minimumElementSize: entrySize)
            : try buffer.readKafkaArrayCount(minimumElementSize: entrySize)
        var apiKeys: [ApiVersion] = []
        apiKeys.reserveCapacity(count ?? 0)
        for _ in 0..<(count ?? 0) {
            let key = KafkaApiKey(try buffer.readKafkaInteger(as: Int16.self))
            let minVersion = try buffer.readKafkaInteger(as: Int16.self)
            let maxVersion = try buffer.readKafkaInteger(as: Int16.self)
            if flexible { try buffer.skipKafkaTaggedFields() }
            apiKeys.append(ApiVersion(apiKey: key, minVersion: minVersion, maxVersion: maxVersion))
        }
        self.apiKeys = apiKeys
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        if flexible { try buffer.skipKafkaTaggedFields() }
        guard buffer.readableBytes == 0 else {
            throw KafkaWireError(
                .malformed,
                "\(buffer.readableBytes) bytes left after ApiVersionsResponse v\(version)",
                bytes: buffer
            )
        }
    }
}
