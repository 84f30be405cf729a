import NIOCore

/// PREPARE (native_protocol_v4.spec §4.1.5): the query as a `[long string]`; the server answers RESULT Prepared.
public struct CQLPrepare: CQLMessage {
    public static let opcode = CQLOpcode.prepare

    public var query: String

    public init(query: String) { self.query = query }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try requireCQLv4(version, "PREPARE")
        query = try decodeCQLMessage(body, "PREPARE") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLLongString()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLLongString(query) }
}
