import NIOCore

/// REGISTER (native_protocol_v4.spec §4.1.8): a `[string list]` of event types (`TOPOLOGY_CHANGE`,
/// `STATUS_CHANGE`, `SCHEMA_CHANGE`); the server answers READY.
public struct CQLRegister: CQLMessage {
    public static let opcode = CQLOpcode.register

    public var events: [String]

    public init(events: [String]) { self.events = events }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        events = try decodeCQLMessage(body, "REGISTER") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            try buffer.readCQLStringList()
        }
    }

    public func encode(into buffer: inout ByteBuffer) { buffer.writeCQLStringList(events) }
}
