import KafkaWire
import NIOCore
import Testing

@Suite("Request and response headers")
struct KafkaHeaderTests {
    // Metadata v4 (not flexible) -> request header v1:
    // RequestApiKey 3, RequestApiVersion 4, CorrelationId 7, ClientId "rdkafka".
    static let headerV1: [UInt8] = [0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07, 0x00, 0x07] + Array("rdkafka".utf8)

    @Test func requestHeaderV1() throws {
        var buffer = ByteBuffer(bytes: Self.headerV1 + [0xEE])
        let header = try buffer.readKafkaRequestHeader()
        #expect(
            header
                == KafkaRequestHeader(
                    requestApiKey: .metadata,
                    requestApiVersion: 4,
                    correlationId: 7,
                    clientId: "rdkafka"
                )
        )
        #expect(header.headerVersion == 1)
        // No tag section in v1: the body starts right after the client id.
        #expect(Array(buffer.readableBytesView) == [0xEE])

        var written = ByteBuffer()
        written.writeKafkaRequestHeader(header)
        #expect(Array(written.readableBytesView) == Self.headerV1)
    }

    @Test func requestHeaderV1WithNullClientId() throws {
        let bytes: [UInt8] = [0x00, 0x00, 0x00, 0x07, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        let (header, body) = try KafkaRequestHeader.decode(frame: ByteBuffer(bytes: bytes))
        #expect(header.requestApiKey == .produce)
        #expect(header.requestApiVersion == 7)
        #expect(header.correlationId == Int32.max)
        #expect(header.clientId == nil)
        #expect(body.readableBytes == 0)
    }

    // ApiVersions v3 (flexible) -> request header v2: ClientId stays an INT16-length string, then a tag section.
    static let headerV2: [UInt8] =
        [0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07] + Array("rdkafka".utf8)
        + [0x00]

    @Test func requestHeaderV2() throws {
        let (header, body) = try KafkaRequestHeader.decode(frame: ByteBuffer(bytes: Self.headerV2 + [0xEE]))
        #expect(
            header
                == KafkaRequestHeader(
                    requestApiKey: .apiVersions,
                    requestApiVersion: 3,
                    correlationId: 1,
                    clientId: "rdkafka"
                )
        )
        #expect(header.headerVersion == 2)
        #expect(Array(body.readableBytesView) == [0xEE])

        var written = ByteBuffer()
        written.writeKafkaRequestHeader(header)
        #expect(Array(written.readableBytesView) == Self.headerV2)
    }

    @Test func requestHeaderV2WithNullClientIdAndUnknownTags() throws {
        // OffsetFetch v7 (flexible), null client id, a tag section with one unknown tag (9, 2 bytes).
        let bytes: [UInt8] = [0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00, 0x2A, 0xFF, 0xFF, 0x01, 0x09, 0x02, 0xAB, 0xCD]
        let (header, body) = try KafkaRequestHeader.decode(frame: ByteBuffer(bytes: bytes + [0xEE]))
        #expect(header.clientId == nil)
        #expect(header.headerVersion == 2)
        #expect(header.correlationId == 42)
        #expect(Array(body.readableBytesView) == [0xEE])
    }

    @Test func truncatedHeaderInsideAFrame() throws {
        // A whole frame whose content ends inside the client id.
        let frames = try KafkaFrameDecoderTests.frames(
            from: [0, 0, 0, 12] + Array(Self.headerV1.prefix(12)),
            chunkSize: 1
        )
        #expect(frames.count == 1)
        let error = #expect(throws: KafkaWireError.self) { try KafkaRequestHeader.decode(frame: frames[0]) }
        #expect(error?.code == .truncated)

        // A v2 header without its tag section.
        let noTags = #expect(throws: KafkaWireError.self) {
            try KafkaRequestHeader.decode(frame: ByteBuffer(bytes: Self.headerV2.dropLast()))
        }
        #expect(noTags?.code == .truncated)

        // Ends inside the fixed fields.
        #expect(throws: KafkaWireError.self) { try KafkaRequestHeader.decode(frame: ByteBuffer(bytes: [0, 18, 0])) }
    }

    @Test func headerVersionsFollowTheFlexibleVersions() {
        #expect(KafkaApiKey.produce.requestHeaderVersion(for: 8) == 1)
        #expect(KafkaApiKey.produce.requestHeaderVersion(for: 9) == 2)
        #expect(KafkaApiKey.fetch.requestHeaderVersion(for: 11) == 1)
        #expect(KafkaApiKey.fetch.requestHeaderVersion(for: 12) == 2)
        #expect(KafkaApiKey.offsetFetch.requestHeaderVersion(for: 6) == 2)
        #expect(KafkaApiKey.initProducerId.requestHeaderVersion(for: 2) == 2)
        #expect(KafkaApiKey.saslHandshake.requestHeaderVersion(for: 1) == 1)
        #expect(KafkaApiKey(99).requestHeaderVersion(for: 10) == 1)
        #expect(KafkaApiKey.metadata.responseHeaderVersion(for: 9) == 1)
        #expect(KafkaApiKey.metadata.responseHeaderVersion(for: 8) == 0)
        // "ApiVersionsResponse always uses response header v0".
        #expect(KafkaApiKey.apiVersions.responseHeaderVersion(for: 3) == 0)
        #expect(KafkaApiKey.apiVersions.name == "ApiVersions")
    }

    @Test func responseHeaders() throws {
        var v0 = ByteBuffer()
        v0.writeKafkaResponseHeader(KafkaResponseHeader(correlationId: 5), version: 0)
        #expect(Array(v0.readableBytesView) == [0, 0, 0, 5])
        var v1 = ByteBuffer()
        v1.writeKafkaResponseHeader(KafkaResponseHeader(correlationId: 5), version: 1)
        #expect(Array(v1.readableBytesView) == [0, 0, 0, 5, 0])
        #expect(try v1.readKafkaResponseHeader(version: 1) == KafkaResponseHeader(correlationId: 5))
        #expect(v1.readableBytes == 0)
    }
}
