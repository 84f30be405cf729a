import KafkaWire
import NIOCore
import Testing

@Suite("DescribeGroups")
struct DescribeGroupsTests {
    /// DescribeGroups v4 as librdkafka 2.0.2's admin API sends it: one group, IncludeAuthorizedOperations false.
    static let librdkafkaV4Request: [UInt8] = Wire.requestFrame(
        apiKey: 15,
        version: 4,
        correlationId: 40,
        body: Wire.int32(1) + Wire.string("users-etl") + [0x00]
    )

    @Test func decodesLibrdkafkaV4Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV4Request)
        #expect(header.requestApiKey == DescribeGroupsRequest.apiKey)
        let request = try DescribeGroupsRequest(decoding: body, version: 4)
        #expect(request.groups == ["users-etl"])
        #expect(!request.includeAuthorizedOperations)
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 4) } == Self.librdkafkaV4Request
        )
    }

    @Test func encodesV4Response() {
        let response = DescribeGroupsResponse(
            groups: [
                .init(
                    groupId: "users-etl",
                    groupState: "Stable",
                    protocolType: "consumer",
                    protocolData: "range",
                    members: [
                        .init(
                            memberId: "m-1",
                            clientId: "rdkafka",
                            clientHost: "/10.0.0.5",
                            memberMetadata: ByteBuffer(bytes: [0xA1]),
                            memberAssignment: ByteBuffer(bytes: [0xB1])
                        )
                    ]
                )
            ]
        )
        #expect(
            Wire.encoded(response, version: 4)
                == Wire.int32(0)  // ThrottleTimeMs
                + Wire.int32(1)  // Groups
                + Wire.int16(0) + Wire.string("users-etl") + Wire.string("Stable") + Wire.string("consumer")
                + Wire.string("range")
                + Wire.int32(1)  // Members
                + Wire.string("m-1") + Wire.nullString + Wire.string("rdkafka") + Wire.string("/10.0.0.5")
                + Wire.bytes([0xA1]) + Wire.bytes([0xB1])
                + Wire.int32(.min)  // AuthorizedOperations: not requested
        )
    }

    static func requestSample(_ version: Int16) -> DescribeGroupsRequest {
        DescribeGroupsRequest(groups: ["users-etl", "audit"], includeAuthorizedOperations: version >= 3)
    }

    static func responseSample(_ version: Int16) -> DescribeGroupsResponse {
        DescribeGroupsResponse(
            throttleTimeMs: version >= 1 ? 6 : 0,
            groups: [
                .init(
                    groupId: "users-etl",
                    groupState: "Stable",
                    protocolType: "consumer",
                    protocolData: "roundrobin",
                    members: [
                        .init(
                            memberId: "m-1",
                            groupInstanceId: version >= 4 ? "i-1" : nil,
                            clientId: "rdkafka",
                            clientHost: "/127.0.0.1",
                            memberMetadata: ByteBuffer(bytes: JoinGroupTests.subscription),
                            memberAssignment: ByteBuffer(bytes: SyncGroupTests.assignment)
                        ),
                        .init(
                            memberId: "m-2",
                            clientId: "kafka-python",
                            clientHost: "/127.0.0.2",
                            memberMetadata: ByteBuffer(),
                            memberAssignment: ByteBuffer()
                        ),
                    ],
                    authorizedOperations: version >= 3 ? 0b1_0000_1000 : .min
                ),
                .init(
                    errorCode: .groupIdNotFound,
                    groupId: "gone",
                    groupState: "Dead",
                    protocolType: "",
                    protocolData: "",
                    members: []
                ),
            ]
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
