/// A CQL data type, as the native protocol's `[option]` describes it (native_protocol_v4.spec §4.2.5.2) and as CQL
/// text names it (`text`, `frozen<list<int>>`).
public indirect enum CQLType: Hashable, Sendable, CustomStringConvertible {
    case ascii
    case bigint
    case blob
    case boolean
    case counter
    case decimal
    case double
    case float
    case int
    case timestamp
    case uuid
    /// `text` and `varchar` (the same type; the protocol calls it Varchar, 0x000D).
    case text
    case varint
    case timeuuid
    case inet
    case date
    case time
    case smallint
    case tinyint
    case list(CQLType)
    case set(CQLType)
    case map(CQLType, CQLType)
    case tuple([CQLType])
    /// A user-defined type: keyspace, name, fields.
    case udt(keyspace: String, name: String, fields: [(String, CQLType)])
    /// A custom type (0x0000): its Java class name.
    case custom(String)

    /// The protocol's option id (§4.2.5.2).
    public var optionID: UInt16 {
        switch self {
        case .custom: 0x0000
        case .ascii: 0x0001
        case .bigint: 0x0002
        case .blob: 0x0003
        case .boolean: 0x0004
        case .counter: 0x0005
        case .decimal: 0x0006
        case .double: 0x0007
        case .float: 0x0008
        case .int: 0x0009
        case .timestamp: 0x000B
        case .uuid: 0x000C
        case .text: 0x000D
        case .varint: 0x000E
        case .timeuuid: 0x000F
        case .inet: 0x0010
        case .date: 0x0011
        case .time: 0x0012
        case .smallint: 0x0013
        case .tinyint: 0x0014
        case .list: 0x0020
        case .map: 0x0021
        case .set: 0x0022
        case .udt: 0x0030
        case .tuple: 0x0031
        }
    }

    /// The CQL name, as `system_schema.columns.type` holds it (collections written `list<int>`; a caller that needs
    /// `frozen<…>` adds it).
    public var description: String {
        switch self {
        case .ascii: "ascii"
        case .bigint: "bigint"
        case .blob: "blob"
        case .boolean: "boolean"
        case .counter: "counter"
        case .decimal: "decimal"
        case .double: "double"
        case .float: "float"
        case .int: "int"
        case .timestamp: "timestamp"
        case .uuid: "uuid"
        case .text: "text"
        case .varint: "varint"
        case .timeuuid: "timeuuid"
        case .inet: "inet"
        case .date: "date"
        case .time: "time"
        case .smallint: "smallint"
        case .tinyint: "tinyint"
        case .list(let element): "list<\(element)>"
        case .set(let element): "set<\(element)>"
        case .map(let key, let value): "map<\(key), \(value)>"
        case .tuple(let elements): "tuple<\(elements.map(\.description).joined(separator: ", "))>"
        case .udt(_, let name, _): name
        case .custom(let name): "'\(name)'"
        }
    }

    public static func == (lhs: CQLType, rhs: CQLType) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
