import NIOCore

/// A Prepared result (native_protocol_v4.spec §4.2.5.4): `<id><metadata><result_metadata>`.
public struct CQLPrepared: Hashable, Sendable {
    /// The prepared statement's id, a `[short bytes]` the client sends back in EXECUTE.
    public var id: [UInt8]
    /// The bind markers.
    public var metadata: CQLPreparedMetadata
    /// The columns an EXECUTE will return (``CQLRowsMetadata/empty`` for statements other than SELECT).
    public var resultMetadata: CQLRowsMetadata

    public init(id: [UInt8], metadata: CQLPreparedMetadata, resultMetadata: CQLRowsMetadata = .empty) {
        self.id = id
        self.metadata = metadata
        self.resultMetadata = resultMetadata
    }
}

/// A Prepared result's bind-marker `<metadata>` (§4.2.5.4, v4):
///
///     <flags><columns_count><pk_count>[<pk_index_1>...<pk_index_n>][<global_table_spec>?<col_spec_1>...<col_spec_n>]
///
/// `<flags>` is an [int] with only 0x0001 Global_tables_spec (used when encoding whenever all markers share a table).
public struct CQLPreparedMetadata: Hashable, Sendable {
    /// One spec per bind marker, in marker order.
    public var columns: [CQLColumnSpec]
    /// For each partition key column in order, the index of the marker that binds it; empty when some partition key
    /// column has no plain marker.
    public var partitionKeyIndexes: [UInt16]

    public init(columns: [CQLColumnSpec], partitionKeyIndexes: [UInt16] = []) {
        self.columns = columns
        self.partitionKeyIndexes = partitionKeyIndexes
    }
}

extension ByteBuffer {
    /// Writes a Prepared result's bind-marker metadata (v4).
    public mutating func writeCQLPreparedMetadata(_ metadata: CQLPreparedMetadata) {
        let global = metadata.columns.sharedTable != nil
        writeCQLInt(global ? 0x0001 : 0)
        writeCQLInt(Int32(metadata.columns.count))
        writeCQLInt(Int32(metadata.partitionKeyIndexes.count))
        for index in metadata.partitionKeyIndexes { writeCQLShort(index) }
        writeCQLColumnSpecs(metadata.columns, global: global)
    }

    /// Reads a Prepared result's bind-marker metadata (v4).
    public mutating func readCQLPreparedMetadata() throws(CQLWireError) -> CQLPreparedMetadata {
        let flags = try readCQLInt()
        let count = Int(try readCQLInt())
        let partitionKeyCount = Int(try readCQLInt())
        try checkCQLCount(partitionKeyCount, minimumSize: 2, "partition key index")
        var indexes: [UInt16] = []
        indexes.reserveCapacity(partitionKeyCount)
        for _ in 0..<partitionKeyCount { indexes.append(try readCQLShort()) }
        let columns = try readCQLColumnSpecs(count: count, global: flags & 0x0001 != 0)
        return CQLPreparedMetadata(columns: columns, partitionKeyIndexes: indexes)
    }
}
