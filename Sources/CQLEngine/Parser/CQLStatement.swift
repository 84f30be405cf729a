import CQLWire

/// A table (or keyspace-less table) name as written: `ks.t` or `t`.
struct CQLQualifiedName: Hashable, Sendable {
    var keyspace: String?
    var name: String
}

/// A value expression: a constant, a bind marker, a collection literal or a function call.
indirect enum CQLTerm: Sendable {
    case string(String)
    /// An integer constant as written (it may not fit 64 bits: varint).
    case integer(String)
    /// A float constant as written (`1.5`, `-2e3`, `NaN`, `-Infinity`).
    case float(String)
    case boolean(Bool)
    case null
    case uuid(CQLUUID)
    case blob([UInt8])
    /// The statement's `index`-th bind marker (0-based, in text order).
    case marker(Int)
    case list([CQLTerm])
    /// `{a, b}`; `{}` is also an empty map.
    case set([CQLTerm])
    case map([(CQLTerm, CQLTerm)])
    case tuple([CQLTerm])
    /// `name(arguments)`, name lowercased (`now`, `uuid`, `totimestamp`, …).
    case function(String, [CQLTerm])

    var isMarker: Bool {
        if case .marker = self { return true }
        return false
    }
}

/// `WHERE column <op> value`.
struct CQLRelation: Sendable {
    enum Operator: String, Sendable {
        case equal = "="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case notEqual = "!="
        case `in` = "IN"
        case contains = "CONTAINS"
        case containsKey = "CONTAINS KEY"
    }

    var column: String
    var op: Operator
    /// The value; for `IN (a, b)` a `.list` of the candidates, for `IN ?` the marker itself.
    var value: CQLTerm
}

/// One `SELECT` selector.
indirect enum CQLSelector: Sendable {
    case column(String)
    /// `COUNT(*)` or `COUNT(1)`.
    case countAll
    /// A function of selectors (`now()`, `totimestamp(now())`, `writetime(c)`, `count(c)`, `max(c)`, …).
    case function(String, [CQLSelector])
    case term(CQLTerm)
}

struct CQLSelection: Sendable {
    var selector: CQLSelector
    var alias: String?
}

/// One `SET` clause of an UPDATE.
enum CQLAssignment: Sendable {
    /// `c = v`
    case set(String, CQLTerm)
    /// `c = c + v` (append, add, put, increment) and `c += v`.
    case add(String, CQLTerm)
    /// `c = v + c` (list prepend).
    case prepend(String, CQLTerm)
    /// `c = c - v` (remove, decrement) and `c -= v`.
    case subtract(String, CQLTerm)
    /// `c[k] = v` (map put, list element set).
    case setElement(String, key: CQLTerm, value: CQLTerm)

    var column: String {
        switch self {
        case .set(let column, _), .add(let column, _), .prepend(let column, _), .subtract(let column, _),
            .setElement(let column, _, _):
            column
        }
    }
}

/// The `IF` part of a lightweight transaction.
enum CQLConditions: Sendable {
    case none
    case exists
    case notExists
    case columns([CQLRelation])

    var isConditional: Bool {
        if case .none = self { return false }
        return true
    }
}

struct CQLCreateKeyspace: Sendable {
    var name: String
    var ifNotExists: Bool
    var properties: [(String, CQLTerm)]
}

struct CQLColumnDeclaration: Sendable {
    var name: String
    var type: CQLTypeExpression
    var isStatic: Bool
}

struct CQLCreateTable: Sendable {
    var table: CQLQualifiedName
    var ifNotExists: Bool
    var columns: [CQLColumnDeclaration]
    var partitionKey: [String]
    var clustering: [String]
    /// `WITH CLUSTERING ORDER BY (c DESC, …)`: descending per column.
    var clusteringOrder: [(String, descending: Bool)]
    var properties: [(String, CQLTerm)]
    var compactStorage: Bool
}

struct CQLInsert: Sendable {
    var table: CQLQualifiedName
    var columns: [String]
    var values: [CQLTerm]
    var ifNotExists: Bool
    var ttl: CQLTerm?
    var timestamp: CQLTerm?
}

struct CQLUpdate: Sendable {
    var table: CQLQualifiedName
    var ttl: CQLTerm?
    var timestamp: CQLTerm?
    var assignments: [CQLAssignment]
    var whereClause: [CQLRelation]
    var conditions: CQLConditions
}

struct CQLDelete: Sendable {
    /// Columns to delete; empty to delete rows.
    var columns: [String]
    var table: CQLQualifiedName
    var timestamp: CQLTerm?
    var whereClause: [CQLRelation]
    var conditions: CQLConditions
}

struct CQLSelect: Sendable {
    var distinct: Bool
    var json: Bool
    /// nil for `*`.
    var selections: [CQLSelection]?
    var table: CQLQualifiedName
    var whereClause: [CQLRelation]
    var orderBy: [(String, descending: Bool)]
    var perPartitionLimit: CQLTerm?
    var limit: CQLTerm?
    var allowFiltering: Bool
}

/// Batch types (native_protocol_v4.spec §4.1.7): logged, unlogged, counter.
public enum CQLBatchType: UInt8, Sendable {
    case logged = 0
    case unlogged = 1
    case counter = 2
}

struct CQLBatch: Sendable {
    var type: CQLBatchType
    var timestamp: CQLTerm?
    var statements: [CQLStatement]
}

enum CQLDescribe: Sendable {
    case cluster
    case keyspaces
    /// nil: the session's keyspace.
    case keyspace(String?, onlyKeyspace: Bool)
    case tables
    case table(CQLQualifiedName)
    case schema(full: Bool)
    case types
    case functions
    case aggregates
    /// `DESCRIBE name`: a keyspace, or else a table.
    case name(CQLQualifiedName)
}

/// A parsed statement.
indirect enum CQLStatement: Sendable {
    case use(String)
    case createKeyspace(CQLCreateKeyspace)
    case alterKeyspace(CQLCreateKeyspace)
    case dropKeyspace(String, ifExists: Bool)
    case createTable(CQLCreateTable)
    case dropTable(CQLQualifiedName, ifExists: Bool)
    case truncate(CQLQualifiedName)
    case insert(CQLInsert)
    case update(CQLUpdate)
    case delete(CQLDelete)
    case select(CQLSelect)
    case batch(CQLBatch)
    case describe(CQLDescribe)

    /// The table a data statement works on.
    var table: CQLQualifiedName? {
        switch self {
        case .insert(let insert): insert.table
        case .update(let update): update.table
        case .delete(let delete): delete.table
        case .select(let select): select.table
        case .truncate(let name): name
        case .createTable(let create): create.table
        case .dropTable(let name, _): name
        default: nil
        }
    }
}

/// A statement and its bind markers: `nil` for `?`, the name for `:name`.
struct CQLParsedStatement: Sendable {
    var statement: CQLStatement
    var markers: [String?]
}

extension CQLStatement {
    /// Whether the statement's result can span pages (its paging state needs the query's fingerprint).
    var pages: Bool {
        switch self {
        case .select, .describe: true
        default: false
        }
    }
}
