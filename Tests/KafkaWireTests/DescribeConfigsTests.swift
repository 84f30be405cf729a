import KafkaWire
import NIOCore
import Testing

@Suite("DescribeConfigs")
struct DescribeConfigsTests {
    typealias C = MessageCodecChecks

    /// DescribeConfigs v1 as the librdkafka 2.0.2 admin client sends it: all configs of topic "users", no synonyms.
    static let librdkafkaV1Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x01]  // Resources: 1
        + [0x02]  // ResourceType 2 (topic)
        + [0x00, 0x05] + Array("users".utf8)  // ResourceName
        + [0xFF, 0xFF, 0xFF, 0xFF]  // ConfigurationKeys null (all)
        + [0x00]  // IncludeSynonyms false (v1+)

    @Test func decodesLibrdkafkaV1Request() throws {
        let request = try DescribeConfigsRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV1Request), version: 1)
        #expect(
            request
                == DescribeConfigsRequest(
                    resources: [.init(resourceType: 2, resourceName: "users", configurationKeys: nil)],
                    includeSynonyms: false
                )
        )
        #expect(C.encoded(request, version: 1) == Self.librdkafkaV1Request)
        C.expectMalformedCasesThrow(DescribeConfigsRequest.self, bytes: Self.librdkafkaV1Request, version: 1)
    }

    /// The v1 answer: one default config of topic "users".
    static let v1Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0
        + [0x00, 0x00, 0x00, 0x01]  // Results: 1
        + [0x00, 0x00]  // ErrorCode 0
        + [0xFF, 0xFF]  // ErrorMessage null
        + [0x02]  // ResourceType 2
        + [0x00, 0x05] + Array("users".utf8)  // ResourceName
        + [0x00, 0x00, 0x00, 0x01]  // Configs: 1
        + [0x00, 0x0C] + Array("retention.ms".utf8)  // Name
        + [0x00, 0x09] + Array("604800000".utf8)  // Value
        + [0x00]  // ReadOnly false
        + [0x05]  // ConfigSource 5 DEFAULT_CONFIG (v1+)
        + [0x00]  // IsSensitive false
        + [0x00, 0x00, 0x00, 0x00]  // Synonyms: 0 (v1+)

    @Test func encodesV1Response() throws {
        let response = DescribeConfigsResponse(
            results: [
                .init(
                    resourceType: 2,
                    resourceName: "users",
                    configs: [.init(name: "retention.ms", value: "604800000", configSource: 5)]
                )
            ]
        )
        #expect(C.encoded(response, version: 1) == Self.v1Response)
        #expect(try DescribeConfigsResponse(decoding: ByteBuffer(bytes: Self.v1Response), version: 1) == response)
        C.expectMalformedCasesThrow(DescribeConfigsResponse.self, bytes: Self.v1Response, version: 1)
    }

    static func request(version: Int16) -> DescribeConfigsRequest {
        DescribeConfigsRequest(
            resources: [
                .init(resourceType: 2, resourceName: "users", configurationKeys: ["retention.ms", "cleanup.policy"]),
                .init(resourceType: 4, resourceName: "1", configurationKeys: nil),
                .init(resourceType: 2, resourceName: "x", configurationKeys: []),
            ],
            includeSynonyms: version >= 1,
            includeDocumentation: version >= 3
        )
    }

    static func response(version: Int16) -> DescribeConfigsResponse {
        DescribeConfigsResponse(
            throttleTimeMs: 2,
            results: [
                .init(
                    resourceType: 2,
                    resourceName: "users",
                    configs: [
                        .init(
                            name: "retention.ms",
                            value: "1000",
                            readOnly: false,
                            isDefault: version == 0,
                            configSource: version >= 1 ? 1 : -1,
                            isSensitive: false,
                            synonyms: version >= 1
                                ? [.init(name: "log.retention.ms", value: nil, source: 4)] : [],
                            configType: version >= 3 ? 5 : 0,
                            documentation: version >= 3 ? "How long to keep records." : nil
                        ),
                        .init(name: "secret", value: nil, readOnly: true, isSensitive: true),
                    ]
                ),
                .init(
                    errorCode: .unknownTopicOrPartition,
                    errorMessage: "no such topic",
                    resourceType: 2,
                    resourceName: "missing",
                    configs: []
                ),
            ]
        )
    }

    @Test(arguments: DescribeConfigsRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: DescribeConfigsResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        C.expectTruncated(DescribeConfigsRequest.self, bytes: C.int32(0x1000_0000) + [0x00], version: 1)
        C.expectTruncated(
            DescribeConfigsRequest.self,
            bytes: C.int32(1) + [0x02] + C.string("t") + C.int32(0x1000_0000) + C.int16(0) + [0x00],
            version: 1
        )
    }
}
