/// What a statement asks for, once classified and translated.
enum TrinoStatement: Sendable {
    /// A query for SQLite, with what the translator knows about its result columns.
    case query(TranslatedQuery)
    /// A result computed without the store (`SHOW …`, `DESCRIBE`).
    case rows(columns: [Column], rows: [[TrinoValue]])
    /// A session statement (`SET SESSION`, `USE`, `PREPARE`, …): no rows, only response headers.
    case sessionUpdate(updateType: String, headers: [TrinoHeader])
}

/// A Trino query translated to SQLite.
struct TranslatedQuery: Sendable, Hashable {
    /// SQLite SQL.
    var sql: String
    /// Per result column, its Trino name and, where known, its type; `nil` when the select list has `*` (the result
    /// columns are then named and typed from SQLite's result).
    var columns: [ColumnHint]?
    /// Catalog tables the query reads, to type plain column references.
    var tables: [TrinoCatalog.Table]
    /// The original statement's tokens, to locate names SQLite complains about.
    var sourceTokens: [SQLToken]
}

struct ColumnHint: Sendable, Hashable {
    var name: String
    var type: TrinoType?
}
