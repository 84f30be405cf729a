/// A CQL value, decoded from (or to be encoded as) the protocol's `[bytes]` for a given ``CQLType``
/// (native_protocol_v4.spec §6). `null` is the absence of a value (`[bytes]` length -1); `unset` (length -2, v4) a
/// bound value the client left out.
public indirect enum CQLValue: Hashable, Sendable {
    case null
    case unset
    /// ascii, text/varchar.
    case text(String)
    /// bigint, counter, and time (nanoseconds since midnight).
    case bigint(Int64)
    case int(Int32)
    case smallint(Int16)
    case tinyint(Int8)
    case boolean(Bool)
    case double(Double)
    case float(Float)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
    /// Days since the Unix epoch (the protocol's unsigned 2^31-centred encoding is the codec's business).
    case date(Int32)
    /// uuid and timeuuid.
    case uuid(CQLUUID)
    case blob([UInt8])
    /// 4 or 16 bytes.
    case inet([UInt8])
    /// varint: two's-complement big-endian bytes; decimal: scale and unscaled varint bytes.
    case varint([UInt8])
    case decimal(scale: Int32, unscaled: [UInt8])
    case list([CQLValue])
    case set([CQLValue])
    case map([(CQLValue, CQLValue)])
    case tuple([CQLValue])
    case udt([(String, CQLValue)])

    public static func == (lhs: CQLValue, rhs: CQLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null), (.unset, .unset): true
        case (.text(let a), .text(let b)): a == b
        case (.bigint(let a), .bigint(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.smallint(let a), .smallint(let b)): a == b
        case (.tinyint(let a), .tinyint(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.float(let a), .float(let b)): a == b || (a.isNaN && b.isNaN)
        case (.timestamp(let a), .timestamp(let b)): a == b
        case (.date(let a), .date(let b)): a == b
        case (.uuid(let a), .uuid(let b)): a == b
        case (.blob(let a), .blob(let b)), (.inet(let a), .inet(let b)), (.varint(let a), .varint(let b)): a == b
        case (.decimal(let s1, let u1), .decimal(let s2, let u2)): s1 == s2 && u1 == u2
        case (.list(let a), .list(let b)), (.set(let a), .set(let b)), (.tuple(let a), .tuple(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.udt(let a), .udt(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .unset: hasher.combine(1)
        case .text(let value): hasher.combine(value)
        case .bigint(let value), .timestamp(let value): hasher.combine(value)
        case .int(let value), .date(let value): hasher.combine(value)
        case .smallint(let value): hasher.combine(value)
        case .tinyint(let value): hasher.combine(value)
        case .boolean(let value): hasher.combine(value)
        case .double(let value): hasher.combine(value)
        case .float(let value): hasher.combine(value)
        case .uuid(let value): hasher.combine(value)
        case .blob(let value), .inet(let value), .varint(let value): hasher.combine(value)
        case .decimal(let scale, let unscaled):
            hasher.combine(scale)
            hasher.combine(unscaled)
        case .list(let values), .set(let values), .tuple(let values): hasher.combine(values)
        case .map(let pairs):
            for (key, value) in pairs {
                hasher.combine(key)
                hasher.combine(value)
            }
        case .udt(let fields):
            for (name, value) in fields {
                hasher.combine(name)
                hasher.combine(value)
            }
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
