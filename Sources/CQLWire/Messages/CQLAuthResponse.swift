import NIOCore

/// AUTH_RESPONSE (native_protocol_v4.spec §4.1.2): a `[bytes]` SASL token (for PasswordAuthenticator,
/// `\0user\0password`).
public struct CQLAuthResponse: CQLMessage {
    public static let opcode = CQLOpcode.authResponse

    public var token: [UInt8]?

    public init(token: [UInt8]?) { self.token = token }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        token = try decodeCQLMessage(body, "AUTH_RESPONSE") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLBytes()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLBytes(token) }
}
