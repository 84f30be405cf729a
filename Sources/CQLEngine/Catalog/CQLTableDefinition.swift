import CQLWire
import Foundation

/// What a column is in its table (system_schema.columns `kind`).
enum CQLColumnKind: String, Sendable, Codable {
    case partitionKey = "partition_key"
    case clustering
    case regular
    case `static`
}

struct CQLColumnDefinition: Sendable, Hashable {
    var name: String
    var type: CQLTypeExpression
    var kind: CQLColumnKind
    /// Index in the partition key or clustering columns; -1 for regular and static columns.
    var position: Int
    /// Clustering order (clustering columns only).
    var descending: Bool = false

    var cqlType: CQLType { type.cqlType }
    var isPrimaryKey: Bool { kind == .partitionKey || kind == .clustering }

    /// `asc`, `desc` or `none` (system_schema.columns `clustering_order`).
    var clusteringOrder: String {
        kind == .clustering ? (descending ? "desc" : "asc") : "none"
    }
}

/// Where a table's rows live.
enum CQLTableStorage: Sendable, Hashable {
    /// A real SQLite table: `schema` is the attached database name, `table` the SQLite table name.
    /// `native` for the pipeline's own tables (their SQLite definition is the store's, not derived from CQL).
    case sqlite(schema: String, table: String, native: Bool)
    /// Computed from the catalog and configuration (system tables).
    case virtual(CQLSystemTable)
}

/// A table's definition: columns in `SELECT *` order (partition key, clustering, then the others by name).
struct CQLTableDefinition: Sendable {
    var keyspace: String
    var name: String
    var id: CQLUUID
    var columns: [CQLColumnDefinition]
    var options: CQLTableOptions
    var storage: CQLTableStorage
    /// Native tables: columns SQLite stores NOT NULL (without a default) that an INSERT must give.
    var requiredColumns: [String] = []

    init(
        keyspace: String,
        name: String,
        id: CQLUUID,
        columns: [CQLColumnDefinition],
        options: CQLTableOptions = CQLTableOptions(),
        storage: CQLTableStorage,
        requiredColumns: [String] = []
    ) {
        self.keyspace = keyspace
        self.name = name
        self.id = id
        self.columns = Self.ordered(columns)
        self.options = options
        self.storage = storage
        self.requiredColumns = requiredColumns
    }

    /// Partition key, clustering (by position), static then regular columns by name.
    static func ordered(_ columns: [CQLColumnDefinition]) -> [CQLColumnDefinition] {
        func rank(_ kind: CQLColumnKind) -> Int {
            switch kind {
            case .partitionKey: 0
            case .clustering: 1
            case .static: 2
            case .regular: 3
            }
        }
        return columns.sorted { a, b in
            if rank(a.kind) != rank(b.kind) { return rank(a.kind) < rank(b.kind) }
            if a.isPrimaryKey { return a.position < b.position }
            return a.name < b.name
        }
    }

    var partitionKey: [CQLColumnDefinition] { columns.filter { $0.kind == .partitionKey } }
    var clustering: [CQLColumnDefinition] { columns.filter { $0.kind == .clustering } }
    var primaryKey: [CQLColumnDefinition] { columns.filter(\.isPrimaryKey) }

    func column(_ name: String) -> CQLColumnDefinition? {
        columns.first { $0.name == name }
    }

    func requireColumn(_ name: String) throws(CQLEngineError) -> CQLColumnDefinition {
        guard let column = column(name) else {
            throw CQLEngineError.invalid(
                "Undefined column name \(name) in table \(keyspace).\(name == self.name ? name : self.name)"
            )
        }
        return column
    }

    func spec(_ column: CQLColumnDefinition, name: String? = nil) -> CQLColumnSpec {
        CQLColumnSpec(keyspace: keyspace, table: self.name, name: name ?? column.name, type: column.cqlType)
    }

    var isVirtual: Bool {
        if case .virtual = storage { return true }
        return false
    }

    var isNative: Bool {
        if case .sqlite(_, _, let native) = storage { return native }
        return false
    }

    /// `"schema"."table"` for SQL.
    var sqlName: String {
        guard case .sqlite(let schema, let table, _) = storage else { return "" }
        return "\(CQLSQL.quote(schema)).\(CQLSQL.quote(table))"
    }
}

enum CQLSQL {
    static func quote(_ identifier: String) -> String {
        guard identifier.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + identifier + "\"" }
        return "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
