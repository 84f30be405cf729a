import NIOCore

/// AUTH_SUCCESS (native_protocol_v4.spec §4.2.8): a `[bytes]` token with final information (often null).
public struct CQLAuthSuccess: CQLMessage {
    public static let opcode = CQLOpcode.authSuccess

    public var token: [UInt8]?

    public init(token: [UInt8]? = nil) { self.token = token }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        token = try decodeCQLMessage(body, "AUTH_SUCCESS") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLBytes()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLBytes(token) }
}
