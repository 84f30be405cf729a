import KafkaWire
import NIOCore
import Testing

@Suite("Metadata")
struct MetadataTests {
    typealias C = MessageCodecChecks

    /// Metadata v4 as a librdkafka 2.0.2 consumer sends it (docs/protocols/kafka-client-needs.md §3): one topic, no
    /// auto-creation.
    static let librdkafkaV4Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00]  // AllowAutoTopicCreation false (v4+)

    @Test func decodesLibrdkafkaV4Request() throws {
        let request = try MetadataRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV4Request), version: 4)
        #expect(request == MetadataRequest(topics: [.init(name: "users")], allowAutoTopicCreation: false))
        #expect(C.encoded(request, version: 4) == Self.librdkafkaV4Request)
        C.expectMalformedCasesThrow(MetadataRequest.self, bytes: Self.librdkafkaV4Request, version: 4)
    }

    @Test func nullTopicsMeanAllTopicsFromV1() throws {
        // v1+: -1 = all topics, 0 = brokers only.
        let all = try MetadataRequest(decoding: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x01]), version: 4)
        #expect(all.topics == nil)
        #expect(all.allowAutoTopicCreation)
        let none = try MetadataRequest(decoding: ByteBuffer(bytes: [0x00, 0x00, 0x00, 0x00]), version: 1)
        #expect(none.topics == [])
        // v0 has no null: an empty array asks for all topics, so `nil` is written as an empty array.
        let v0Null = #expect(throws: KafkaWireError.self) {
            try MetadataRequest(decoding: ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]), version: 0)
        }
        #expect(v0Null?.code == .malformed)
        #expect(C.encoded(MetadataRequest(topics: nil), version: 0) == [0x00, 0x00, 0x00, 0x00])
        #expect(C.encoded(MetadataRequest(topics: nil), version: 1) == [0xFF, 0xFF, 0xFF, 0xFF])
    }

    /// The v4 answer: one broker, cluster id, controller, one topic with one partition led by broker 1.
    static let v4Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0 (v3+)
        + [0x00, 0x00, 0x00, 0x01]  // Brokers: 1
        + [0x00, 0x00, 0x00, 0x01]  // NodeId 1
        + [0x00, 0x09] + Array("localhost".utf8)  // Host
        + [0x00, 0x00, 0x23, 0x84]  // Port 9092
        + [0xFF, 0xFF]  // Rack null (v1+)
        + [0x00, 0x0A] + Array("userstream".utf8)  // ClusterId (v2+)
        + [0x00, 0x00, 0x00, 0x01]  // ControllerId 1 (v1+)
        + [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x05] + Array("users".utf8)  // Name
        + [0x00]  // IsInternal false (v1+)
        + [0x00, 0x00, 0x00, 0x01]  // Partitions: 1
        + [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x00, 0x00, 0x00]  // PartitionIndex 0
        + [0x00, 0x00, 0x00, 0x01]  // LeaderId 1
        + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]  // ReplicaNodes [1]
        + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]  // IsrNodes [1]

    @Test func encodesV4Response() throws {
        let response = MetadataResponse(
            brokers: [.init(nodeId: 1, host: "localhost", port: 9092)],
            clusterId: "userstream",
            controllerId: 1,
            topics: [
                .init(
                    name: "users",
                    partitions: [.init(partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1])]
                )
            ]
        )
        #expect(C.encoded(response, version: 4) == Self.v4Response)
        #expect(try MetadataResponse(decoding: ByteBuffer(bytes: Self.v4Response), version: 4) == response)
        C.expectMalformedCasesThrow(MetadataResponse.self, bytes: Self.v4Response, version: 4)
    }

    static func request(version: Int16) -> MetadataRequest {
        MetadataRequest(
            topics: version == 0 ? [] : (version == 2 ? nil : [.init(name: "users"), .init(name: "orders")]),
            allowAutoTopicCreation: version >= 4 ? false : true,
            includeClusterAuthorizedOperations: version >= 8,
            includeTopicAuthorizedOperations: version >= 8
        )
    }

    static func response(version: Int16) -> MetadataResponse {
        MetadataResponse(
            throttleTimeMs: version >= 3 ? 9 : 0,
            brokers: [
                .init(nodeId: 1, host: "broker-1", port: 9092, rack: version >= 1 ? "r1" : nil),
                .init(nodeId: 2, host: "broker-2", port: 9093),
            ],
            clusterId: version >= 2 ? "cluster" : nil,
            controllerId: version >= 1 ? 2 : -1,
            topics: [
                .init(
                    name: "users",
                    isInternal: false,
                    partitions: [
                        .init(
                            partitionIndex: 0,
                            leaderId: 1,
                            leaderEpoch: version >= 7 ? 3 : -1,
                            replicaNodes: [1, 2],
                            isrNodes: [1],
                            offlineReplicas: version >= 5 ? [2] : []
                        ),
                        .init(
                            errorCode: .leaderNotAvailable,
                            partitionIndex: 1,
                            leaderId: -1,
                            replicaNodes: [],
                            isrNodes: []
                        ),
                    ],
                    topicAuthorizedOperations: version >= 8 ? 0x0F8 : MetadataResponse.authorizedOperationsOmitted
                ),
                .init(
                    errorCode: .unknownTopicOrPartition,
                    name: "missing",
                    isInternal: version >= 1,
                    partitions: []
                ),
            ],
            clusterAuthorizedOperations: version >= 8 ? 0x100 : MetadataResponse.authorizedOperationsOmitted
        )
    }

    @Test(arguments: MetadataRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: MetadataResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        C.expectTruncated(MetadataRequest.self, bytes: C.int32(0x4000_0000) + [0x00, 0x01, 0x61, 0x00], version: 4)
        C.expectTruncated(MetadataResponse.self, bytes: C.int32(0) + C.int32(1_000_000) + C.int32(1), version: 4)
        // A replica list of 2^29 ids.
        C.expectTruncated(
            MetadataResponse.self,
            bytes: C.int32(0) + C.int32(0) + C.int16(-1) + C.int32(-1) + C.int32(1) + C.int16(0) + C.string("t")
                + [0x00] + C.int32(1) + C.int16(0) + C.int32(0) + C.int32(1) + C.int32(0x2000_0000) + C.int32(0),
            version: 4
        )
    }
}
