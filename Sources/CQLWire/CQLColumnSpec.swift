/// One column of a result or of a prepared statement's bind variables (native_protocol_v4.spec §4.2.5.2
/// `<col_spec_i>`): where it comes from, its name and its type.
public struct CQLColumnSpec: Hashable, Sendable {
    public var keyspace: String
    public var table: String
    public var name: String
    public var type: CQLType

    public init(keyspace: String, table: String, name: String, type: CQLType) {
        self.keyspace = keyspace
        self.table = table
        self.name = name
        self.type = type
    }
}

/// A schema change, as a RESULT of kind Schema_change and an EVENT carry it (§4.2.5.5, §4.2.6).
public struct CQLSchemaChange: Hashable, Sendable {
    public enum ChangeType: String, Hashable, Sendable {
        case created = "CREATED"
        case updated = "UPDATED"
        case dropped = "DROPPED"
    }

    public enum Target: String, Hashable, Sendable {
        case keyspace = "KEYSPACE"
        case table = "TABLE"
        case type = "TYPE"
        case function = "FUNCTION"
        case aggregate = "AGGREGATE"
    }

    public var changeType: ChangeType
    public var target: Target
    public var keyspace: String
    /// The table or type name (nil for a keyspace change).
    public var name: String?
    /// Argument types, for functions and aggregates.
    public var argumentTypes: [String]

    public init(
        changeType: ChangeType,
        target: Target,
        keyspace: String,
        name: String? = nil,
        argumentTypes: [String] = []
    ) {
        self.changeType = changeType
        self.target = target
        self.keyspace = keyspace
        self.name = name
        self.argumentTypes = argumentTypes
    }
}

/// A consistency level (§3 `[consistency]`). The embedded server accepts all of them (it is one node).
public struct CQLConsistency: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let any = CQLConsistency(rawValue: 0x0000)
    public static let one = CQLConsistency(rawValue: 0x0001)
    public static let two = CQLConsistency(rawValue: 0x0002)
    public static let three = CQLConsistency(rawValue: 0x0003)
    public static let quorum = CQLConsistency(rawValue: 0x0004)
    public static let all = CQLConsistency(rawValue: 0x0005)
    public static let localQuorum = CQLConsistency(rawValue: 0x0006)
    public static let eachQuorum = CQLConsistency(rawValue: 0x0007)
    public static let serial = CQLConsistency(rawValue: 0x0008)
    public static let localSerial = CQLConsistency(rawValue: 0x0009)
    public static let localOne = CQLConsistency(rawValue: 0x000A)

    public var description: String {
        let names: [UInt16: String] = [
            0: "ANY", 1: "ONE", 2: "TWO", 3: "THREE", 4: "QUORUM", 5: "ALL", 6: "LOCAL_QUORUM", 7: "EACH_QUORUM",
            8: "SERIAL", 9: "LOCAL_SERIAL", 10: "LOCAL_ONE",
        ]
        return names[rawValue] ?? "UNKNOWN(\(rawValue))"
    }
}
