import NIOCore

/// A Rows result's `<metadata>` (native_protocol_v4.spec §4.2.5.2):
///
///     <flags><columns_count>[<paging_state>][<global_table_spec>?<col_spec_1>...<col_spec_n>]
///
/// `<flags>` is an [int]: 0x0001 Global_tables_spec, 0x0002 Has_more_pages, 0x0004 No_metadata. When encoding, the
/// global table spec is used whenever all columns share one table, and Has_more_pages whenever there is a paging
/// state.
public struct CQLRowsMetadata: Hashable, Sendable {
    /// The flag bits of `<flags>`.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let globalTablesSpec = Flags(rawValue: 0x0001)
        public static let hasMorePages = Flags(rawValue: 0x0002)
        public static let noMetadata = Flags(rawValue: 0x0004)
    }

    /// The columns with their types. Empty when a No_metadata result was decoded without the columns known (then
    /// ``columnCount`` still says how many there are and the values decode as blobs).
    public var columns: [CQLColumnSpec]
    /// `<columns_count>`: `columns.count` unless a No_metadata result was decoded without the columns.
    public var columnCount: Int
    /// Where the next page starts (Has_more_pages); `nil` on the last page.
    public var pagingState: [UInt8]?
    /// Leave the column specs out (No_metadata; the client asked with Skip_metadata). The types in ``columns`` are
    /// still used to encode the values.
    public var noMetadata: Bool

    public init(columns: [CQLColumnSpec], pagingState: [UInt8]? = nil, noMetadata: Bool = false) {
        self.columns = columns
        self.columnCount = columns.count
        self.pagingState = pagingState
        self.noMetadata = noMetadata
    }

    /// No columns, No_metadata: the result metadata of a prepared statement that is not a SELECT.
    public static let empty = CQLRowsMetadata(columns: [], noMetadata: true)

    /// The flags `encode` writes.
    public var flags: Flags {
        var flags: Flags = []
        if !noMetadata, columns.sharedTable != nil { flags.insert(.globalTablesSpec) }
        if pagingState != nil { flags.insert(.hasMorePages) }
        if noMetadata { flags.insert(.noMetadata) }
        return flags
    }

    /// The type of column `index` (a blob when the columns are not known).
    @inlinable
    func type(at index: Int) -> CQLType { columns.isEmpty ? .blob : columns[index].type }
}

/// A Rows result (native_protocol_v4.spec §4.2.5.2): `<metadata><rows_count><rows_content>`, each row
/// `<columns_count>` `[bytes]` values encoded for their column's type. To stream many rows without building this
/// array, use ``CQLRowsWriter``.
public struct CQLRows: Hashable, Sendable {
    public var metadata: CQLRowsMetadata
    public var rows: [[CQLValue]]

    public init(metadata: CQLRowsMetadata, rows: [[CQLValue]]) {
        self.metadata = metadata
        self.rows = rows
    }
}

/// Writes a RESULT Rows body straight into a buffer, row by row: the kind, the metadata and a row-count placeholder
/// when created, each row as it comes, the count on ``finish(_:)``.
public struct CQLRowsWriter {
    private let metadata: CQLRowsMetadata
    private let countIndex: Int
    /// The rows written so far.
    public private(set) var rowCount: Int32 = 0

    /// Writes the RESULT kind (Rows), the metadata and the row-count placeholder.
    public init(metadata: CQLRowsMetadata, into buffer: inout ByteBuffer) {
        buffer.writeCQLInt(CQLResult.Kind.rows.rawValue)
        self.init(metadataOnly: metadata, into: &buffer)
    }

    init(metadataOnly metadata: CQLRowsMetadata, into buffer: inout ByteBuffer) {
        self.metadata = metadata
        buffer.writeCQLRowsMetadata(metadata)
        self.countIndex = buffer.writerIndex
        buffer.writeCQLInt(0)
    }

