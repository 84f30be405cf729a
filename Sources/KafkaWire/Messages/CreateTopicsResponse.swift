import NIOCore

/// CreateTopicsResponse (CreateTopicsResponse.json, apiKey 19, valid 0-7, flexible 5+; this codec: 0-4, never
/// flexible):
///
///     ThrottleTimeMs int32 (v2+)
///     Topics [Name STRING, ErrorCode int16, ErrorMessage NULLABLE_STRING (v1+)]
public struct CreateTopicsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.createTopics
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// One entry of `Topics`.
    public struct CreatableTopicResult: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var errorCode: KafkaErrorCode
        /// v1+; `nil` when there is no error or before v1.
        public var errorMessage: String?

        public init(name: String, errorCode: KafkaErrorCode = .none, errorMessage: String? = nil) {
            self.name = name
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }
    }

    /// v2+; 0 before.
    public var throttleTimeMs: Int32
    public var topics: [CreatableTopicResult]

    public init(throttleTimeMs: Int32 = 0, topics: [CreatableTopicResult]) {
        self.throttleTimeMs = throttleTimeMs
        self.topics = topics
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "CreateTopicsResponse", body: body)
        var buffer = body
        self.throttleTimeMs = version >= 2 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        let resultSize = version >= 1 ? 6 : 4
        self.topics = try buffer.readKafkaMessageArray(minimumElementSize: resultSize) {
            (buffer) throws(KafkaWireError) in
            CreatableTopicResult(
                name: try buffer.readKafkaString(),
                errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self)),
                errorMessage: version >= 1 ? try buffer.readKafkaNullableString() : nil
            )
        }
        try buffer.checkKafkaMessageConsumed("CreateTopicsResponse", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "CreateTopicsResponse v\(version) is not supported")
        if version >= 2 { buffer.writeInteger(throttleTimeMs) }
        buffer.writeKafkaMessageArray(topics) { topic, buffer in
            buffer.writeKafkaString(topic.name)
            buffer.writeInteger(topic.errorCode.rawValue)
            if version >= 1 { buffer.writeKafkaNullableString(topic.errorMessage) }
        }
    }
}
