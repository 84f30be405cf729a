import NIOCore

/// SUPPORTED (native_protocol_v4.spec §4.2.4): a `[string multimap]` of the STARTUP options and their values. The
/// python driver needs both `CQL_VERSION` and `COMPRESSION` (possibly empty).
public struct CQLSupported: CQLMessage {
    public static let opcode = CQLOpcode.supported

    public var options: [String: [String]]

    public init(options: [String: [String]]) { self.options = options }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        options = try decodeCQLMessage(body, "SUPPORTED") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLStringMultimap()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLStringMultimap(options) }
}
