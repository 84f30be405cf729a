import KafkaWire
import NIOCore
import Testing

@Suite("ListGroups")
struct ListGroupsTests {
    /// ListGroups v2 as librdkafka 2.0.2's admin API sends it to a broker advertising 0-2: an empty body.
    static let librdkafkaV2Request: [UInt8] = Wire.requestFrame(apiKey: 16, version: 2, correlationId: 41, body: [])

    @Test func decodesLibrdkafkaV2Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV2Request)
        #expect(header.requestApiKey == ListGroupsRequest.apiKey)
        #expect(header.requestApiVersion == 2)
        #expect(try ListGroupsRequest(decoding: body, version: 2) == ListGroupsRequest())
        #expect(
            Wire.encodeRequest(header: header) { ListGroupsRequest().encode(into: &$0, version: 2) }
                == Self.librdkafkaV2Request
        )
    }

    @Test func encodesV2Response() {
        let response = ListGroupsResponse(
            groups: [.init(groupId: "users-etl", protocolType: "consumer"), .init(groupId: "raw", protocolType: "")]
        )
        #expect(
            Wire.encoded(response, version: 2)
                == Wire.int32(0) + Wire.int16(0) + Wire.int32(2) + Wire.string("users-etl") + Wire.string("consumer")
                + Wire.string("raw") + Wire.string("")
        )
        #expect(Array(Wire.encoded(response, version: 0)) == Array(Wire.encoded(response, version: 2).dropFirst(4)))
    }

    static func requestSample(_ version: Int16) -> ListGroupsRequest { ListGroupsRequest() }

    static func responseSample(_ version: Int16) -> ListGroupsResponse {
        ListGroupsResponse(
            throttleTimeMs: version >= 1 ? 1 : 0,
            errorCode: .coordinatorLoadInProgress,
            groups: [.init(groupId: "users-etl", protocolType: "consumer")]
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
