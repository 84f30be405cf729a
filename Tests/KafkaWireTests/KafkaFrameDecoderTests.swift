import KafkaWire
import NIOCore
import Testing

@Suite("Frame decoder")
struct KafkaFrameDecoderTests {
    /// Feeds `bytes` into a decoder in chunks of `chunkSize` through NIOCore's single-step processor (as the
    /// channel handler will), collecting frames.
    static func frames(
        from bytes: [UInt8],
        chunkSize: Int,
        decoder: KafkaFrameDecoder = KafkaFrameDecoder()
    ) throws -> [ByteBuffer] {
        let processor = NIOSingleStepByteToMessageProcessor(decoder)
        var frames: [ByteBuffer] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            try processor.process(buffer: ByteBuffer(bytes: bytes[offset..<end])) { frames.append($0) }
            offset = end
        }
        return frames
    }

    static let twoFrames: [UInt8] = [0, 0, 0, 3, 0xA1, 0xA2, 0xA3] + [0, 0, 0, 0] + [0, 0, 0, 1, 0xB1]

    @Test(arguments: [1, 2, 3, 5, 100])
    func dripFeedYieldsWholeFrames(chunkSize: Int) throws {
        let frames = try Self.frames(from: Self.twoFrames, chunkSize: chunkSize)
        #expect(frames.map { Array($0.readableBytesView) } == [[0xA1, 0xA2, 0xA3], [], [0xB1]])
    }

    @Test func partialFrameConsumesNothing() throws {
        var decoder = KafkaFrameDecoder()
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 0xA1])
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readerIndex == 0)
        var sizeOnly = ByteBuffer(bytes: [0, 0])
        #expect(try decoder.decode(buffer: &sizeOnly) == nil)
    }

    @Test func negativeSizeIsRejected() {
        var decoder = KafkaFrameDecoder()
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        let error = #expect(throws: KafkaWireError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .malformed)
    }

    @Test func oversizedFrameIsRejectedBeforeItsBodyArrives() throws {
        // The default maximum is 100 MiB; announce 100 MiB + 1 and send only the size.
        var decoder = KafkaFrameDecoder()
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(100 * 1024 * 1024 + 1))
        let error = #expect(throws: KafkaWireError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .tooLarge)

        // A configured maximum, hit byte by byte: the error comes with the 4th byte.
        let small = KafkaFrameDecoder(maximumFrameSize: 16)
        #expect(throws: KafkaWireError.self) { try Self.frames(from: [0, 0, 0, 17], chunkSize: 1, decoder: small) }
        #expect(
            try Self.frames(from: [0, 0, 0, 16] + [UInt8](repeating: 7, count: 16), chunkSize: 1, decoder: small).count
                == 1
        )
    }

    @Test func writeKafkaFramePatchesTheSize() {
        var buffer = ByteBuffer()
        let written = buffer.writeKafkaFrame { (body: inout ByteBuffer) in body.writeBytes([1, 2, 3]) }
        #expect(written == 7)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 3, 1, 2, 3])
    }
}
