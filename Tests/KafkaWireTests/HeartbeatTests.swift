import KafkaWire
import NIOCore
import Testing

@Suite("Heartbeat")
struct HeartbeatTests {
    /// Heartbeat v3 as librdkafka 2.0.2 sends it: GroupInstanceId null.
    static let librdkafkaV3Request: [UInt8] = Wire.requestFrame(
        apiKey: 12,
        version: 3,
        correlationId: 11,
        body: Wire.string("users-etl") + Wire.int32(3) + Wire.string("rdkafka-a1") + Wire.nullString
    )

    @Test func decodesLibrdkafkaV3Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV3Request)
        #expect(header.requestApiKey == HeartbeatRequest.apiKey)
        let request = try HeartbeatRequest(decoding: body, version: 3)
        #expect(request == HeartbeatRequest(groupId: "users-etl", generationId: 3, memberId: "rdkafka-a1"))
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 3) } == Self.librdkafkaV3Request
        )
    }

    @Test func encodesResponses() {
        #expect(Wire.encoded(HeartbeatResponse(), version: 3) == [0, 0, 0, 0, 0, 0])
        #expect(Wire.encoded(HeartbeatResponse(errorCode: .rebalanceInProgress), version: 0) == [0x00, 0x1B])
        #expect(
            Wire.encoded(HeartbeatResponse(throttleTimeMs: 2, errorCode: .unknownMemberId), version: 1)
                == [0, 0, 0, 2, 0x00, 0x19]
        )
    }

    static func requestSample(_ version: Int16) -> HeartbeatRequest {
        HeartbeatRequest(
            groupId: "users-etl",
            generationId: 9,
            memberId: "m-1",
            groupInstanceId: version >= 3 ? "i-1" : nil
        )
    }

    static func responseSample(_ version: Int16) -> HeartbeatResponse {
        HeartbeatResponse(throttleTimeMs: version >= 1 ? 5 : 0, errorCode: .illegalGeneration)
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
