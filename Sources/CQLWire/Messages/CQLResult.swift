import NIOCore

/// RESULT (native_protocol_v4.spec §4.2.5): an [int] kind, then the kind's body.
public enum CQLResult: CQLMessage {
    public static let opcode = CQLOpcode.result

    /// The `<kind>` [int].
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let void = Kind(rawValue: 0x0001)
        public static let rows = Kind(rawValue: 0x0002)
        public static let setKeyspace = Kind(rawValue: 0x0003)
        public static let prepared = Kind(rawValue: 0x0004)
        public static let schemaChange = Kind(rawValue: 0x0005)
    }

    /// 0x0001 Void: nothing more.
    case void
    /// 0x0002 Rows (§4.2.5.2).
    case rows(CQLRows)
    /// 0x0003 Set_keyspace: the keyspace, a `[string]`.
    case setKeyspace(String)
    /// 0x0004 Prepared (§4.2.5.4).
    case prepared(CQLPrepared)
    /// 0x0005 Schema_change: `<change_type><target><options>` as in EVENT.
    case schemaChange(CQLSchemaChange)

    public var kind: Kind {
        switch self {
        case .void: .void
        case .rows: .rows
        case .setKeyspace: .setKeyspace
        case .prepared: .prepared
        case .schemaChange: .schemaChange
        }
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try self.init(decoding: body, version: version, knownColumns: nil)
    }

    /// Decodes a RESULT; a Rows result without metadata (the query had Skip_metadata) uses `knownColumns` (the
    /// prepared statement's result columns) to decode its values.
    public init(decoding body: ByteBuffer, version: UInt8, knownColumns: [CQLColumnSpec]?) throws(CQLWireError) {
        try requireCQLv4(version, "RESULT")
        self = try decodeCQLMessage(body, "RESULT") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let kind = Kind(rawValue: try buffer.readCQLInt())
            switch kind {
            case .void:
                return .void
            case .rows:
                let metadata = try buffer.readCQLRowsMetadata(knownColumns: knownColumns)
                return .rows(CQLRows(metadata: metadata, rows: try buffer.readCQLRowsContent(metadata)))
            case .setKeyspace:
                return .setKeyspace(try buffer.readCQLString())
            case .prepared:
                let id = try buffer.readCQLShortBytes()
                let metadata = try buffer.readCQLPreparedMetadata()
                let resultMetadata = try buffer.readCQLRowsMetadata()
                return .prepared(CQLPrepared(id: id, metadata: metadata, resultMetadata: resultMetadata))
            case .schemaChange:
                return .schemaChange(try buffer.readCQLSchemaChange())
            default:
                throw CQLWireError(.malformed, "unknown RESULT kind \(kind.rawValue)", bytes: buffer)
            }
        }
    }

    /// - Throws: ``CQLWireError`` `.invalidValue` when a row does not fit its columns (nothing of that row is
    ///   written, but the rows before it are).
    public func encode(into buffer: inout ByteBuffer) throws(CQLWireError) {
        switch self {
        case .void:
            buffer.writeCQLInt(Kind.void.rawValue)
        case .rows(let rows):
            var writer = CQLRowsWriter(metadata: rows.metadata, into: &buffer)
            for row in rows.rows { try writer.writeRow(row, into: &buffer) }
            writer.finish(&buffer)
        case .setKeyspace(let keyspace):
            buffer.writeCQLInt(Kind.setKeyspace.rawValue)
            buffer.writeCQLString(keyspace)
        case .prepared(let prepared):
            buffer.writeCQLInt(Kind.prepared.rawValue)
            buffer.writeCQLShortBytes(prepared.id)
            buffer.writeCQLPreparedMetadata(prepared.metadata)
            buffer.writeCQLRowsMetadata(prepared.resultMetadata)
        case .schemaChange(let change):
            buffer.writeCQLInt(Kind.schemaChange.rawValue)
            buffer.writeCQLSchemaChange(change)
        }
    }
}
