import KafkaWire
import NIOCore
import Testing

@Suite("LeaveGroup")
struct LeaveGroupTests {
    /// LeaveGroup v1 as librdkafka 2.0.2 sends it: GroupId, MemberId.
    static let librdkafkaV1Request: [UInt8] = Wire.requestFrame(
        apiKey: 13,
        version: 1,
        correlationId: 20,
        body: Wire.string("users-etl") + Wire.string("rdkafka-a1")
    )

    @Test func decodesLibrdkafkaV1Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV1Request)
        #expect(header.requestApiKey == LeaveGroupRequest.apiKey)
        let request = try LeaveGroupRequest(decoding: body, version: 1)
        #expect(request == LeaveGroupRequest(groupId: "users-etl", memberId: "rdkafka-a1"))
        #expect(request.members.isEmpty)
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 1) } == Self.librdkafkaV1Request
        )
    }

    @Test func v3RequestCarriesMembers() throws {
        let body =
            Wire.string("g") + Wire.int32(2) + Wire.string("m-1") + Wire.nullString + Wire.string("m-2")
            + Wire.string("i-2")
        let request = try LeaveGroupRequest(decoding: ByteBuffer(bytes: body), version: 3)
        #expect(request.memberId == "")
        #expect(request.members == [.init(memberId: "m-1"), .init(memberId: "m-2", groupInstanceId: "i-2")])
    }

    @Test func encodesResponses() {
        #expect(Wire.encoded(LeaveGroupResponse(), version: 1) == [0, 0, 0, 0, 0, 0])
        let v3 = LeaveGroupResponse(members: [.init(memberId: "m-1", errorCode: .unknownMemberId)])
        #expect(
            Wire.encoded(v3, version: 3)
                == Wire.int32(0) + Wire.int16(0) + Wire.int32(1) + Wire.string("m-1") + Wire.nullString + Wire.int16(25)
        )
    }

    static func requestSample(_ version: Int16) -> LeaveGroupRequest {
        version >= 3
            ? LeaveGroupRequest(
                groupId: "users-etl",
                members: [.init(memberId: "m-1", groupInstanceId: "i-1"), .init(memberId: "m-2")]
            )
            : LeaveGroupRequest(groupId: "users-etl", memberId: "m-1")
    }

    static func responseSample(_ version: Int16) -> LeaveGroupResponse {
        LeaveGroupResponse(
            throttleTimeMs: version >= 1 ? 8 : 0,
            errorCode: .notCoordinator,
            members: version >= 3
                ? [
                    .init(memberId: "m-1", groupInstanceId: "i-1", errorCode: .fencedInstanceId),
                    .init(memberId: "m-2"),
                ]
                : []
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
