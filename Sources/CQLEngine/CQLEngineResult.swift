import CQLWire

/// A RESULT message's content (native_protocol_v4.spec §4.2.5).
public enum CQLEngineResult: Sendable, Hashable {
    /// Kind Void.
    case void
    /// Kind Rows: column specs, rows of values in column order, and the paging state of the next page (nil on the
    /// last page). Values use ``CQLValue``'s case for each column type (`time` and `counter` as `.bigint`).
    case rows(columns: [CQLColumnSpec], rows: [[CQLValue]], pagingState: [UInt8]?)
    /// Kind Set_keyspace.
    case setKeyspace(String)
    /// Kind Schema_change; the server also sends it as an EVENT to registered connections.
    case schemaChange(CQLSchemaChange)
}

/// A prepared statement (RESULT kind Prepared, §4.2.5.4).
public struct CQLPreparedStatement: Sendable, Hashable {
    /// 16 bytes: MD5 of the keyspace (if the query names none) and the query text, as Cassandra derives it.
    public var id: [UInt8]
    /// One spec per bind marker, in order: named after the column (or the `:name`), `[limit]`, `[ttl]`,
    /// `[timestamp]`, `in(col)`.
    public var boundColumns: [CQLColumnSpec]
    /// For each partition key column, the index of the marker that binds it with `=`; empty unless all of them are
    /// bound that way (the driver's token-aware routing).
    public var partitionKeyIndexes: [UInt16]
    /// The columns of the rows it returns (empty for statements without rows and for conditional updates, whose
    /// columns depend on the outcome).
    public var resultColumns: [CQLColumnSpec]

    public init(
        id: [UInt8],
        boundColumns: [CQLColumnSpec],
        partitionKeyIndexes: [UInt16],
        resultColumns: [CQLColumnSpec]
    ) {
        self.id = id
        self.boundColumns = boundColumns
        self.partitionKeyIndexes = partitionKeyIndexes
        self.resultColumns = resultColumns
    }
}

/// One statement of a BATCH message (§4.1.7): a query string or a prepared id, with its bound values.
public enum CQLBatchStatement: Sendable, Hashable {
    case query(String, [CQLBoundValue])
    case prepared([UInt8], [CQLBoundValue])
}
