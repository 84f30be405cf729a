import CQLWire
import NIOCore
import Testing

@Suite struct CQLFrameDecoderTests {
    /// OPTIONS as the python driver sends it first: v4 request, stream 0, empty body.
    static let options: [UInt8] = [0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00]
    /// REGISTER ["SCHEMA_CHANGE"], stream 0x0102.
    static let register: [UInt8] =
        [0x04, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x00, 0x11, 0x00, 0x01, 0x00, 0x0D] + Array("SCHEMA_CHANGE".utf8)

    func decodeAll(_ chunks: [[UInt8]], maximum: Int = CQLFrameDecoder.defaultMaximumFrameSize) throws -> [CQLFrame] {
        var decoder = CQLFrameDecoder(maximumFrameSize: maximum)
        var buffer = ByteBuffer()
        var frames: [CQLFrame] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let frame = try decoder.decode(buffer: &buffer) { frames.append(frame) }
        }
        #expect(buffer.readableBytes == 0)
        return frames
    }

    @Test func dripFedOneByteAtATime() throws {
        let stream = Self.options + Self.register
        let frames = try decodeAll(stream.map { [$0] })
        #expect(frames.count == 2)
        #expect(frames[0].header == CQLFrameHeader(isResponse: false, stream: 0, opcode: .options, length: 0))
        #expect(frames[0].body.readableBytes == 0)
        #expect(frames[1].header.stream == 0x0102)
        #expect(frames[1].header.opcode == .register)
        #expect(Array(frames[1].body.readableBytesView) == Array(Self.register[9...]))
    }

    @Test func twoFramesInOneRead() throws {
        let frames = try decodeAll([Self.register + Self.options])
        #expect(frames.map(\.header.opcode) == [.register, .options])
    }

    @Test func sizeLimitIsEnforcedBeforeTheBodyArrives() throws {
        // Header only: 1 MiB + 1 announced, limit 1 MiB.
        let header: [UInt8] = [0x04, 0x00, 0x00, 0x01, 0x07, 0x00, 0x10, 0x00, 0x01]
        var decoder = CQLFrameDecoder(maximumFrameSize: 1 << 20)
        var buffer = ByteBuffer(bytes: header)
        let error = #expect(throws: CQLWireError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .tooLarge)
        // Exactly at the limit it waits for the body instead.
        var atLimit = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x01, 0x07, 0x00, 0x10, 0x00, 0x00])
        #expect(try decoder.decode(buffer: &atLimit) == nil)
        #expect(atLimit.readableBytes == 9, "a partial frame consumes nothing")
    }

    @Test func negativeLengthThrows() {
        var decoder = CQLFrameDecoder()
        var buffer = ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x01, 0x07, 0xFF, 0xFF, 0xFF, 0xFE])
        let error = #expect(throws: CQLWireError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .malformed)
    }

    @Test(arguments: [UInt8(1), 2])
    func v1AndV2HaveEightByteHeaders(_ version: UInt8) throws {
        // OPTIONS, stream 7, 1-byte stream id, then a v4 OPTIONS right after.
        let frames = try decodeAll([[version, 0x00, 0x07, 0x05, 0x00, 0x00, 0x00, 0x00] + Self.options])
        #expect(frames.count == 2)
        #expect(
            frames[0].header
                == CQLFrameHeader(version: version, isResponse: false, stream: 7, opcode: .options, length: 0)
        )
        #expect(frames[0].header.size == 8)
        #expect(frames[1].header.version == 4)
    }

    @Test(arguments: [UInt8(3), 5, 0x41, 0x42])
    func otherVersionsAreFramedNotRefused(_ version: UInt8) throws {
        // What the python driver tries first (0x42, then 0x41, then 5): OPTIONS, stream 3 (v5 carries the beta flag).
        let frames = try decodeAll([[version, 0x10, 0x00, 0x03, 0x05, 0x00, 0x00, 0x00, 0x00]])
        #expect(frames.count == 1)
        #expect(frames[0].header.version == version)
        #expect(frames[0].header.stream == 3)
        #expect(frames[0].header.flags == .beta)
        #expect(frames[0].header.opcode == .options)
    }

    @Test func unknownOpcodeIsStillFramed() throws {
        let frames = try decodeAll([[0x04, 0x00, 0x00, 0x09, 0x04, 0x00, 0x00, 0x00, 0x02, 0xAB, 0xCD]])
        #expect(frames.first?.header.opcode == CQLOpcode(rawValue: 0x04))
        #expect(frames.first?.header.opcode.description == "UNKNOWN(0x4)")
        #expect(frames.first?.body.readableBytes == 2)
    }

    @Test func writeFrameBackPatchesTheLengthAndRoundTrips() throws {
        var buffer = ByteBuffer()
        let written = buffer.writeCQLFrame(version: 0x04, flags: [.tracing], stream: 300, opcode: .register) { body in
            body.writeCQLStringList(["SCHEMA_CHANGE"])
        }
        #expect(written == 9 + 17)
        #expect(buffer.getInteger(at: 5, as: Int32.self) == 17)
        var decoder = CQLFrameDecoder()
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(frame.header.stream == 300)
        #expect(frame.header.flags == .tracing)
        var body = frame.body
        #expect(try body.readCQLStringList() == ["SCHEMA_CHANGE"])

        // v2 frames are written with an 8-byte header.
        var v2 = ByteBuffer()
        v2.writeCQLFrame(version: 0x82, stream: 5, opcode: .ready) { _ in }
        #expect(Array(v2.readableBytesView) == [0x82, 0x00, 0x05, 0x02, 0, 0, 0, 0])
    }
}
