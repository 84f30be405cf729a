import NIOCore

/// Splits a byte stream into Kafka frames (docs/protocols/kafka-record-format.md §5: "Every request and response: INT32
/// size (bytes following), then header, then body").
///
/// Each output is a slice of exactly one frame without its 4-byte size. The size is checked as soon as its 4 bytes
/// are readable — a negative size or one above ``maximumFrameSize`` throws before the body is waited for or
/// allocated. Partial reads consume nothing, so the decoder can be fed any split of the stream.
public struct KafkaFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// 100 MiB, Kafka's default `socket.request.max.bytes`.
    public static let defaultMaximumFrameSize = 100 * 1024 * 1024

    /// The largest frame (without its size prefix) accepted.
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = KafkaFrameDecoder.defaultMaximumFrameSize) {
        precondition(maximumFrameSize >= 0, "maximumFrameSize must not be negative")
        self.maximumFrameSize = maximumFrameSize
    }

    /// Returns the next whole frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: ``KafkaWireError`` `.malformed` for a negative size, `.tooLarge` for a size above the maximum.
    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        try self.decodeFrame(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try self.decodeFrame(&buffer)
    }

    private func decodeFrame(_ buffer: inout ByteBuffer) throws(KafkaWireError) -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard size >= 0 else {
            throw KafkaWireError(.malformed, "frame size \(size) is negative", bytes: buffer)
        }
        guard Int(size) <= self.maximumFrameSize else {
            throw KafkaWireError(
                .tooLarge,
                "frame of \(size) bytes exceeds the maximum of \(self.maximumFrameSize)",
                bytes: buffer
            )
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))!
    }
}

extension ByteBuffer {
    /// Writes one frame: a 4-byte size placeholder, whatever `body` writes, then the size patched in. Returns the
    /// number of bytes written including the size.
    @discardableResult
    public mutating func writeKafkaFrame<E: Error>(
        _ body: (inout ByteBuffer) throws(E) -> Void
    ) throws(E) -> Int {
        let sizeIndex = self.writerIndex
        self.writeInteger(0, as: Int32.self)
        try body(&self)
        let size = self.writerIndex - sizeIndex - 4
        self.setInteger(Int32(size), at: sizeIndex)
        return size + 4
    }
}
