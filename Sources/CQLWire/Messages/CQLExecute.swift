import NIOCore

/// EXECUTE (native_protocol_v4.spec §4.1.6): `<id><query_parameters>`, the id the `[short bytes]` a Prepared result
/// returned.
public struct CQLExecute: CQLMessage {
    public static let opcode = CQLOpcode.execute

    public var id: [UInt8]
    public var parameters: CQLQueryParameters

    public init(id: [UInt8], parameters: CQLQueryParameters = CQLQueryParameters()) {
        self.id = id
        self.parameters = parameters
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try requireCQLv4(version, "EXECUTE")
        self = try decodeCQLMessage(body, "EXECUTE") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let id = try buffer.readCQLShortBytes()
            return CQLExecute(id: id, parameters: try buffer.readCQLQueryParameters())
        }
    }

    public func encode(into buffer: inout ByteBuffer) throws(CQLWireError) {
        buffer.writeCQLShortBytes(id)
        try buffer.writeCQLQueryParameters(parameters)
    }
}
