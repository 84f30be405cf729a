import KafkaWire
import NIOCore
import Testing

@Suite("SyncGroup")
struct SyncGroupTests {
    /// A ConsumerProtocolAssignment: Version 0, "users" partitions 0 and 1, UserData null.
    static let assignment: [UInt8] =
        Wire.int16(0) + Wire.int32(1) + Wire.string("users") + Wire.int32(2) + Wire.int32(0) + Wire.int32(1)
        + Wire.int32(-1)

    /// SyncGroup v3 from the group leader under librdkafka 2.0.2: GroupInstanceId null and one assignment per member.
    static let librdkafkaV3Request: [UInt8] = Wire.requestFrame(
        apiKey: 14,
        version: 3,
        correlationId: 8,
        body: Wire.string("users-etl")  // GroupId
            + Wire.int32(1)  // GenerationId
            + Wire.string("rdkafka-a1")  // MemberId
            + Wire.nullString  // GroupInstanceId
            + Wire.int32(2)  // Assignments
            + Wire.string("rdkafka-a1") + Wire.bytes(assignment)
            + Wire.string("rdkafka-b2") + Wire.bytes([])
    )

    @Test func decodesLibrdkafkaV3Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV3Request)
        #expect(header.requestApiKey == SyncGroupRequest.apiKey)
        let request = try SyncGroupRequest(decoding: body, version: 3)
        #expect(request.groupId == "users-etl")
        #expect(request.generationId == 1)
        #expect(request.memberId == "rdkafka-a1")
        #expect(request.groupInstanceId == nil)
        #expect(request.assignments.map(\.memberId) == ["rdkafka-a1", "rdkafka-b2"])
        #expect(Array(request.assignments[0].assignment.readableBytesView) == Self.assignment)
        #expect(request.assignments[1].assignment.readableBytes == 0)
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 3) } == Self.librdkafkaV3Request
        )
    }

    @Test func encodesV3Response() {
        let response = SyncGroupResponse(assignment: ByteBuffer(bytes: Self.assignment))
        #expect(Wire.encoded(response, version: 3) == Wire.int32(0) + Wire.int16(0) + Wire.bytes(Self.assignment))
        #expect(Wire.encoded(response, version: 0) == Wire.int16(0) + Wire.bytes(Self.assignment))
    }

    static func requestSample(_ version: Int16) -> SyncGroupRequest {
        SyncGroupRequest(
            groupId: "users-etl",
            generationId: 4,
            memberId: "m-1",
            groupInstanceId: version >= 3 ? "i-1" : nil,
            assignments: [
                .init(memberId: "m-1", assignment: ByteBuffer(bytes: assignment)),
                .init(memberId: "m-2", assignment: ByteBuffer()),
            ]
        )
    }

    static func responseSample(_ version: Int16) -> SyncGroupResponse {
        SyncGroupResponse(
            throttleTimeMs: version >= 1 ? 3 : 0,
            errorCode: .rebalanceInProgress,
            assignment: ByteBuffer(bytes: assignment)
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
