import CQLWire

/// A column type as CQL text declares it: ``CQLType`` plus where `frozen<…>` was written, so that
/// `system_schema.columns.type` and DESCRIBE show it back (`frozen<list<int>>`).
indirect enum CQLTypeExpression: Hashable, Sendable, CustomStringConvertible {
    case native(CQLType)
    case list(CQLTypeExpression)
    case set(CQLTypeExpression)
    case map(CQLTypeExpression, CQLTypeExpression)
    case tuple([CQLTypeExpression])
    case frozen(CQLTypeExpression)

    var cqlType: CQLType {
        switch self {
        case .native(let type): type
        case .list(let element): .list(element.cqlType)
        case .set(let element): .set(element.cqlType)
        case .map(let key, let value): .map(key.cqlType, value.cqlType)
        case .tuple(let elements): .tuple(elements.map(\.cqlType))
        case .frozen(let inner): inner.cqlType
        }
    }

    /// Non-frozen collections: they can be modified element-wise and cannot be part of a primary key.
    var isMultiCell: Bool {
        switch self {
        case .list, .set, .map: true
        default: false
        }
    }

    var isCollection: Bool {
        switch self {
        case .list, .set, .map: true
        case .frozen(let inner): inner.isCollection
        default: false
        }
    }

    /// Canonical text: `text` for varchar, `frozen<…>` where declared; tuples are always frozen (Cassandra writes them
    /// `frozen<tuple<…>>`).
    var description: String {
        switch self {
        case .native(let type): type.description
        case .list(let element): "list<\(element)>"
        case .set(let element): "set<\(element)>"
        case .map(let key, let value): "map<\(key), \(value)>"
        case .tuple(let elements): "frozen<tuple<\(elements.map(\.description).joined(separator: ", "))>>"
        case .frozen(.tuple(let elements)): "frozen<tuple<\(elements.map(\.description).joined(separator: ", "))>>"
        case .frozen(let inner): "frozen<\(inner)>"
        }
    }

    /// Parses the canonical text back (the catalog stores it).
    init(parsing text: String) throws(CQLEngineError) {
        var parser = try CQLParser(text)
        self = try parser.parseType()
        try parser.expectEnd()
    }

    /// Native type names (and their aliases) CQL accepts.
    static func native(named name: String) -> CQLType? {
        switch name.lowercased() {
        case "ascii": .ascii
        case "bigint": .bigint
        case "blob": .blob
        case "boolean": .boolean
        case "counter": .counter
        case "decimal": .decimal
        case "double": .double
        case "float": .float
        case "int": .int
        case "timestamp": .timestamp
        case "uuid": .uuid
        case "text", "varchar": .text
        case "varint": .varint
        case "timeuuid": .timeuuid
        case "inet": .inet
        case "date": .date
        case "time": .time
        case "smallint": .smallint
        case "tinyint": .tinyint
        default: nil
        }
    }
}
