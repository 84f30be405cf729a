import KafkaWire
import NIOCore
import Testing

@Suite("Produce")
struct ProduceTests {
    typealias C = MessageCodecChecks

    static let batch = C.recordBatch(baseOffset: 0, count: 3)

    /// Produce v7 as librdkafka 2.0.2 sends it (docs/protocols/kafka-client-needs.md §3): no transactional id, acks -1,
    /// one topic with one partition carrying one uncompressed record batch v2.
    static var librdkafkaV7Request: [UInt8] {
        [0xFF, 0xFF]  // TransactionalId null
            + [0xFF, 0xFF]  // Acks -1
            + [0x00, 0x00, 0x75, 0x30]  // TimeoutMs 30000
            + [0x00, 0x00, 0x00, 0x01]  // TopicData: 1 topic
            + [0x00, 0x05] + Array("users".utf8)  // Name
            + [0x00, 0x00, 0x00, 0x01]  // PartitionData: 1 partition
            + [0x00, 0x00, 0x00, 0x02]  // Index 2
            + C.int32(Int32(batch.readableBytes)) + Array(batch.readableBytesView)  // Records (NULLABLE_BYTES)
    }

    @Test func decodesLibrdkafkaV7Request() throws {
        let request = try ProduceRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV7Request), version: 7)
        #expect(request.transactionalId == nil)
        #expect(request.acks == -1)
        #expect(request.timeoutMs == 30000)
        #expect(request.topicData.count == 1)
        #expect(request.topicData[0].name == "users")
        #expect(request.topicData[0].partitionData.count == 1)
        #expect(request.topicData[0].partitionData[0].index == 2)
        // The records are the builder's batch, byte for byte, and still parse as a batch.
        let records = try #require(request.topicData[0].partitionData[0].records)
        #expect(records == Self.batch)
        #expect(Array(records.readableBytesView) == Array(Self.batch.readableBytesView))
        #expect(C.encoded(request, version: 7) == Self.librdkafkaV7Request)
        C.expectMalformedCasesThrow(ProduceRequest.self, bytes: Self.librdkafkaV7Request, version: 7)
    }

    @Test func transactionalIdAndNullRecords() throws {
        let bytes: [UInt8] =
            C.string("txn-1") + [0x00, 0x01] + C.int32(1000)
            + [0x00, 0x00, 0x00, 0x01] + C.string("t")
            + [0x00, 0x00, 0x00, 0x01] + C.int32(0) + [0xFF, 0xFF, 0xFF, 0xFF]
        let request = try ProduceRequest(decoding: ByteBuffer(bytes: bytes), version: 3)
        #expect(
            request
                == ProduceRequest(
                    transactionalId: "txn-1",
                    acks: 1,
                    timeoutMs: 1000,
                    topicData: [.init(name: "t", partitionData: [.init(index: 0, records: nil)])]
                )
        )
    }

    /// The v7 answer: one partition appended at offset 42, CreateTime (-1), log start 0.
    static let v7Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]  // Responses: 1 topic
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00, 0x00, 0x00, 0x01]  // PartitionResponses: 1
        + [0x00, 0x00, 0x00, 0x02]  // Index 2
        + [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A]  // BaseOffset 42
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // LogAppendTimeMs -1
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]  // LogStartOffset 0 (v5+)
        + [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0

    @Test func encodesV7Response() throws {
        let response = ProduceResponse(
            responses: [
                .init(name: "users", partitionResponses: [.init(index: 2, baseOffset: 42, logStartOffset: 0)])
            ]
        )
        #expect(C.encoded(response, version: 7) == Self.v7Response)
        #expect(try ProduceResponse(decoding: ByteBuffer(bytes: Self.v7Response), version: 7) == response)
        // v3/v4 lack LogStartOffset.
        let v3 = Array(Self.v7Response[0..<(Self.v7Response.count - 12)]) + [0x00, 0x00, 0x00, 0x00]
        var expectedV3 = response
        expectedV3.responses[0].partitionResponses[0].logStartOffset = -1
        #expect(C.encoded(expectedV3, version: 3) == v3)
        #expect(try ProduceResponse(decoding: ByteBuffer(bytes: v3), version: 3) == expectedV3)
        C.expectMalformedCasesThrow(ProduceResponse.self, bytes: Self.v7Response, version: 7)
    }

    static func request(version: Int16) -> ProduceRequest {
        var second = C.recordBatch(baseOffset: 0, count: 1)
        second.writeImmutableBuffer(C.recordBatch(baseOffset: 1, count: 2))
        return ProduceRequest(
            transactionalId: version == 5 ? "tx" : nil,
            acks: 1,
            timeoutMs: 5000,
            topicData: [
                .init(
                    name: "users",
                    partitionData: [.init(index: 0, records: batch), .init(index: 1, records: second)]
                ),
                .init(name: "empty", partitionData: []),
                .init(name: "null-records", partitionData: [.init(index: 7, records: nil)]),
            ]
        )
    }

    static func response(version: Int16) -> ProduceResponse {
        ProduceResponse(
            responses: [
                .init(
                    name: "users",
                    partitionResponses: [
                        .init(
                            index: 0,
                            baseOffset: 100,
                            logAppendTimeMs: 1_700_000_000_000,
                            logStartOffset: version >= 5 ? 3 : -1
                        ),
                        .init(index: 1, errorCode: .notLeaderOrFollower, baseOffset: -1),
                    ]
                ),
                .init(name: "other", partitionResponses: []),
            ],
            throttleTimeMs: 12
        )
    }

    @Test(arguments: ProduceRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: ProduceResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        // 2^30 topics announced with a handful of bytes left.
        C.expectTruncated(
            ProduceRequest.self,
            bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00],
            version: 7
        )
        // A partition count that cannot fit.
        C.expectTruncated(
            ProduceRequest.self,
            bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + C.string("t")
                + [0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x00],
            version: 7
        )
        // A records length larger than what is left.
        C.expectTruncated(
            ProduceRequest.self,
            bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01] + C.string("t")
                + [0x00, 0x00, 0x00, 0x01] + C.int32(0) + C.int32(1000) + [0x00],
            version: 7
        )
        C.expectTruncated(ProduceResponse.self, bytes: [0x10, 0x00, 0x00, 0x00, 0x00, 0x00], version: 7)
    }
}
