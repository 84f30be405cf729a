import NIOCore

/// QUERY (native_protocol_v4.spec §4.1.4): `<query><query_parameters>`, the query a `[long string]`.
public struct CQLQuery: CQLMessage {
    public static let opcode = CQLOpcode.query

    public var query: String
    public var parameters: CQLQueryParameters

    public init(query: String, parameters: CQLQueryParameters = CQLQueryParameters()) {
        self.query = query
        self.parameters = parameters
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try requireCQLv4(version, "QUERY")
        self = try decodeCQLMessage(body, "QUERY") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let query = try buffer.readCQLLongString()
            return CQLQuery(query: query, parameters: try buffer.readCQLQueryParameters())
        }
    }

    public func encode(into buffer: inout ByteBuffer) throws(CQLWireError) {
        buffer.writeCQLLongString(query)
        try buffer.writeCQLQueryParameters(parameters)
    }
}
