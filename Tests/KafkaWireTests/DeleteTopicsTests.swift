import KafkaWire
import NIOCore
import Testing

@Suite("DeleteTopics")
struct DeleteTopicsTests {
    typealias C = MessageCodecChecks

    /// DeleteTopics v1 as the librdkafka 2.0.2 admin client sends it.
    static let librdkafkaV1Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x02]  // TopicNames: 2
        + [0x00, 0x05] + Array("users".utf8)
        + [0x00, 0x06] + Array("orders".utf8)
        + [0x00, 0x00, 0x75, 0x30]  // TimeoutMs 30000

    @Test func decodesLibrdkafkaV1Request() throws {
        let request = try DeleteTopicsRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV1Request), version: 1)
        #expect(request == DeleteTopicsRequest(topicNames: ["users", "orders"], timeoutMs: 30000))
        #expect(C.encoded(request, version: 1) == Self.librdkafkaV1Request)
        C.expectMalformedCasesThrow(DeleteTopicsRequest.self, bytes: Self.librdkafkaV1Request, version: 1)
    }

    /// The v1 answer: "users" deleted, "orders" unknown.
    static let v1Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0 (v1+)
        + [0x00, 0x00, 0x00, 0x02]  // Responses: 2
        + [0x00, 0x05] + Array("users".utf8) + [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x06] + Array("orders".utf8) + [0x00, 0x03]  // ErrorCode 3 UNKNOWN_TOPIC_OR_PARTITION

    @Test func encodesV1Response() throws {
        let response = DeleteTopicsResponse(
            responses: [.init(name: "users"), .init(name: "orders", errorCode: .unknownTopicOrPartition)]
        )
        #expect(C.encoded(response, version: 1) == Self.v1Response)
        #expect(try DeleteTopicsResponse(decoding: ByteBuffer(bytes: Self.v1Response), version: 1) == response)
        #expect(C.encoded(response, version: 0) == Array(Self.v1Response.dropFirst(4)))
        C.expectMalformedCasesThrow(DeleteTopicsResponse.self, bytes: Self.v1Response, version: 1)
    }

    @Test(arguments: DeleteTopicsRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(DeleteTopicsRequest(topicNames: ["a", "", "ü"], timeoutMs: 1), version: version)
    }

    @Test(arguments: DeleteTopicsResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(
            DeleteTopicsResponse(
                throttleTimeMs: version >= 1 ? 8 : 0,
                responses: [.init(name: "a"), .init(name: "b", errorCode: .topicDeletionDisabled)]
            ),
            version: version
        )
    }

    @Test func absurdCountsAndNullsAreRefused() {
        C.expectTruncated(DeleteTopicsRequest.self, bytes: C.int32(0x7FFF_FFFF) + C.int32(0), version: 1)
        // A null TopicNames array is not allowed.
        let null = #expect(throws: KafkaWireError.self) {
            try DeleteTopicsRequest(decoding: ByteBuffer(bytes: C.int32(-1) + C.int32(0)), version: 1)
        }
        #expect(null?.code == .malformed)
    }
}
