/// One cell of `QueryResults.data`, as Trino's JSON encodes it: numbers as JSON numbers, booleans as JSON booleans,
/// and everything else (varchar, uuid, `timestamp(3)` as `"2024-05-01 12:00:00.000"`, date as `"2024-05-01"`) as
/// strings. Non-finite doubles are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, like Trino.
public enum TrinoValue: Codable, Sendable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .boolean(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value):
            if value.isNaN {
                try container.encode("NaN")
            } else if value.isInfinite {
                try container.encode(value > 0 ? "Infinity" : "-Infinity")
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        }
    }

    /// A rough size for page byte budgets.
    var estimatedBytes: Int {
        switch self {
        case .null, .boolean: 5
        case .integer, .double: 12
        case .string(let value): value.utf8.count + 3
        }
    }
}
