import NIOCore

/// STARTUP (native_protocol_v4.spec §4.1.1): a `[string map]` of options (`CQL_VERSION`, `COMPRESSION`,
/// `NO_COMPACT`, `THROW_ON_OVERLOAD`, and driver keys such as `DRIVER_NAME`, which a server ignores).
public struct CQLStartup: CQLMessage {
    public static let opcode = CQLOpcode.startup

    public var options: [String: String]

    public init(options: [String: String]) { self.options = options }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        options = try decodeCQLMessage(body, "STARTUP") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLStringMap()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLStringMap(options) }

    /// `CQL_VERSION` (mandatory per the spec).
    public var cqlVersion: String? { options["CQL_VERSION"] }
    /// `COMPRESSION`, when the client asks for it.
    public var compression: String? { options["COMPRESSION"] }
}
