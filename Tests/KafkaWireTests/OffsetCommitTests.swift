import KafkaWire
import NIOCore
import Testing

@Suite("OffsetCommit")
struct OffsetCommitTests {
    /// OffsetCommit v7 as librdkafka 2.0.2 sends it: generation and member of the group, GroupInstanceId null, no
    /// RetentionTimeMs (v5+), CommittedLeaderEpoch -1 (2.0.x does not track leader epochs), no metadata.
    static let librdkafkaV7Request: [UInt8] = Wire.requestFrame(
        apiKey: 8,
        version: 7,
        correlationId: 31,
        body: Wire.string("users-etl")  // GroupId
            + Wire.int32(2)  // GenerationIdOrMemberEpoch
            + Wire.string("rdkafka-a1")  // MemberId
            + Wire.nullString  // GroupInstanceId
            + Wire.int32(1)  // Topics
            + Wire.string("users")
            + Wire.int32(2)  // Partitions
            + Wire.int32(0) + Wire.int64(42) + Wire.int32(-1) + Wire.nullString
            + Wire.int32(1) + Wire.int64(17) + Wire.int32(-1) + Wire.nullString
    )

    @Test func decodesLibrdkafkaV7Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV7Request)
        #expect(header.requestApiKey == OffsetCommitRequest.apiKey)
        let request = try OffsetCommitRequest(decoding: body, version: 7)
        #expect(request.groupId == "users-etl")
        #expect(request.generationIdOrMemberEpoch == 2)
        #expect(request.memberId == "rdkafka-a1")
        #expect(request.groupInstanceId == nil)
        #expect(request.retentionTimeMs == -1)
        #expect(request.topics.map(\.name) == ["users"])
        #expect(
            request.topics[0].partitions == [
                .init(partitionIndex: 0, committedOffset: 42),
                .init(partitionIndex: 1, committedOffset: 17),
            ]
        )
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 7) } == Self.librdkafkaV7Request
        )
    }

    /// v1 is the only version with a per-partition CommitTimestamp; v2-4 have RetentionTimeMs instead.
    @Test func versionSpecificFields() throws {
        let v1 =
            Wire.string("g") + Wire.int32(1) + Wire.string("m") + Wire.int32(1) + Wire.string("t") + Wire.int32(1)
            + Wire.int32(0) + Wire.int64(5) + Wire.int64(1_700_000_000_000) + Wire.string("meta")
        let request1 = try OffsetCommitRequest(decoding: ByteBuffer(bytes: v1), version: 1)
        #expect(request1.topics[0].partitions[0].commitTimestamp == 1_700_000_000_000)
        #expect(request1.topics[0].partitions[0].committedMetadata == "meta")
        #expect(request1.retentionTimeMs == -1)

        let v2 =
            Wire.string("g") + Wire.int32(1) + Wire.string("m") + Wire.int64(86_400_000) + Wire.int32(1)
            + Wire.string("t") + Wire.int32(1) + Wire.int32(0) + Wire.int64(5) + Wire.nullString
        let request2 = try OffsetCommitRequest(decoding: ByteBuffer(bytes: v2), version: 2)
        #expect(request2.retentionTimeMs == 86_400_000)
        #expect(request2.topics[0].partitions[0].commitTimestamp == -1)
        #expect(request2.topics[0].partitions[0].committedMetadata == nil)

        let v0 = Wire.string("g") + Wire.int32(0)
        let request0 = try OffsetCommitRequest(decoding: ByteBuffer(bytes: v0), version: 0)
        #expect(request0 == OffsetCommitRequest(groupId: "g", generationIdOrMemberEpoch: -1, memberId: "", topics: []))
    }

    @Test func encodesV7Response() {
        let response = OffsetCommitResponse(
            topics: [.init(name: "users", partitions: [.init(partitionIndex: 0), .init(partitionIndex: 1)])]
        )
        #expect(
            Wire.encoded(response, version: 7)
                == Wire.int32(0)  // ThrottleTimeMs
                + Wire.int32(1) + Wire.string("users")
                + Wire.int32(2) + Wire.int32(0) + Wire.int16(0) + Wire.int32(1) + Wire.int16(0)
        )
        #expect(Array(Wire.encoded(response, version: 2)) == Array(Wire.encoded(response, version: 7).dropFirst(4)))
    }

    static func requestSample(_ version: Int16) -> OffsetCommitRequest {
        OffsetCommitRequest(
            groupId: "users-etl",
            generationIdOrMemberEpoch: version >= 1 ? 6 : -1,
            memberId: version >= 1 ? "m-1" : "",
            groupInstanceId: version >= 7 ? "i-1" : nil,
            retentionTimeMs: (2...4).contains(version) ? 604_800_000 : -1,
            topics: [
                .init(
                    name: "users",
                    partitions: [
                        .init(
                            partitionIndex: 0,
                            committedOffset: 1_000,
                            committedLeaderEpoch: version >= 6 ? 3 : -1,
                            commitTimestamp: version == 1 ? 1_700_000_000_000 : -1,
                            committedMetadata: "m"
                        ),
                        .init(partitionIndex: 2, committedOffset: 0, committedMetadata: nil),
                    ]
                ),
                .init(name: "empty", partitions: []),
            ]
        )
    }

    static func responseSample(_ version: Int16) -> OffsetCommitResponse {
        OffsetCommitResponse(
            throttleTimeMs: version >= 3 ? 4 : 0,
            topics: [
                .init(
                    name: "users",
                    partitions: [.init(partitionIndex: 0), .init(partitionIndex: 2, errorCode: .illegalGeneration)]
                )
            ]
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
