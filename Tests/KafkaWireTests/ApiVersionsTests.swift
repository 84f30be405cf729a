import KafkaWire
import NIOCore
import Testing

@Suite("ApiVersions")
struct ApiVersionsTests {
    /// ApiVersions v3 as librdkafka 2.0.2 sends it (docs/protocols/kafka-client-needs.md §1): request header v2 with
    /// client id "rdkafka" and an empty tag section, then ClientSoftwareName "librdkafka", ClientSoftwareVersion
    /// "2.0.2" (compact strings) and an empty tag section.
    static let librdkafkaV3Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x24]  // frame size 36
        + [0x00, 0x12, 0x00, 0x03]  // RequestApiKey 18, RequestApiVersion 3
        + [0x00, 0x00, 0x00, 0x01]  // CorrelationId 1
        + [0x00, 0x07] + Array("rdkafka".utf8)  // ClientId (INT16 length even in header v2)
        + [0x00]  // header tagged fields
        + [0x0B] + Array("librdkafka".utf8)  // ClientSoftwareName, length 10 + 1
        + [0x06] + Array("2.0.2".utf8)  // ClientSoftwareVersion, length 5 + 1
        + [0x00]  // body tagged fields

    /// ApiVersions v0: request header v1 and an empty body.
    static let v0Request: [UInt8] =
        [0x00, 0x00, 0x00, 0x0E]  // frame size 14
        + [0x00, 0x12, 0x00, 0x00]  // RequestApiKey 18, RequestApiVersion 0
        + [0x00, 0x00, 0x00, 0x09]  // CorrelationId 9
        + [0x00, 0x04] + Array("java".utf8)  // ClientId

    static let table: [KafkaApiKey: ClosedRange<Int16>] = [
        .apiVersions: 0...3,
        .produce: 3...7,
    ]

    static func requestFrame(_ bytes: [UInt8]) throws -> ByteBuffer {
        let frames = try KafkaFrameDecoderTests.frames(from: bytes, chunkSize: 1)
        try #require(frames.count == 1)
        return frames[0]
    }

    @Test func decodesLibrdkafkaV3Request() throws {
        let (header, body) = try KafkaRequestHeader.decode(frame: try Self.requestFrame(Self.librdkafkaV3Request))
        #expect(
            header
                == KafkaRequestHeader(
                    requestApiKey: .apiVersions,
                    requestApiVersion: 3,
                    correlationId: 1,
                    clientId: "rdkafka"
                )
        )
        let request = try ApiVersionsRequest(decoding: body, version: header.requestApiVersion)
        #expect(request == ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2"))

        // And back to the same bytes.
        var written = ByteBuffer()
        written.writeKafkaFrame { (frame: inout ByteBuffer) in
            frame.writeKafkaRequestHeader(header)
            request.encode(into: &frame, version: 3)
        }
        #expect(Array(written.readableBytesView) == Self.librdkafkaV3Request)
    }

    @Test func decodesV0Request() throws {
        let (header, body) = try KafkaRequestHeader.decode(frame: try Self.requestFrame(Self.v0Request))
        #expect(header.requestApiVersion == 0)
        #expect(header.correlationId == 9)
        #expect(header.clientId == "java")
        #expect(try ApiVersionsRequest(decoding: body, version: 0) == ApiVersionsRequest())
    }

    @Test func requestWithUnknownTagsAndTrailingBytes() throws {
        // v3 body with an unknown tag (7, 1 byte) in its tag section: skipped.
        var body = ByteBuffer()
        body.writeKafkaCompactString("kcat")
        body.writeKafkaCompactString("1.7")
        body.writeBytes([0x01, 0x07, 0x01, 0xFF])
        #expect(try ApiVersionsRequest(decoding: body, version: 3).clientSoftwareName == "kcat")

        body.writeBytes([0x00])
        let error = #expect(throws: KafkaWireError.self) { try ApiVersionsRequest(decoding: body, version: 3) }
        #expect(error?.code == .malformed)

        let v5 = #expect(throws: KafkaWireError.self) { try ApiVersionsRequest(decoding: ByteBuffer(), version: 5) }
        #expect(v5?.code == .unsupportedVersion)

        // A compact string length larger than the bytes left.
        let short = #expect(throws: KafkaWireError.self) {
            try ApiVersionsRequest(decoding: ByteBuffer(bytes: [0x0B, 0x6C, 0x69, 0x62]), version: 3)
        }
        #expect(short?.code == .truncated)
    }

    /// The v3 answer to librdkafka, frame and header included, byte for byte.
    static let v3Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x1A]  // frame size 26
        + [0x00, 0x00, 0x00, 0x01]  // response header v0: CorrelationId 1 (no tag section for ApiVersions)
        + [0x00, 0x00]  // ErrorCode 0
        + [0x03]  // ApiKeys: compact array of 2
        + [0x00, 0x00, 0x00, 0x03, 0x00, 0x07, 0x00]  // Produce 3-7, tagged fields
        + [0x00, 0x12, 0x00, 0x00, 0x00, 0x03, 0x00]  // ApiVersions 0-3, tagged fields
        + [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0
        + [0x00]  // tagged fields

    @Test func encodesV3Response() throws {
        let (response, version) = ApiVersionsResponse.answering(requestVersion: 3, supportedVersions: Self.table)
        #expect(version == 3)
        #expect(response.errorCode == .none)
        var buffer = ByteBuffer()
        buffer.writeKafkaFrame { (frame: inout ByteBuffer) in
            frame.writeKafkaResponseHeader(
                KafkaResponseHeader(correlationId: 1),
                version: KafkaApiKey.apiVersions.responseHeaderVersion(for: version)
            )
            response.encode(into: &frame, version: version)
        }
        #expect(Array(buffer.readableBytesView) == Self.v3Response)

        var body = ByteBuffer(bytes: Self.v3Response.dropFirst(8))
        #expect(try ApiVersionsResponse(decoding: body, version: 3) == response)
        body.writeBytes([0])
        #expect(throws: KafkaWireError.self) { try ApiVersionsResponse(decoding: body, version: 3) }
    }

    /// The v0 body: INT32 array count, no ThrottleTimeMs, no tags.
    static let v0ResponseBody: [UInt8] =
        [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x00, 0x00, 0x02]  // ApiKeys: array of 2
        + [0x00, 0x00, 0x00, 0x03, 0x00, 0x07]  // Produce 3-7
        + [0x00, 0x12, 0x00, 0x00, 0x00, 0x03]  // ApiVersions 0-3

    @Test func encodesV0Response() throws {
        let (response, version) = ApiVersionsResponse.answering(requestVersion: 0, supportedVersions: Self.table)
        #expect(version == 0)
        var buffer = ByteBuffer()
        response.encode(into: &buffer, version: version)
        #expect(Array(buffer.readableBytesView) == Self.v0ResponseBody)
        #expect(try ApiVersionsResponse(decoding: buffer, version: 0) == response)
    }

    @Test func encodesV1AndV2WithThrottleTime() {
        let response = ApiVersionsResponse(
            apiKeys: [.init(apiKey: .metadata, minVersion: 0, maxVersion: 4)],
            throttleTimeMs: 5
        )
        for version: Int16 in [1, 2] {
            var buffer = ByteBuffer()
            response.encode(into: &buffer, version: version)
            #expect(
                Array(buffer.readableBytesView)
                    == [0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05]
            )
        }
    }

    @Test(arguments: [Int16(4), 5, 100, -1])
    func unsupportedRequestVersionGetsAV0BodyWithError35(requestVersion: Int16) throws {
        let (response, version) = ApiVersionsResponse.answering(
            requestVersion: requestVersion,
            supportedVersions: Self.table,
            throttleTimeMs: 10
        )
        #expect(version == 0)
        #expect(response.errorCode == .unsupportedVersion)
        #expect(response.errorCode.rawValue == 35)
        var buffer = ByteBuffer()
        response.encode(into: &buffer, version: version)
        #expect(Array(buffer.readableBytesView) == [0x00, 0x23] + Self.v0ResponseBody.dropFirst(2))
    }

    @Test func advertisedRangeLimitsTheAnsweredVersions() {
        let table: [KafkaApiKey: ClosedRange<Int16>] = [.apiVersions: 0...2]
        #expect(ApiVersionsResponse.answering(requestVersion: 2, supportedVersions: table).version == 2)
        let (response, version) = ApiVersionsResponse.answering(requestVersion: 3, supportedVersions: table)
        #expect(version == 0)
        #expect(response.errorCode == .unsupportedVersion)
        #expect(response.apiKeys == [.init(apiKey: .apiVersions, minVersion: 0, maxVersion: 2)])
    }

    @Test func absurdApiKeysCountInAResponse() {
        // 2^30 entries announced in a v0 body with 10 bytes left.
        let body = ByteBuffer(bytes: [0x00, 0x00, 0x40, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 10))
        let error = #expect(throws: KafkaWireError.self) { try ApiVersionsResponse(decoding: body, version: 0) }
        #expect(error?.code == .truncated)
    }
}
