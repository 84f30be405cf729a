import CQLWire
import NIOCore
import Testing

@Suite struct CQLFrameResponseTests {
    @Test func unsupportedVersionAnswerHasExactBytes() throws {
        // The answer to a 0x42 OPTIONS on stream 3: a v4 response frame, same stream, ERROR protocol error.
        var buffer = ByteBuffer()
        let message = "Invalid or unsupported protocol version (66); supported versions are (4/v4)"
        try buffer.writeCQLFrame(version: 0x84, stream: 3, message: CQLError.unsupportedProtocolVersion(0x42))
        let expected: [UInt8] =
            [0x84, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, UInt8(4 + 2 + message.utf8.count)]
            + [0x00, 0x00, 0x00, 0x0A, 0x00, UInt8(message.utf8.count)] + Array(message.utf8)
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func envelopeSplitsTracingWarningsAndPayload() throws {
        var body = ByteBuffer()
        body.writeCQLUUID(CQLUUID(high: 1, low: 2))
        body.writeCQLStringList(["careful"])
        body.writeCQLBytesMap(["k": [1, 2]])
        body.writeCQLInt(1)  // RESULT Void
        let frame = CQLFrame(
            header: CQLFrameHeader(
                isResponse: true,
                flags: [.tracing, .warning, .customPayload],
                stream: 1,
                opcode: .result,
                length: Int32(body.readableBytes)
            ),
            body: body
        )
        let envelope = try frame.envelope()
        #expect(envelope.tracingID == CQLUUID(high: 1, low: 2))
        #expect(envelope.warnings == ["careful"])
        #expect(envelope.customPayload == ["k": [1, 2]])
        #expect(try CQLResult(decoding: envelope.message, version: 4) == .void)
    }
}
