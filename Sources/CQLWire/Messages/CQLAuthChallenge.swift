import NIOCore

/// AUTH_CHALLENGE (native_protocol_v4.spec §4.2.7): a `[bytes]` SASL token.
public struct CQLAuthChallenge: CQLMessage {
    public static let opcode = CQLOpcode.authChallenge

    public var token: [UInt8]?

    public init(token: [UInt8]?) { self.token = token }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        token = try decodeCQLMessage(body, "AUTH_CHALLENGE") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLBytes()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLBytes(token) }
}
