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
    /// OFFSET_METADATA_TOO_LARGE.
    public static let offsetMetadataTooLarge = KafkaErrorCode(12)
    /// COORDINATOR_LOAD_IN_PROGRESS.
    public static let coordinatorLoadInProgress = KafkaErrorCode(14)
    /// COORDINATOR_NOT_AVAILABLE.
    public static let coordinatorNotAvailable = KafkaErrorCode(15)
    /// NOT_COORDINATOR.
    public static let notCoordinator = KafkaErrorCode(16)
    /// ILLEGAL_GENERATION.
    public static let illegalGeneration = KafkaErrorCode(22)
    /// INCONSISTENT_GROUP_PROTOCOL.
    public static let inconsistentGroupProtocol = KafkaErrorCode(23)
    /// INVALID_GROUP_ID.
    public static let invalidGroupId = KafkaErrorCode(24)
    /// UNKNOWN_MEMBER_ID.
    public static let unknownMemberId = KafkaErrorCode(25)
    /// INVALID_SESSION_TIMEOUT.
    public static let invalidSessionTimeout = KafkaErrorCode(26)
    /// REBALANCE_IN_PROGRESS.
    public static let rebalanceInProgress = KafkaErrorCode(27)
    /// INVALID_COMMIT_OFFSET_SIZE.
    public static let invalidCommitOffsetSize = KafkaErrorCode(28)
    /// GROUP_AUTHORIZATION_FAILED.
    public static let groupAuthorizationFailed = KafkaErrorCode(30)
    /// UNSUPPORTED_VERSION: "The version of API is not supported."
    public static let unsupportedVersion = KafkaErrorCode(35)
    /// INVALID_REQUEST.
    public static let invalidRequest = KafkaErrorCode(42)
    /// NON_EMPTY_GROUP.
    public static let nonEmptyGroup = KafkaErrorCode(68)
    /// GROUP_ID_NOT_FOUND.
    public static let groupIdNotFound = KafkaErrorCode(69)
    /// MEMBER_ID_REQUIRED.
    public static let memberIdRequired = KafkaErrorCode(79)
    /// GROUP_MAX_SIZE_REACHED.
    public static let groupMaxSizeReached = KafkaErrorCode(81)
    /// FENCED_INSTANCE_ID.
    public static let fencedInstanceId = KafkaErrorCode(82)
    /// UNSTABLE_OFFSET_COMMIT.
    public static let unstableOffsetCommit = KafkaErrorCode(88)

    public var description: String {
        switch self {
        case .none: "NONE"
        case .unknownServerError: "UNKNOWN_SERVER_ERROR"
        case .corruptMessage: "CORRUPT_MESSAGE"
        case .unknownTopicOrPartition: "UNKNOWN_TOPIC_OR_PARTITION"
        case .notLeaderOrFollower: "NOT_LEADER_OR_FOLLOWER"
        case .messageTooLarge: "MESSAGE_TOO_LARGE"
        case .offsetMetadataTooLarge: "OFFSET_METADATA_TOO_LARGE"
        case .coordinatorLoadInProgress: "COORDINATOR_LOAD_IN_PROGRESS"
        case .coordinatorNotAvailable: "COORDINATOR_NOT_AVAILABLE"
        case .notCoordinator: "NOT_COORDINATOR"
        case .illegalGeneration: "ILLEGAL_GENERATION"
        case .inconsistentGroupProtocol: "INCONSISTENT_GROUP_PROTOCOL"
        case .invalidGroupId: "INVALID_GROUP_ID"
        case .unknownMemberId: "UNKNOWN_MEMBER_ID"
        case .invalidSessionTimeout: "INVALID_SESSION_TIMEOUT"
        case .rebalanceInProgress: "REBALANCE_IN_PROGRESS"
        case .invalidCommitOffsetSize: "INVALID_COMMIT_OFFSET_SIZE"
        case .groupAuthorizationFailed: "GROUP_AUTHORIZATION_FAILED"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .invalidRequest: "INVALID_REQUEST"
        case .nonEmptyGroup: "NON_EMPTY_GROUP"
        case .groupIdNotFound: "GROUP_ID_NOT_FOUND"
        case .memberIdRequired: "MEMBER_ID_REQUIRED"
        case .groupMaxSizeReached: "GROUP_MAX_SIZE_REACHED"
        case .fencedInstanceId: "FENCED_INSTANCE_ID"
        case .unstableOffsetCommit: "UNSTABLE_OFFSET_COMMIT"
        default: "ErrorCode(\(rawValue))"
        }
    }
}
