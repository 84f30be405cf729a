/// A Kafka protocol error code (`ErrorCode int16` in responses; error-codes.md). Numeric values are Kafka's.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }
    public init(_ rawValue: Int16) { self.rawValue = rawValue }

    /// NONE.
    public static let none = KafkaErrorCode(0)
    /// UNKNOWN_SERVER_ERROR.
    public static let unknownServerError = KafkaErrorCode(-1)
    /// CORRUPT_MESSAGE.
    public static let corruptMessage = KafkaErrorCode(2)
    /// UNKNOWN_TOPIC_OR_PARTITION.
    public static let unknownTopicOrPartition = KafkaErrorCode(3)
    /// NOT_LEADER_OR_FOLLOWER.
    public static let notLeaderOrFollower = KafkaErrorCode(6)
    /// MESSAGE_TOO_LARGE.
    public static let messageTooLarge = KafkaErrorCode(10)
    /// UNSUPPORTED_VERSION: "The version of API is not supported."
    public static let unsupportedVersion = KafkaErrorCode(35)
    /// INVALID_REQUEST.
    public static let invalidRequest = KafkaErrorCode(42)

    public var description: String {
        switch self {
        case .none: "NONE"
        case .unknownServerError: "UNKNOWN_SERVER_ERROR"
        case .corruptMessage: "CORRUPT_MESSAGE"
        case .unknownTopicOrPartition: "UNKNOWN_TOPIC_OR_PARTITION"
        case .notLeaderOrFollower: "NOT_LEADER_OR_FOLLOWER"
        case .messageTooLarge: "MESSAGE_TOO_LARGE"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .invalidRequest: "INVALID_REQUEST"
        default: "ErrorCode(\(rawValue))"
        }
    }
}
