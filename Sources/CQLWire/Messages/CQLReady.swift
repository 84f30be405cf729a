import NIOCore

/// READY (native_protocol_v4.spec §4.2.2): an empty body, the answer to STARTUP (without authentication) and
/// REGISTER.
public struct CQLReady: CQLMessage {
    public static let opcode = CQLOpcode.ready

    public init() {}

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try decodeCQLMessage(body, "READY") { (_: inout ByteBuffer) throws(CQLWireError) in }
    }

    public func encode(into buffer: inout ByteBuffer) {}
}
