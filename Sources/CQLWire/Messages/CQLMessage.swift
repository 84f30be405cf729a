import NIOCore

/// A message body (native_protocol_v4.spec §4): what follows the frame header and the flag-driven prefix
/// (``CQLFrame/Envelope``).
public protocol CQLMessage: Hashable, Sendable {
    /// The opcode of frames carrying this message.
    static var opcode: CQLOpcode { get }

    /// Decodes a message body; the body must be consumed exactly.
    ///
    /// - Throws: ``CQLWireError`` `.truncated`/`.malformed` for a body that is not this message, and
    ///   `.unsupportedVersion` when the layout depends on a version other than 4.
    init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError)

    /// Writes the message body (no frame header).
    func encode(into buffer: inout ByteBuffer) throws(CQLWireError)
}

extension CQLMessage {
    /// The message as a whole frame body.
    public func encoded() throws(CQLWireError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(into: &buffer)
        return buffer
    }
}

extension ByteBuffer {
    /// Writes a whole frame carrying `message`, its length back-patched.
    ///
    /// - Parameter version: the whole version byte, direction bit included (`0x84` for a v4 response).
    @discardableResult
    public mutating func writeCQLFrame(
        version: UInt8,
        flags: CQLFrameFlags = [],
        stream: Int16,
        message: some CQLMessage
    ) throws(CQLWireError) -> Int {
        try writeCQLFrame(version: version, flags: flags, stream: stream, opcode: type(of: message).opcode) {
            (body: inout ByteBuffer) throws(CQLWireError) in
            try message.encode(into: &body)
        }
    }
}

/// Runs `read` over a copy of `body` and requires every byte to be consumed.
@inlinable
func decodeCQLMessage<T>(
    _ body: ByteBuffer,
    _ what: StaticString,
    _ read: (inout ByteBuffer) throws(CQLWireError) -> T
) throws(CQLWireError) -> T {
    var buffer = body
    let value = try read(&buffer)
    guard buffer.readableBytes == 0 else {
        throw CQLWireError(.malformed, "\(buffer.readableBytes) bytes left after \(what)", bytes: buffer)
    }
    return value
}

/// Throws `.unsupportedVersion` unless `version` is 4 (for messages whose layout changed between versions).
@inlinable
func requireCQLv4(_ version: UInt8, _ what: StaticString) throws(CQLWireError) {
    guard version & 0x7F == CQLFrameHeader.v4 else {
        throw CQLWireError(.unsupportedVersion, "\(what) of protocol version \(version & 0x7F) (only v4 is decoded)")
    }
}
