import KafkaWire
import NIOCore
import Testing

@Suite("CreateTopics")
struct CreateTopicsTests {
    typealias C = MessageCodecChecks

    /// CreateTopics v4 as the librdkafka 2.0.2 admin client sends it: one topic, 3 partitions, replication factor 1,
    /// no manual assignment, one config, not validate-only.
    static let librdkafkaV4Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00, 0x00, 0x00, 0x03]  // NumPartitions 3
        + [0x00, 0x01]  // ReplicationFactor 1
        + [0x00, 0x00, 0x00, 0x00]  // Assignments: 0
        + [0x00, 0x00, 0x00, 0x01]  // Configs: 1
        + [0x00, 0x0E] + Array("cleanup.policy".utf8)  // Name
        + [0x00, 0x07] + Array("compact".utf8)  // Value
        + [0x00, 0x00, 0xEA, 0x60]  // timeoutMs 60000
        + [0x00]  // validateOnly false (v1+)

    @Test func decodesLibrdkafkaV4Request() throws {
        let request = try CreateTopicsRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV4Request), version: 4)
        #expect(
            request
                == CreateTopicsRequest(
                    topics: [
                        .init(
                            name: "users",
                            numPartitions: 3,
                            replicationFactor: 1,
                            configs: [.init(name: "cleanup.policy", value: "compact")]
                        )
                    ],
                    timeoutMs: 60000,
                    validateOnly: false
                )
        )
        #expect(C.encoded(request, version: 4) == Self.librdkafkaV4Request)
        C.expectMalformedCasesThrow(CreateTopicsRequest.self, bytes: Self.librdkafkaV4Request, version: 4)
    }

    /// The v4 answer: "users" created, "bad" refused with a message.
    static let v4Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0 (v2+)
        + [0x00, 0x00, 0x00, 0x02]  // Topics: 2
        + [0x00, 0x05] + Array("users".utf8) + [0x00, 0x00] + [0xFF, 0xFF]  // Name, ErrorCode 0, ErrorMessage null
        + [0x00, 0x03] + Array("bad".utf8) + [0x00, 0x24]  // Name, ErrorCode 36 TOPIC_ALREADY_EXISTS
        + [0x00, 0x06] + Array("exists".utf8)  // ErrorMessage (v1+)

    @Test func encodesV4Response() throws {
        let response = CreateTopicsResponse(
            topics: [
                .init(name: "users"),
                .init(name: "bad", errorCode: .topicAlreadyExists, errorMessage: "exists"),
            ]
        )
        #expect(C.encoded(response, version: 4) == Self.v4Response)
        #expect(try CreateTopicsResponse(decoding: ByteBuffer(bytes: Self.v4Response), version: 4) == response)
        C.expectMalformedCasesThrow(CreateTopicsResponse.self, bytes: Self.v4Response, version: 4)
    }

    static func request(version: Int16) -> CreateTopicsRequest {
        CreateTopicsRequest(
            topics: [
                .init(
                    name: "manual",
                    numPartitions: -1,
                    replicationFactor: -1,
                    assignments: [
                        .init(partitionIndex: 0, brokerIds: [1, 2]), .init(partitionIndex: 1, brokerIds: []),
                    ],
                    configs: [.init(name: "retention.ms", value: "1000"), .init(name: "x", value: nil)]
                ),
                .init(name: "plain", numPartitions: 1, replicationFactor: 1),
            ],
            timeoutMs: 5000,
            validateOnly: version >= 1
        )
    }

    static func response(version: Int16) -> CreateTopicsResponse {
        CreateTopicsResponse(
            throttleTimeMs: version >= 2 ? 4 : 0,
            topics: [
                .init(name: "manual"),
                .init(
                    name: "plain",
                    errorCode: .invalidReplicationFactor,
                    errorMessage: version >= 1 ? "replication factor too large" : nil
                ),
            ]
        )
    }

    @Test(arguments: CreateTopicsRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: CreateTopicsResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        C.expectTruncated(CreateTopicsRequest.self, bytes: C.int32(100) + [UInt8](repeating: 0, count: 40), version: 4)
        C.expectTruncated(
            CreateTopicsRequest.self,
            bytes: C.int32(1) + C.string("t") + C.int32(1) + C.int16(1) + C.int32(0x0800_0000) + C.int32(0)
                + C.int32(0) + [0x00],
            version: 4
        )
    }
}
