import NIOCore

/// A frame header (native_protocol_v4.spec §2):
///
///     0         8        16        24        32         40
///     +---------+---------+---------+---------+---------+
///     | version |  flags  |      stream       | opcode  |
///     +---------+---------+---------+---------+---------+
///     |                length                 |
///     +---------+---------+---------+---------+
///
/// v3 and later (v5, DSE's 0x41/0x42 too) use this 9-byte header; v1 and v2 had an 8-byte header with a 1-byte
/// stream. The decoder reads either, so the first frame of a client trying another version can be answered.
public struct CQLFrameHeader: Hashable, Sendable {
    /// The protocol version (the version byte without its direction bit): 4 for this codec.
    public var version: UInt8
    /// The direction bit (0x80 of the version byte): set on responses.
    public var isResponse: Bool
    public var flags: CQLFrameFlags
    /// The stream id; -1 for server-initiated EVENTs.
    public var stream: Int16
    public var opcode: CQLOpcode
    /// The body's length in bytes.
    public var length: Int32

    /// The protocol version this codec speaks.
    public static let v4: UInt8 = 4

    public init(
        version: UInt8 = CQLFrameHeader.v4,
        isResponse: Bool,
        flags: CQLFrameFlags = [],
        stream: Int16,
        opcode: CQLOpcode,
        length: Int32
    ) {
        self.version = version
        self.isResponse = isResponse
        self.flags = flags
        self.stream = stream
        self.opcode = opcode
        self.length = length
    }

    /// The version byte as on the wire: the version with 0x80 set on responses.
    public var versionByte: UInt8 { version | (isResponse ? 0x80 : 0x00) }

    /// The header's size for a version: 8 bytes for v1 and v2 (1-byte stream), 9 for the others.
    public static func size(version: UInt8) -> Int {
        let version = version & 0x7F
        return version == 1 || version == 2 ? 8 : 9
    }

    /// The header's size for this header's version.
    public var size: Int { Self.size(version: version) }
}

extension ByteBuffer {
    /// Reads a frame header of whatever size its version byte says (8 bytes for v1/v2, else 9); `nil`, consuming
    /// nothing, when the whole header is not readable yet.
    public mutating func readCQLFrameHeader() -> CQLFrameHeader? {
        guard let versionByte = self.getInteger(at: self.readerIndex, as: UInt8.self) else { return nil }
        let size = CQLFrameHeader.size(version: versionByte)
        guard self.readableBytes >= size else { return nil }
        let index = self.readerIndex
        let flags = self.getInteger(at: index + 1, as: UInt8.self)!
        let stream: Int16
        let opcodeIndex: Int
        if size == 8 {
            stream = Int16(self.getInteger(at: index + 2, as: Int8.self)!)
            opcodeIndex = index + 3
        } else {
            stream = self.getInteger(at: index + 2, as: Int16.self)!
            opcodeIndex = index + 4
        }
        let opcode = self.getInteger(at: opcodeIndex, as: UInt8.self)!
        let length = self.getInteger(at: opcodeIndex + 1, as: Int32.self)!
        self.moveReaderIndex(forwardBy: size)
        return CQLFrameHeader(
            version: versionByte & 0x7F,
            isResponse: versionByte & 0x80 != 0,
            flags: CQLFrameFlags(rawValue: flags),
            stream: stream,
            opcode: CQLOpcode(rawValue: opcode),
            length: length
        )
    }

    /// Writes a frame header as is (the length included). Returns the number of bytes written.
    @discardableResult
    public mutating func writeCQLFrameHeader(_ header: CQLFrameHeader) -> Int {
        writeCQLFrameHeader(
            versionByte: header.versionByte,
            flags: header.flags,
            stream: header.stream,
            opcode: header.opcode,
            length: header.length
        )
    }

    @discardableResult
    mutating func writeCQLFrameHeader(
        versionByte: UInt8,
        flags: CQLFrameFlags,
        stream: Int16,
        opcode: CQLOpcode,
        length: Int32
    ) -> Int {
        var written = writeInteger(versionByte) + writeInteger(flags.rawValue)
        if CQLFrameHeader.size(version: versionByte) == 8 {
            written += writeInteger(Int8(truncatingIfNeeded: stream))
        } else {
            written += writeInteger(stream)
        }
        return written + writeInteger(opcode.rawValue) + writeInteger(length)
    }

    /// Writes one frame: its header with a length placeholder, whatever `body` writes, then the length patched in.
    /// Returns the number of bytes written, header included.
    ///
    /// - Parameter version: the whole version byte, direction bit included (`0x84` for a v4 response, `0x04` for a
    ///   v4 request).
    @discardableResult
    public mutating func writeCQLFrame<E: Error>(
        version: UInt8,
        flags: CQLFrameFlags = [],
        stream: Int16,
        opcode: CQLOpcode,
        body: (inout ByteBuffer) throws(E) -> Void
    ) throws(E) -> Int {
        let start = self.writerIndex
        let headerSize = writeCQLFrameHeader(
            versionByte: version,
            flags: flags,
            stream: stream,
            opcode: opcode,
            length: 0
        )
        do {
            try body(&self)
        } catch {
            self.moveWriterIndex(to: start)
            throw error
        }
        let length = self.writerIndex - start - headerSize
        self.setInteger(Int32(truncatingIfNeeded: length), at: start + headerSize - 4)
        return headerSize + length
    }
}
