import KafkaWire
import NIOCore
import Testing

@Suite("OffsetFetch")
struct OffsetFetchTests {
    /// OffsetFetch v7 as librdkafka 2.0.2 sends it - a FLEXIBLE version: request header v2 (INT16 client id, then an
    /// empty tag section), compact strings and arrays, a tag section after each topic and after the body, and
    /// RequireStable true (isolation.level defaults to read_committed).
    static let librdkafkaV7Request: [UInt8] = Wire.requestFrame(
        apiKey: 9,
        version: 7,
        correlationId: 17,
        flexible: true,
        body: Wire.compactString("users-etl")  // GroupId
            + [0x02]  // Topics: compact array of 1
            + Wire.compactString("users")
            + [0x04] + Wire.int32(0) + Wire.int32(1) + Wire.int32(2)  // PartitionIndexes: compact array of 3
            + [0x00]  // topic tagged fields
            + [0x01]  // RequireStable
            + [0x00]  // tagged fields
    )

    @Test func decodesLibrdkafkaV7Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV7Request)
        #expect(header.requestApiKey == OffsetFetchRequest.apiKey)
        #expect(header.headerVersion == 2)
        let request = try OffsetFetchRequest(decoding: body, version: 7)
        #expect(request.groupId == "users-etl")
        #expect(request.topics == [.init(name: "users", partitionIndexes: [0, 1, 2])])
        #expect(request.requireStable)
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 7) } == Self.librdkafkaV7Request
        )
    }

    @Test func nullTopicsMeanAllTopics() throws {
        // v7: compact null array (0). v2: INT32 -1.
        let v7 = Wire.compactString("g") + [0x00] + [0x00] + [0x00]
        #expect(try OffsetFetchRequest(decoding: ByteBuffer(bytes: v7), version: 7).topics == nil)
        let v2 = Wire.string("g") + Wire.int32(-1)
        #expect(try OffsetFetchRequest(decoding: ByteBuffer(bytes: v2), version: 2).topics == nil)
        #expect(Wire.encoded(OffsetFetchRequest(groupId: "g", topics: nil), version: 2) == v2)
        // Null is not allowed before v2.
        let error = #expect(throws: KafkaWireError.self) {
            try OffsetFetchRequest(decoding: ByteBuffer(bytes: v2), version: 1)
        }
        #expect(error?.code == .malformed)
    }

    @Test func unknownTaggedFieldsAreSkipped() throws {
        // Topic tag section with tag 5 (2 bytes), body tag section with tag 0 (1 byte).
        let body =
            Wire.compactString("g") + [0x02] + Wire.compactString("t") + [0x01] + [0x01, 0x05, 0x02, 0xAA, 0xBB]
            + [0x01, 0x00, 0x01, 0xCC]
        let request = try OffsetFetchRequest(decoding: ByteBuffer(bytes: body), version: 6)
        #expect(request == OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [])]))
    }

    /// The v7 answer: partition 0 committed at 42, partition 1 without a committed offset.
    @Test func encodesV7Response() throws {
        let response = OffsetFetchResponse(
            topics: [
                .init(
                    name: "users",
                    partitions: [
                        .init(partitionIndex: 0, committedOffset: 42, metadata: ""),
                        .init(partitionIndex: 1, committedOffset: -1, metadata: nil),
                    ]
                )
            ]
        )
        let expected: [UInt8] =
            Wire.int32(0)  // ThrottleTimeMs
            + [0x02]  // Topics: compact array of 1
            + Wire.compactString("users")
            + [0x03]  // Partitions: compact array of 2
            + Wire.int32(0) + Wire.int64(42) + Wire.int32(-1) + [0x01] + Wire.int16(0) + [0x00]
            + Wire.int32(1) + Wire.int64(-1) + Wire.int32(-1) + [0x00] + Wire.int16(0) + [0x00]
            + [0x00]  // topic tagged fields
            + Wire.int16(0)  // ErrorCode
            + [0x00]  // tagged fields
        #expect(Wire.encoded(response, version: 7) == expected)
        #expect(try OffsetFetchResponse(decoding: ByteBuffer(bytes: expected), version: 7) == response)
    }

    @Test func encodesV1Response() {
        let response = OffsetFetchResponse(
            topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 9, metadata: "x")])],
            errorCode: .none
        )
        #expect(
            Wire.encoded(response, version: 1)
                == Wire.int32(1) + Wire.string("t") + Wire.int32(1) + Wire.int32(0) + Wire.int64(9) + Wire.string("x")
                + Wire.int16(0)
        )
    }

    static func requestSample(_ version: Int16) -> OffsetFetchRequest {
        OffsetFetchRequest(
            groupId: "users-etl",
            topics: [.init(name: "users", partitionIndexes: [0, 1, 2]), .init(name: "audit", partitionIndexes: [])],
            requireStable: version >= 7
        )
    }

    /// The "all topics" request, from v2.
    static func allTopicsSample(_ version: Int16) -> OffsetFetchRequest {
        OffsetFetchRequest(groupId: "users-etl", topics: version >= 2 ? nil : [])
    }

    static func responseSample(_ version: Int16) -> OffsetFetchResponse {
        OffsetFetchResponse(
            throttleTimeMs: version >= 3 ? 11 : 0,
            topics: [
                .init(
                    name: "users",
                    partitions: [
                        .init(
                            partitionIndex: 0,
                            committedOffset: 42,
                            committedLeaderEpoch: version >= 5 ? 2 : -1,
                            metadata: "meta",
                            errorCode: .none
                        ),
                        .init(partitionIndex: 1, committedOffset: -1, metadata: nil, errorCode: .unstableOffsetCommit),
                    ]
                )
            ],
            errorCode: version >= 2 ? .coordinatorLoadInProgress : .none
        )
    }

    static let cases =
        GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(allTopicsSample)
        + GroupMessageCase.cases(responseSample)
}
