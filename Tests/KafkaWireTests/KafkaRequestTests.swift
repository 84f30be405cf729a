import KafkaWire
import NIOCore
import Testing

/// ``KafkaRequest``: every API and version the broker serves decodes through the one function, from whole frames.
@Suite("KafkaRequest")
struct KafkaRequestTests {
    /// A request frame around a body fixture, with the header version the API and version call for.
    static func frame(_ key: KafkaApiKey, _ version: Int16, correlationId: Int32 = 7, body: [UInt8]) -> [UInt8] {
        Wire.requestFrame(
            apiKey: key.rawValue,
            version: version,
            correlationId: correlationId,
            flexible: key.isFlexible(version: version),
            body: body
        )
    }

    /// Decodes a frame fed in 7-byte chunks through the frame decoder, then ``KafkaRequest/decode(frame:)``.
    static func decode(_ frame: [UInt8]) throws -> (header: KafkaRequestHeader, request: KafkaRequest) {
        let frames = try KafkaFrameDecoderTests.frames(from: frame, chunkSize: 7)
        try #require(frames.count == 1)
        return try KafkaRequest.decode(frame: frames[0])
    }

    /// A sample of every API in every version served, as the message tests build them.
    static func sample(_ key: KafkaApiKey, _ version: Int16) -> KafkaRequest? {
        switch key {
        case .produce: .produce(ProduceTests.request(version: version))
        case .fetch: .fetch(FetchTests.request(version: version))
        case .listOffsets: .listOffsets(ListOffsetsTests.request(version: version))
        case .metadata: .metadata(MetadataTests.request(version: version))
        case .offsetCommit: .offsetCommit(OffsetCommitTests.requestSample(version))
        case .offsetFetch: .offsetFetch(OffsetFetchTests.requestSample(version))
        case .findCoordinator: .findCoordinator(FindCoordinatorTests.requestSample(version))
        case .joinGroup: .joinGroup(JoinGroupTests.requestSample(version))
        case .heartbeat: .heartbeat(HeartbeatTests.requestSample(version))
        case .leaveGroup: .leaveGroup(LeaveGroupTests.requestSample(version))
        case .syncGroup: .syncGroup(SyncGroupTests.requestSample(version))
        case .describeGroups: .describeGroups(DescribeGroupsTests.requestSample(version))
        case .listGroups: .listGroups(ListGroupsTests.requestSample(version))
        case .apiVersions:
            .apiVersions(
                version >= 3
                    ? ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2")
                    : ApiVersionsRequest()
            )
        case .createTopics: .createTopics(CreateTopicsTests.request(version: version))
        case .deleteTopics: .deleteTopics(DeleteTopicsRequest(topicNames: ["users", "orders"], timeoutMs: 30000))
        case .initProducerId: .initProducerId(InitProducerIdTests.request(version: version))
        case .describeConfigs: .describeConfigs(DescribeConfigsTests.request(version: version))
        default: nil
        }
    }

    /// The body of a request, encoded by its message codec.
    static func body(_ request: KafkaRequest, version: Int16) -> [UInt8] {
        var buffer = ByteBuffer()
        switch request {
        case .produce(let message): message.encode(into: &buffer, version: version)
        case .fetch(let message): message.encode(into: &buffer, version: version)
        case .listOffsets(let message): message.encode(into: &buffer, version: version)
        case .metadata(let message): message.encode(into: &buffer, version: version)
        case .offsetCommit(let message): message.encode(into: &buffer, version: version)
        case .offsetFetch(let message): message.encode(into: &buffer, version: version)
        case .findCoordinator(let message): message.encode(into: &buffer, version: version)
        case .joinGroup(let message): message.encode(into: &buffer, version: version)
        case .heartbeat(let message): message.encode(into: &buffer, version: version)
        case .leaveGroup(let message): message.encode(into: &buffer, version: version)
        case .syncGroup(let message): message.encode(into: &buffer, version: version)
        case .describeGroups(let message): message.encode(into: &buffer, version: version)
        case .listGroups(let message): message.encode(into: &buffer, version: version)
        case .apiVersions(let message): message.encode(into: &buffer, version: version)
        case .createTopics(let message): message.encode(into: &buffer, version: version)
        case .deleteTopics(let message): message.encode(into: &buffer, version: version)
        case .initProducerId(let message): message.encode(into: &buffer, version: version)
        case .describeConfigs(let message): message.encode(into: &buffer, version: version)
        }
        return Array(buffer.readableBytesView)
    }

    static let servedApis = KafkaRequest.supportedVersions.keys.sorted()

