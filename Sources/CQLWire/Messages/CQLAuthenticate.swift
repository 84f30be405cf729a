import NIOCore

/// AUTHENTICATE (native_protocol_v4.spec §4.2.3): a `[string]`, the authenticator's class name (e.g.
/// `org.apache.cassandra.auth.PasswordAuthenticator`).
public struct CQLAuthenticate: CQLMessage {
    public static let opcode = CQLOpcode.authenticate

    public var authenticator: String

    public init(authenticator: String) { self.authenticator = authenticator }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        authenticator = try decodeCQLMessage(body, "AUTHENTICATE") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLString()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLString(authenticator) }
}
