import NIOCore

/// OPTIONS (native_protocol_v4.spec §4.1.3): an empty body; the server answers SUPPORTED.
public struct CQLOptions: CQLMessage {
    public static let opcode = CQLOpcode.options

    public init() {}

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try decodeCQLMessage(body, "OPTIONS") { (_: inout ByteBuffer) throws(CQLWireError) in }
    }

    public func encode(into buffer: inout ByteBuffer) {}
}