    /// Writes one row: one value per column, encoded as the column's type. Nothing is written when it throws.
    ///
    /// - Throws: ``CQLWireError`` `.invalidValue` for a row of the wrong width or a value that does not fit its
    ///   column.
    public mutating func writeRow(_ row: some Collection<CQLValue>, into buffer: inout ByteBuffer) throws(CQLWireError)
    {
        guard row.count == metadata.columnCount else {
            throw CQLWireError(.invalidValue, "row of \(row.count) values for \(metadata.columnCount) columns")
        }
        let start = buffer.writerIndex
        do {
            var index = 0
            for value in row {
                try buffer.writeCQLValue(value, as: metadata.type(at: index))
                index += 1
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
        rowCount += 1
    }

    /// Patches the row count in.
    public func finish(_ buffer: inout ByteBuffer) {
        buffer.setInteger(rowCount, at: countIndex)
    }
}

extension Array where Element == CQLColumnSpec {
    /// The keyspace and table all columns share, if there is at least one column and they all do.
    var sharedTable: (keyspace: String, table: String)? {
        guard let first = self.first else { return nil }
        for column in self.dropFirst() where column.keyspace != first.keyspace || column.table != first.table {
            return nil
        }
        return (first.keyspace, first.table)
    }
}

extension ByteBuffer {
    /// Writes column specs: a global table spec first when `global`, else keyspace and table on each.
    mutating func writeCQLColumnSpecs(_ columns: [CQLColumnSpec], global: Bool) {
        if global, let shared = columns.sharedTable {
            writeCQLString(shared.keyspace)
            writeCQLString(shared.table)
        }
        for column in columns {
            if !global {
                writeCQLString(column.keyspace)
                writeCQLString(column.table)
            }
            writeCQLString(column.name)
            writeCQLOption(column.type)
        }
    }

    /// Reads `count` column specs (the global table spec first when `global`).
    mutating func readCQLColumnSpecs(count: Int, global: Bool) throws(CQLWireError) -> [CQLColumnSpec] {
        try checkCQLCount(count, minimumSize: global ? 4 : 8, "column spec")
        var keyspace = ""
        var table = ""
        if global {
            keyspace = try readCQLString()
            table = try readCQLString()
        }
        var columns: [CQLColumnSpec] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            if !global {
                keyspace = try readCQLString()
                table = try readCQLString()
            }
            let name = try readCQLString()
            columns.append(CQLColumnSpec(keyspace: keyspace, table: table, name: name, type: try readCQLOption()))
        }
        return columns
    }

    /// Writes a Rows `<metadata>`.
    public mutating func writeCQLRowsMetadata(_ metadata: CQLRowsMetadata) {
        let flags = metadata.flags
        writeCQLInt(flags.rawValue)
        writeCQLInt(Int32(metadata.columnCount))
        if let pagingState = metadata.pagingState { writeCQLBytes(pagingState) }
        if !metadata.noMetadata {
            writeCQLColumnSpecs(metadata.columns, global: flags.contains(.globalTablesSpec))
        }
    }

    /// Reads a Rows `<metadata>`. For a No_metadata result, `knownColumns` (the columns the client got from
    /// PREPARE) are used when they are as many as `<columns_count>`.
    public mutating func readCQLRowsMetadata(
        knownColumns: [CQLColumnSpec]? = nil
    ) throws(CQLWireError) -> CQLRowsMetadata {
        let flags = CQLRowsMetadata.Flags(rawValue: try readCQLInt())
        let count = Int(try readCQLInt())
        guard count >= 0 else {
            throw CQLWireError(.malformed, "column count \(count) is negative", bytes: self)
        }
        var metadata = CQLRowsMetadata(columns: [], noMetadata: flags.contains(.noMetadata))
        metadata.columnCount = count
        if flags.contains(.hasMorePages) {
            guard let state = try readCQLBytes() else {
                throw CQLWireError(.malformed, "Has_more_pages with a null paging state", bytes: self)
            }
            metadata.pagingState = state
        }
        if metadata.noMetadata {
            if let knownColumns, knownColumns.count == count { metadata.columns = knownColumns }
        } else {
            metadata.columns = try readCQLColumnSpecs(count: count, global: flags.contains(.globalTablesSpec))
        }
        return metadata
    }

    /// Reads `<rows_count><rows_content>` for `metadata`'s columns.
    mutating func readCQLRowsContent(_ metadata: CQLRowsMetadata) throws(CQLWireError) -> [[CQLValue]] {
        let rowCount = Int(try readCQLInt())
        guard rowCount >= 0 else {
            throw CQLWireError(.malformed, "row count \(rowCount) is negative", bytes: self)
        }
        let columnCount = metadata.columnCount
        if rowCount == 0 { return [] }
        guard columnCount > 0 else {
            throw CQLWireError(.malformed, "\(rowCount) rows without columns", bytes: self)
        }
        try checkCQLCount(rowCount, minimumSize: 4 * columnCount, "row")
        var rows: [[CQLValue]] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var row: [CQLValue] = []
            row.reserveCapacity(columnCount)
            for index in 0..<columnCount { row.append(try readCQLValue(as: metadata.type(at: index))) }
            rows.append(row)
        }
        return rows
    }
}
