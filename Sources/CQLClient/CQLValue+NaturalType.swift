import CQLWire

extension CQLValue {
    /// The type a value is encoded as when there is no marker type to go by (values of a plain QUERY or of a
    /// BATCH query string): the type its case names; a collection's element types come from its first element
    /// (blob when empty, which encodes an empty collection the same for every element type).
    var naturalType: CQLType {
        switch self {
        case .null, .unset, .blob: .blob
        case .text: .text
        case .bigint: .bigint
        case .int: .int
        case .smallint: .smallint
        case .tinyint: .tinyint
        case .boolean: .boolean
        case .double: .double
        case .float: .float
        case .timestamp: .timestamp
        case .date: .date
        case .uuid: .uuid
        case .inet: .inet
        case .varint: .varint
        case .decimal: .decimal
        case .list(let elements): .list(elements.first?.naturalType ?? .blob)
        case .set(let elements): .set(elements.first?.naturalType ?? .blob)
        case .map(let pairs): .map(pairs.first?.0.naturalType ?? .blob, pairs.first?.1.naturalType ?? .blob)
        case .tuple(let elements): .tuple(elements.map(\.naturalType))
        case .udt(let fields): .udt(keyspace: "", name: "", fields: fields.map { ($0.0, $0.1.naturalType) })
        }
    }

    /// Encodes values by their natural types.
    static func bindNaturally(_ values: [CQLValue]) throws(CQLClientError) -> [CQLBoundValue] {
        var bound: [CQLBoundValue] = []
        bound.reserveCapacity(values.count)
        for value in values {
            do {
                bound.append(try CQLBoundValue(encoding: value, as: value.naturalType))
            } catch {
                throw CQLClientError(
                    .invalidArgument,
                    "cannot encode a value: \(error.message)",
                    mayHaveBeenSent: false
                )
            }
        }
        return bound
    }
}
