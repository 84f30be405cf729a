import NIOCore

/// Splits a byte stream into CQL frames (native_protocol_v4.spec §2).
///
/// The header's size comes from its version byte (8 bytes for v1/v2, 9 for the others), and a frame of any version
/// or opcode is returned: answering an unsupported version or an unknown opcode with a protocol error is the
/// server's business, not the framing's. The length is checked as soon as the header is readable — a negative
/// length or one above ``maximumFrameSize`` throws before the body is waited for or allocated. Partial reads consume
/// nothing, so the decoder can be fed any split of the stream.
public struct CQLFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = CQLFrame

    /// 16 MiB (Cassandra's default `native_transport_max_frame_size` since 4.0).
    public static let defaultMaximumFrameSize = 16 * 1024 * 1024

    /// The largest body accepted, in bytes (the header not counted).
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = CQLFrameDecoder.defaultMaximumFrameSize) {
        precondition(maximumFrameSize >= 0, "maximumFrameSize must not be negative")
        self.maximumFrameSize = maximumFrameSize
    }

    /// Returns the next whole frame, or `nil` when more bytes are needed.
    ///
    /// - Throws: ``CQLWireError`` `.malformed` for a negative length, `.tooLarge` for one above the maximum.
    public mutating func decode(buffer: inout ByteBuffer) throws -> CQLFrame? {
        try self.decodeFrame(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> CQLFrame? {
        try self.decodeFrame(&buffer)
    }

    private func decodeFrame(_ buffer: inout ByteBuffer) throws(CQLWireError) -> CQLFrame? {
        var peek = buffer
        guard let header = peek.readCQLFrameHeader() else { return nil }
        guard header.length >= 0 else {
            throw CQLWireError(.malformed, "frame length \(header.length) is negative", bytes: buffer)
        }
        guard Int(header.length) <= self.maximumFrameSize else {
            throw CQLWireError(
                .tooLarge,
                "frame of \(header.length) bytes exceeds the maximum of \(self.maximumFrameSize)",
                bytes: buffer
            )
        }
        guard peek.readableBytes >= Int(header.length) else { return nil }
        buffer.moveReaderIndex(forwardBy: header.size)
        return CQLFrame(header: header, body: buffer.readSlice(length: Int(header.length))!)
    }
}
