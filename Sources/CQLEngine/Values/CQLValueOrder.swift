import CQLWire

/// Ordering of values as CQL sorts them (numbers numerically, text by UTF-8 bytes, uuids by their bytes), for sets,
/// map keys and in-memory filtering of system tables.
enum CQLValueOrder {
    static func compare(_ lhs: CQLValue, _ rhs: CQLValue) -> Int {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.text(let a), .text(let b)): return compareBytes(Array(a.utf8), Array(b.utf8))
        case (.uuid(let a), .uuid(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (!a ? -1 : 1)
        case (.blob(let a), .blob(let b)), (.inet(let a), .inet(let b)): return compareBytes(a, b)
        case (.double(let a), .double(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.float(let a), .float(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.list(let a), .list(let b)), (.set(let a), .set(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) {
                let order = compare(x, y)
                if order != 0 { return order }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        case (.map(let a), .map(let b)):
            for (x, y) in zip(a, b) {
                var order = compare(x.0, y.0)
                if order == 0 { order = compare(x.1, y.1) }
                if order != 0 { return order }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        default:
            if let a = integer(lhs), let b = integer(rhs) { return a == b ? 0 : (a < b ? -1 : 1) }
            if let a = CQLSQLiteMapping.decimalDouble(lhs), let b = CQLSQLiteMapping.decimalDouble(rhs) {
                return a == b ? 0 : (a < b ? -1 : 1)
            }
            return compareBytes(Array(String(describing: lhs).utf8), Array(String(describing: rhs).utf8))
        }
    }

    static func integer(_ value: CQLValue) -> Int64? {
        switch value {
        case .bigint(let v), .timestamp(let v): v
        case .int(let v): Int64(v)
        case .date(let v): Int64(v)
        case .smallint(let v): Int64(v)
        case .tinyint(let v): Int64(v)
        case .varint: value.varintInt64
        default: nil
        }
    }

    private static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// A set's elements sorted and deduplicated, as Cassandra stores them.
    static func normalizedSet(_ values: [CQLValue]) -> CQLValue {
        let sorted = values.sorted { compare($0, $1) < 0 }
        var result: [CQLValue] = []
        for value in sorted where result.last.map({ compare($0, value) != 0 }) ?? true { result.append(value) }
        return .set(result)
    }

    /// A map's entries sorted by key, the last value winning for a repeated key.
    static func normalizedMap(_ pairs: [(CQLValue, CQLValue)]) -> CQLValue {
        var result: [(CQLValue, CQLValue)] = []
        for (key, value) in pairs {
            if let index = result.firstIndex(where: { compare($0.0, key) == 0 }) {
                result[index].1 = value
            } else {
                result.append((key, value))
            }
        }
        result.sort { compare($0.0, $1.0) < 0 }
        return .map(result)
    }
}