    @Test func theTableIsWhatTheBrokerServes() {
        #expect(
            Self.servedApis.map(\.rawValue) == [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 32]
        )
        #expect(KafkaRequest.supportedVersions[.produce] == 3...7)
        #expect(KafkaRequest.supportedVersions[.fetch] == 4...11)
        #expect(KafkaRequest.supportedVersions[.apiVersions] == 0...3)
        #expect(KafkaRequest.supportedVersions[.joinGroup]?.lowerBound == 0)
    }

    /// Every served API in every served version: the frame a client would send decodes to the request it encodes,
    /// with its header, and one byte more or a cut frame is refused.
    @Test(arguments: servedApis)
    func everyVersionDecodesFromItsFrame(key: KafkaApiKey) throws {
        let versions = try #require(KafkaRequest.supportedVersions[key])
        for version in versions {
            let expected = try #require(Self.sample(key, version), "\(key.name) has no sample")
            let body = Self.body(expected, version: version)
            let (header, request) = try Self.decode(Self.frame(key, version, correlationId: 41, body: body))
            #expect(header.requestApiKey == key)
            #expect(header.requestApiVersion == version)
            #expect(header.correlationId == 41)
            #expect(header.clientId == "rdkafka")
            #expect(request == expected, "\(key.name) v\(version)")
            #expect(request.apiKey == key)

            #expect(throws: KafkaWireError.self, "\(key.name) v\(version) with a trailing byte") {
                try Self.decode(Self.frame(key, version, body: body + [0]))
            }
            if !body.isEmpty {
                #expect(throws: KafkaWireError.self, "\(key.name) v\(version) cut short") {
                    try Self.decode(Self.frame(key, version, body: Array(body.dropLast())))
                }
            }
        }
    }

    /// The byte fixtures of the message tests (as librdkafka 2.0.2 sends them) decode through the one function to the
    /// same values as through their codecs.
    @Test func clientFixturesDecodeThroughTheEnum() throws {
        let frames: [(KafkaRequest, [UInt8])] = [
            (
                .apiVersions(ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2")),
                ApiVersionsTests.librdkafkaV3Request
            ),
            (.apiVersions(ApiVersionsRequest()), ApiVersionsTests.v0Request),
            (
                .heartbeat(HeartbeatRequest(groupId: "users-etl", generationId: 3, memberId: "rdkafka-a1")),
                HeartbeatTests.librdkafkaV3Request
            ),
        ]
        for (expected, frame) in frames {
            #expect(try Self.decode(frame).request == expected)
        }

        let groupFrames: [(KafkaApiKey, [UInt8])] = [
            (.describeGroups, DescribeGroupsTests.librdkafkaV4Request),
            (.findCoordinator, FindCoordinatorTests.librdkafkaV2Request),
            (.joinGroup, JoinGroupTests.librdkafkaV5Request),
            (.leaveGroup, LeaveGroupTests.librdkafkaV1Request),
            (.listGroups, ListGroupsTests.librdkafkaV2Request),
            (.offsetCommit, OffsetCommitTests.librdkafkaV7Request),
            (.offsetFetch, OffsetFetchTests.librdkafkaV7Request),
            (.syncGroup, SyncGroupTests.librdkafkaV3Request),
        ]
        for (key, frame) in groupFrames {
            let (header, request) = try Self.decode(frame)
            #expect(header.requestApiKey == key)
            let (_, body) = try Wire.decodeRequest(frame)
            #expect(try request == Self.decodedByCodec(key, body: body, version: header.requestApiVersion))
        }

        let bodies: [(KafkaApiKey, Int16, [UInt8])] = [
            (.createTopics, 4, CreateTopicsTests.librdkafkaV4Request),
            (.deleteTopics, 1, DeleteTopicsTests.librdkafkaV1Request),
            (.describeConfigs, 1, DescribeConfigsTests.librdkafkaV1Request),
            (.fetch, 11, FetchTests.librdkafkaV11Request),
            (.initProducerId, 4, InitProducerIdTests.librdkafkaV4Request),
            (.listOffsets, 2, ListOffsetsTests.librdkafkaV2Request),
            (.metadata, 4, MetadataTests.librdkafkaV4Request),
            (.produce, 3, Self.produceV3Body),
        ]
        for (key, version, body) in bodies {
            let (header, request) = try Self.decode(Self.frame(key, version, body: body))
            #expect(header.requestApiVersion == version)
            #expect(
                try request == Self.decodedByCodec(key, body: ByteBuffer(bytes: body), version: version),
                "\(key.name) v\(version)"
            )
        }
        #expect(
            try Self.decode(Self.frame(.produce, 3, body: Self.produceV3Body)).request
                == .produce(
                    ProduceRequest(
                        transactionalId: nil,
                        acks: 1,
                        timeoutMs: 1500,
                        topicData: [.init(name: "users", partitionData: [.init(index: 0, records: nil)])]
                    )
                )
        )
    }

    /// Produce v3: TransactionalId null, Acks 1, TimeoutMs 1500, one topic "users" with partition 0 and null records.
    static let produceV3Body: [UInt8] =
        [0xFF, 0xFF]  // TransactionalId null
        + [0x00, 0x01]  // Acks 1
        + [0x00, 0x00, 0x05, 0xDC]  // TimeoutMs 1500
        + [0x00, 0x00, 0x00, 0x01] + [0x00, 0x05] + Array("users".utf8)  // TopicData: 1, Name
        + [0x00, 0x00, 0x00, 0x01] + [0x00, 0x00, 0x00, 0x00]  // PartitionData: 1, Index 0
        + [0xFF, 0xFF, 0xFF, 0xFF]  // Records null

    static func decodedByCodec(_ key: KafkaApiKey, body: ByteBuffer, version: Int16) throws -> KafkaRequest {
        switch key {
        case .produce: .produce(try ProduceRequest(decoding: body, version: version))
        case .fetch: .fetch(try FetchRequest(decoding: body, version: version))
        case .listOffsets: .listOffsets(try ListOffsetsRequest(decoding: body, version: version))
        case .metadata: .metadata(try MetadataRequest(decoding: body, version: version))
        case .offsetCommit: .offsetCommit(try OffsetCommitRequest(decoding: body, version: version))
        case .offsetFetch: .offsetFetch(try OffsetFetchRequest(decoding: body, version: version))
        case .findCoordinator: .findCoordinator(try FindCoordinatorRequest(decoding: body, version: version))
        case .joinGroup: .joinGroup(try JoinGroupRequest(decoding: body, version: version))
        case .leaveGroup: .leaveGroup(try LeaveGroupRequest(decoding: body, version: version))
        case .syncGroup: .syncGroup(try SyncGroupRequest(decoding: body, version: version))
        case .describeGroups: .describeGroups(try DescribeGroupsRequest(decoding: body, version: version))
        case .listGroups: .listGroups(try ListGroupsRequest(decoding: body, version: version))
        case .createTopics: .createTopics(try CreateTopicsRequest(decoding: body, version: version))
        case .deleteTopics: .deleteTopics(try DeleteTopicsRequest(decoding: body, version: version))
        case .initProducerId: .initProducerId(try InitProducerIdRequest(decoding: body, version: version))
        case .describeConfigs: .describeConfigs(try DescribeConfigsRequest(decoding: body, version: version))
        default: throw KafkaWireError(.unknownApiKey, "no codec in this test for \(key.name)")
        }
    }

    @Test func unknownApisAndUnsupportedVersionsAreRefusedWithTheirCodes() throws {
        // SaslHandshake: a known key this codec does not serve.
        var error = try #require(throws: KafkaWireError.self) {
            try Self.decode(Self.frame(.saslHandshake, 1, correlationId: 9, body: [0x00, 0x05] + Array("PLAIN".utf8)))
        }
        #expect(error.code == .unknownApiKey)
        #expect(error.message == "unknown API key 17 (correlation id 9)")
        error = try #require(throws: KafkaWireError.self) {
            try Self.decode(Self.frame(KafkaApiKey(999), 0, body: []))
        }
        #expect(error.code == .unknownApiKey)
        error = try #require(throws: KafkaWireError.self) {
            try Self.decode(Self.frame(.produce, 2, body: Self.produceV3Body))
        }
        #expect(error.code == .unsupportedVersion)
        #expect(error.message == "Produce v2 is not supported (3...7)")
        // ApiVersions v4 is decodable by its codec, but not answered in v4: the table limits it to 0...3.
        error = try #require(throws: KafkaWireError.self) {
            try Self.decode(Self.frame(.apiVersions, 4, body: [0x01, 0x01, 0x00]))
        }
        #expect(error.code == .unsupportedVersion)
        // A cut header is the header decoder's error.
        error = try #require(throws: KafkaWireError.self) {
            try KafkaRequest.decode(frame: ByteBuffer(bytes: [0x00, 0x12, 0x00]))
        }
        #expect(error.code == .truncated)
    }
}
