/// A Kafka API key (the `apiKey` of a message file; docs/protocols/kafka-record-format.md §5 `RequestApiKey`).
///
/// A struct rather than an enum so unknown keys from a client can be represented and answered.
public struct KafkaApiKey: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }
    public init(_ rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = KafkaApiKey(0)
    public static let fetch = KafkaApiKey(1)
    public static let listOffsets = KafkaApiKey(2)
    public static let metadata = KafkaApiKey(3)
    public static let offsetCommit = KafkaApiKey(8)
    public static let offsetFetch = KafkaApiKey(9)
    public static let findCoordinator = KafkaApiKey(10)
    public static let joinGroup = KafkaApiKey(11)
    public static let heartbeat = KafkaApiKey(12)
    public static let leaveGroup = KafkaApiKey(13)
    public static let syncGroup = KafkaApiKey(14)
    public static let describeGroups = KafkaApiKey(15)
    public static let listGroups = KafkaApiKey(16)
    public static let saslHandshake = KafkaApiKey(17)
    public static let apiVersions = KafkaApiKey(18)
    public static let createTopics = KafkaApiKey(19)
    public static let deleteTopics = KafkaApiKey(20)
    public static let initProducerId = KafkaApiKey(22)
    public static let offsetForLeaderEpoch = KafkaApiKey(23)
    public static let describeConfigs = KafkaApiKey(32)
    public static let saslAuthenticate = KafkaApiKey(36)

    /// What this codec knows about each API: its name and the first flexible version (`flexibleVersions` in the
    /// message file; `nil` for "none"), as Apache Kafka's message definitions declare them.
    private static let known: [Int16: (name: String, firstFlexibleVersion: Int16?)] = [
        0: ("Produce", 9),
        1: ("Fetch", 12),
        2: ("ListOffsets", 6),
        3: ("Metadata", 9),
        8: ("OffsetCommit", 8),
        9: ("OffsetFetch", 6),
        10: ("FindCoordinator", 3),
        11: ("JoinGroup", 6),
        12: ("Heartbeat", 4),
        13: ("LeaveGroup", 4),
        14: ("SyncGroup", 4),
        15: ("DescribeGroups", 5),
        16: ("ListGroups", 3),
        17: ("SaslHandshake", nil),
        18: ("ApiVersions", 3),
        19: ("CreateTopics", 5),
        20: ("DeleteTopics", 4),
        22: ("InitProducerId", 2),
        23: ("OffsetForLeaderEpoch", 4),
        32: ("DescribeConfigs", 4),
        36: ("SaslAuthenticate", 2),
    ]

    /// Whether this codec knows the API (its flexible versions, hence its header versions).
    public var isKnown: Bool { Self.known[rawValue] != nil }

    /// The spec name of the API (`"ApiVersions"`), or `"Unknown(n)"`.
    public var name: String { Self.known[rawValue]?.name ?? "Unknown(\(rawValue))" }

    public var description: String { name }

    /// The first version using the flexible (compact, tagged) encoding; `nil` for APIs that are never flexible and
    /// for unknown APIs.
    public var firstFlexibleVersion: Int16? { Self.known[rawValue]?.firstFlexibleVersion ?? nil }

    /// Whether `version` of this API uses the flexible encoding.
    public func isFlexible(version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }

    /// The request header version for `version` of this API (docs/protocols/kafka-record-format.md §5): 2 for flexible
    /// versions, else 1. Unknown APIs get 1, which at least reads their correlation id and client id.
    public func requestHeaderVersion(for version: Int16) -> Int16 {
        isFlexible(version: version) ? 2 : 1
    }

    /// The response header version for `version` of this API: 1 for flexible versions, else 0 — except that
    /// "ApiVersionsResponse always uses response header v0" (KIP-511).
    public func responseHeaderVersion(for version: Int16) -> Int16 {
        if self == .apiVersions { return 0 }
        return isFlexible(version: version) ? 1 : 0
    }

    public static func < (lhs: KafkaApiKey, rhs: KafkaApiKey) -> Bool { lhs.rawValue < rhs.rawValue }
}
