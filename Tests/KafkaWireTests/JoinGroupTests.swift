import KafkaWire
import NIOCore
import Testing

@Suite("JoinGroup")
struct JoinGroupTests {
    /// The ConsumerProtocolSubscription librdkafka 2.0.2 writes as member metadata
    /// (docs/protocols/kafka-client-needs.md §4): Version 1, Topics ["users"], UserData empty (not null),
    /// OwnedPartitions empty.
    static let subscription: [UInt8] =
        Wire.int16(1)  // Version
        + Wire.int32(1) + Wire.string("users")  // Topics
        + Wire.bytes([])  // UserData, empty
        + Wire.int32(0)  // OwnedPartitions, none

    /// JoinGroup v5 as librdkafka 2.0.2 sends it on its first join: empty MemberId, GroupInstanceId null,
    /// ProtocolType "consumer", protocols "range" then "roundrobin" (partition.assignment.strategy's default order).
    static let librdkafkaV5Request: [UInt8] = Wire.requestFrame(
        apiKey: 11,
        version: 5,
        correlationId: 5,
        body: Wire.string("users-etl")  // GroupId
            + Wire.int32(45_000)  // SessionTimeoutMs (session.timeout.ms)
            + Wire.int32(300_000)  // RebalanceTimeoutMs (max.poll.interval.ms)
            + Wire.string("")  // MemberId
            + Wire.nullString  // GroupInstanceId
            + Wire.string("consumer")  // ProtocolType
            + Wire.int32(2)  // Protocols
            + Wire.string("range") + Wire.bytes(subscription)
            + Wire.string("roundrobin") + Wire.bytes(subscription)
    )

    @Test func decodesLibrdkafkaV5Request() throws {
        let (header, body) = try Wire.decodeRequest(Self.librdkafkaV5Request)
        #expect(header.requestApiKey == JoinGroupRequest.apiKey)
        #expect(header.requestApiVersion == 5)
        let request = try JoinGroupRequest(decoding: body, version: 5)
        #expect(request.groupId == "users-etl")
        #expect(request.sessionTimeoutMs == 45_000)
        #expect(request.rebalanceTimeoutMs == 300_000)
        #expect(request.memberId == "")
        #expect(request.groupInstanceId == nil)
        #expect(request.protocolType == "consumer")
        #expect(request.protocols.map(\.name) == ["range", "roundrobin"])
        #expect(request.protocols.allSatisfy { Array($0.metadata.readableBytesView) == Self.subscription })
        #expect(
            Wire.encodeRequest(header: header) { request.encode(into: &$0, version: 5) } == Self.librdkafkaV5Request
        )
    }

    @Test func v0RequestDefaultsRebalanceTimeout() throws {
        let body =
            Wire.string("g") + Wire.int32(10_000) + Wire.string("m") + Wire.string("consumer") + Wire.int32(0)
        let request = try JoinGroupRequest(decoding: ByteBuffer(bytes: body), version: 0)
        #expect(request.rebalanceTimeoutMs == -1)
        #expect(request.groupInstanceId == nil)
        #expect(request.protocols.isEmpty)
    }

    /// The answer to the group leader: generation 1, protocol "range", both members with their metadata.
    @Test func encodesV5LeaderResponse() {
        let response = JoinGroupResponse(
            generationId: 1,
            protocolName: "range",
            leader: "m-1",
            memberId: "m-1",
            members: [
                .init(memberId: "m-1", metadata: ByteBuffer(bytes: [0xA1])),
                .init(memberId: "m-2", groupInstanceId: "static-2", metadata: ByteBuffer(bytes: [0xB1, 0xB2])),
            ]
        )
        #expect(
            Wire.encoded(response, version: 5)
                == Wire.int32(0)  // ThrottleTimeMs
                + Wire.int16(0)  // ErrorCode
                + Wire.int32(1)  // GenerationId
                + Wire.string("range")  // ProtocolName
                + Wire.string("m-1")  // Leader
                + Wire.string("m-1")  // MemberId
                + Wire.int32(2)  // Members
                + Wire.string("m-1") + Wire.nullString + Wire.bytes([0xA1])
                + Wire.string("m-2") + Wire.string("static-2") + Wire.bytes([0xB1, 0xB2])
        )
    }

    /// MEMBER_ID_REQUIRED (79) with the generated member id, as a real broker answers a first v4+ join.
    @Test func encodesMemberIdRequired() {
        let response = JoinGroupResponse(errorCode: .memberIdRequired, protocolName: "", leader: "", memberId: "m-9")
        #expect(
            Wire.encoded(response, version: 5)
                == Wire.int32(0) + Wire.int16(79) + Wire.int32(-1) + Wire.string("") + Wire.string("")
                + Wire.string("m-9") + Wire.int32(0)
        )
    }

    static func requestSample(_ version: Int16) -> JoinGroupRequest {
        JoinGroupRequest(
            groupId: "users-etl",
            sessionTimeoutMs: 30_000,
            rebalanceTimeoutMs: version >= 1 ? 60_000 : -1,
            memberId: "rdkafka-1b2c",
            groupInstanceId: version >= 5 ? "instance-1" : nil,
            protocolType: "consumer",
            protocols: [
                .init(name: "range", metadata: ByteBuffer(bytes: subscription)),
                .init(name: "roundrobin", metadata: ByteBuffer()),
            ]
        )
    }

    static func responseSample(_ version: Int16) -> JoinGroupResponse {
        JoinGroupResponse(
            throttleTimeMs: version >= 2 ? 100 : 0,
            errorCode: .none,
            generationId: 12,
            protocolName: "roundrobin",
            leader: "m-1",
            memberId: "m-2",
            members: [
                .init(memberId: "m-1", groupInstanceId: version >= 5 ? "i-1" : nil, metadata: ByteBuffer(bytes: [1])),
                .init(memberId: "m-2", groupInstanceId: nil, metadata: ByteBuffer()),
            ]
        )
    }

    static let cases = GroupMessageCase.cases(requestSample) + GroupMessageCase.cases(responseSample)
}
