import KafkaWire
import NIOCore
import Testing

@Suite("ListOffsets")
struct ListOffsetsTests {
    typealias C = MessageCodecChecks

    /// ListOffsets v2 as librdkafka 2.0.2 sends it for auto.offset.reset=earliest: consumer, read_committed,
    /// Timestamp -2 (earliest).
    static let librdkafkaV2Request: [UInt8] =
        [0xFF, 0xFF, 0xFF, 0xFF]  // ReplicaId -1
        + [0x01]  // IsolationLevel READ_COMMITTED (v2+)
        + [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00, 0x00, 0x00, 0x01]  // Partitions: 1
        + [0x00, 0x00, 0x00, 0x03]  // PartitionIndex 3
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]  // Timestamp -2

    @Test func decodesLibrdkafkaV2Request() throws {
        let request = try ListOffsetsRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV2Request), version: 2)
        #expect(
            request
                == ListOffsetsRequest(
                    replicaId: -1,
                    isolationLevel: 1,
                    topics: [.init(name: "users", partitions: [.init(partitionIndex: 3, timestamp: -2)])]
                )
        )
        #expect(C.encoded(request, version: 2) == Self.librdkafkaV2Request)
        C.expectMalformedCasesThrow(ListOffsetsRequest.self, bytes: Self.librdkafkaV2Request, version: 2)
    }

    /// The v2 answer: offset 0 for the earliest, no timestamp.
    static let v2Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0 (v2+)
        + [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00, 0x00, 0x00, 0x01]  // Partitions: 1
        + [0x00, 0x00, 0x00, 0x03]  // PartitionIndex 3
        + [0x00, 0x00]  // ErrorCode 0
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // Timestamp -1
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]  // Offset 0

    @Test func encodesV2Response() throws {
        let response = ListOffsetsResponse(
            topics: [.init(name: "users", partitions: [.init(partitionIndex: 3, timestamp: -1, offset: 0)])]
        )
        #expect(C.encoded(response, version: 2) == Self.v2Response)
        #expect(try ListOffsetsResponse(decoding: ByteBuffer(bytes: Self.v2Response), version: 2) == response)
        C.expectMalformedCasesThrow(ListOffsetsResponse.self, bytes: Self.v2Response, version: 2)
    }

    /// v0: MaxNumOffsets in the request, OldStyleOffsets in the response.
    @Test func v0OldStyleOffsets() throws {
        let requestBytes: [UInt8] =
            C.int32(-1) + C.int32(1) + C.string("t") + C.int32(1) + C.int32(0) + C.int64(-1) + C.int32(1)
        let request = try ListOffsetsRequest(decoding: ByteBuffer(bytes: requestBytes), version: 0)
        #expect(request.topics[0].partitions[0] == .init(partitionIndex: 0, timestamp: -1, maxNumOffsets: 1))

        let responseBytes: [UInt8] =
            C.int32(1) + C.string("t") + C.int32(1) + C.int32(0) + C.int16(0) + C.int32(1) + C.int64(42)
        let response = try ListOffsetsResponse(decoding: ByteBuffer(bytes: responseBytes), version: 0)
        #expect(response.topics[0].partitions[0] == .init(partitionIndex: 0, oldStyleOffsets: [42]))
        #expect(C.encoded(response, version: 0) == responseBytes)
    }

    static func request(version: Int16) -> ListOffsetsRequest {
        ListOffsetsRequest(
            replicaId: -1,
            isolationLevel: version >= 2 ? 1 : 0,
            topics: [
                .init(
                    name: "users",
                    partitions: [
                        .init(
                            partitionIndex: 0,
                            currentLeaderEpoch: version >= 4 ? 5 : -1,
                            timestamp: -1,
                            maxNumOffsets: version == 0 ? 10 : 1
                        ),
                        .init(partitionIndex: 1, timestamp: 1_700_000_000_000),
                    ]
                ),
                .init(name: "empty", partitions: []),
            ]
        )
    }

    static func response(version: Int16) -> ListOffsetsResponse {
        let partitions: [ListOffsetsResponse.ListOffsetsPartitionResponse] =
            version == 0
            ? [
                .init(partitionIndex: 0, oldStyleOffsets: [12, 0]),
                .init(partitionIndex: 1, errorCode: .unknownTopicOrPartition, oldStyleOffsets: []),
            ]
            : [
                .init(partitionIndex: 0, timestamp: 99, offset: 12, leaderEpoch: version >= 4 ? 4 : -1),
                .init(partitionIndex: 1, errorCode: .unknownTopicOrPartition),
            ]
        return ListOffsetsResponse(
            throttleTimeMs: version >= 2 ? 7 : 0,
            topics: [.init(name: "users", partitions: partitions), .init(name: "empty", partitions: [])]
        )
    }

    @Test(arguments: ListOffsetsRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: ListOffsetsResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        C.expectTruncated(ListOffsetsRequest.self, bytes: C.int32(-1) + [0x00] + C.int32(0x7FFF_FFFF), version: 2)
        C.expectTruncated(
            ListOffsetsResponse.self,
            bytes: C.int32(1) + C.string("t") + C.int32(1) + C.int32(0) + C.int16(0) + C.int32(1000) + C.int64(1),
            version: 0
        )
    }
}
