import NIOCore

/// DeleteTopicsResponse (DeleteTopicsResponse.json, apiKey 20, valid 0-6, flexible 4+; this codec: 0-3, never
/// flexible):
///
///     ThrottleTimeMs int32 (v1+)
///     Responses [Name STRING, ErrorCode int16]
public struct DeleteTopicsResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.deleteTopics
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `Responses`.
    public struct DeletableTopicResult: Hashable, Sendable {
        /// The topic name.
        public var name: String
        public var errorCode: KafkaErrorCode

        public init(name: String, errorCode: KafkaErrorCode = .none) {
            self.name = name
            self.errorCode = errorCode
        }
    }

    /// v1+; 0 before.
    public var throttleTimeMs: Int32
    public var responses: [DeletableTopicResult]

    public init(throttleTimeMs: Int32 = 0, responses: [DeletableTopicResult]) {
        self.throttleTimeMs = throttleTimeMs
        self.responses = responses
    }

    /// Decodes a whole response body of `version` (as a client would); the body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "DeleteTopicsResponse", body: body)
        var buffer = body
        self.throttleTimeMs = version >= 1 ? try buffer.readKafkaInteger(as: Int32.self) : 0
        self.responses = try buffer.readKafkaMessageArray(minimumElementSize: 4) { (buffer) throws(KafkaWireError) in
            DeletableTopicResult(
                name: try buffer.readKafkaString(),
                errorCode: KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
            )
        }
        try buffer.checkKafkaMessageConsumed("DeleteTopicsResponse", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "DeleteTopicsResponse v\(version) is not supported")
        if version >= 1 { buffer.writeInteger(throttleTimeMs) }
        buffer.writeKafkaMessageArray(responses) { result, buffer in
            buffer.writeKafkaString(result.name)
            buffer.writeInteger(result.errorCode.rawValue)
        }
    }
}
