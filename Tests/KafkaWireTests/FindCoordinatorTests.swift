import KafkaWire
import NIOCore
import Testing

@Suite("FindCoordinator")
struct FindCoordinatorTests {
    /// FindCoordinator v2 as librdkafka 2.0.2 sends it for group "users-etl": header v1, Key, KeyType 0 (group).
    static let librdkafkaV2Request: [UInt8] = Wire.requestFrame(
        apiKey: 10,
        version: 2,
        correlationId: 3,
        body: Wire.string("users-etl") + [0x00]
    )

    @Test func decodesLibrdkafkaV2Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV2Request)
        #expect(header.requestApiKey == FindCoordinatorRequest.apiKey)
        #expect(header.requestApiVersion == 2)
        let request = try FindCoordinatorRequest(decoding: body, version: 2)
        #expect(request.key == "users-etl")
        #expect(request.keyType == 0)
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 2) } == Self.librdkafkaV2Request
        )
    }

    @Test func v0RequestHasNoKeyType() throws {
        let request = try FindCoordinatorRequest(decoding: ByteBuffer(bytes: Wire.string("g")), version: 0)
        #expect(request == FindCoordinatorRequest(key: "g", keyType: 0))
    }

    @Test func encodesV2Response() {
        let response = FindCoordinatorResponse(nodeId: 1, host: "localhost", port: 9092)
        #expect(
            Wire.encoded(response, version: 2)
                == [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0
                + [0x00, 0x00]  // ErrorCode NONE
                + [0xFF, 0xFF]  // ErrorMessage null
                + [0x00, 0x00, 0x00, 0x01]  // NodeId 1
                + [0x00, 0x09] + Array("localhost".utf8)  // Host
                + [0x00, 0x00, 0x23, 0x84]  // Port 9092
        )
        // v0: ErrorCode, NodeId, Host, Port only.
        #expect(
            Wire.encoded(response, version: 0)
                == [0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09] + Array("localhost".utf8) + [
                    0x00, 0x00, 0x23, 0x84,
                ]
        )
    }

    @Test func encodesAnErrorResponse() {
        let response = FindCoordinatorResponse(
            errorCode: .coordinatorNotAvailable,
            errorMessage: "loading",
            nodeId: -1,
            host: "",
            port: -1
        )
        #expect(
            Wire.encoded(response, version: 1)
                == Wire.int32(0) + Wire.int16(15) + Wire.string("loading") + Wire.int32(-1) + Wire.string("")
                + Wire.int32(-1)
        )
    }

    static func requestSample(_ version: Int16) -> FindCoordinatorRequest {
        FindCoordinatorRequest(key: "users-etl", keyType: version >= 1 ? 1 : 0)
    }

    static func responseSample(_ version: Int16) -> FindCoordinatorResponse {
        FindCoordinatorResponse(
            throttleTimeMs: version >= 1 ? 25 : 0,
            errorCode: .notCoordinator,
            errorMessage: version >= 1 ? "not the coordinator" : nil,
            nodeId: 7,
            host: "broker-7.local",
            port: 19092
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
