/// The Trino types this server returns, with their names and client type signatures.
public enum TrinoType: Sendable, Hashable {
    case varchar
    case bigint
    case integer
    case double
    case boolean
    case timestamp3
    /// `timestamp(3) with time zone`: values are UTC, rendered `2024-05-01 12:00:00.000 UTC`.
    case timestamp3WithTimeZone
    case date
    case uuid

    /// The type as Trino spells it in `columns[].type` and `information_schema.columns.data_type`.
    public var name: String {
        switch self {
        case .varchar: "varchar"
        case .bigint: "bigint"
        case .integer: "integer"
        case .double: "double"
        case .boolean: "boolean"
        case .timestamp3: "timestamp(3)"
        case .timestamp3WithTimeZone: "timestamp(3) with time zone"
        case .date: "date"
        case .uuid: "uuid"
        }
    }

    /// Unbounded varchar carries its maximum length (2^31 - 1) as a parameter, `timestamp(3)` and
    /// `timestamp(3) with time zone` their precision.
    public var signature: ClientTypeSignature {
        switch self {
        case .varchar: ClientTypeSignature(rawType: "varchar", arguments: [.long(2_147_483_647)])
        case .timestamp3: ClientTypeSignature(rawType: "timestamp", arguments: [.long(3)])
        case .timestamp3WithTimeZone: ClientTypeSignature(rawType: "timestamp with time zone", arguments: [.long(3)])
        default: ClientTypeSignature(rawType: name)
        }
    }
}
