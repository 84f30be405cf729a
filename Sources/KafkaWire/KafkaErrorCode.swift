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

    /// OFFSET_OUT_OF_RANGE.
    public static let offsetOutOfRange = KafkaErrorCode(1)
    /// LEADER_NOT_AVAILABLE.
    public static let leaderNotAvailable = KafkaErrorCode(5)
    /// REQUEST_TIMED_OUT.
    public static let requestTimedOut = KafkaErrorCode(7)
    /// INVALID_TOPIC_EXCEPTION.
    public static let invalidTopicException = KafkaErrorCode(17)
    /// RECORD_LIST_TOO_LARGE.
    public static let recordListTooLarge = KafkaErrorCode(18)
    /// INVALID_REQUIRED_ACKS.
    public static let invalidRequiredAcks = KafkaErrorCode(21)
    /// TOPIC_AUTHORIZATION_FAILED.
    public static let topicAuthorizationFailed = KafkaErrorCode(29)
    /// CLUSTER_AUTHORIZATION_FAILED.
    public static let clusterAuthorizationFailed = KafkaErrorCode(31)
    /// INVALID_TIMESTAMP.
    public static let invalidTimestamp = KafkaErrorCode(32)
    /// TOPIC_ALREADY_EXISTS.
    public static let topicAlreadyExists = KafkaErrorCode(36)
    /// INVALID_PARTITIONS.
    public static let invalidPartitions = KafkaErrorCode(37)
    /// INVALID_REPLICATION_FACTOR.
    public static let invalidReplicationFactor = KafkaErrorCode(38)
    /// INVALID_REPLICA_ASSIGNMENT.
    public static let invalidReplicaAssignment = KafkaErrorCode(39)
    /// INVALID_CONFIG.
    public static let invalidConfig = KafkaErrorCode(40)
    /// NOT_CONTROLLER.
    public static let notController = KafkaErrorCode(41)
    /// POLICY_VIOLATION.
    public static let policyViolation = KafkaErrorCode(44)
    /// OUT_OF_ORDER_SEQUENCE_NUMBER.
    public static let outOfOrderSequenceNumber = KafkaErrorCode(45)
    /// DUPLICATE_SEQUENCE_NUMBER.
    public static let duplicateSequenceNumber = KafkaErrorCode(46)
    /// INVALID_PRODUCER_EPOCH.
    public static let invalidProducerEpoch = KafkaErrorCode(47)
    /// INVALID_TRANSACTION_TIMEOUT.
    public static let invalidTransactionTimeout = KafkaErrorCode(50)
    /// TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
    public static let transactionalIdAuthorizationFailed = KafkaErrorCode(53)
    /// KAFKA_STORAGE_ERROR.
    public static let kafkaStorageError = KafkaErrorCode(56)
    /// UNKNOWN_PRODUCER_ID.
    public static let unknownProducerId = KafkaErrorCode(59)
    /// FETCH_SESSION_ID_NOT_FOUND.
    public static let fetchSessionIdNotFound = KafkaErrorCode(70)
    /// INVALID_FETCH_SESSION_EPOCH.
    public static let invalidFetchSessionEpoch = KafkaErrorCode(71)
    /// TOPIC_DELETION_DISABLED.
    public static let topicDeletionDisabled = KafkaErrorCode(73)
    /// FENCED_LEADER_EPOCH.
    public static let fencedLeaderEpoch = KafkaErrorCode(74)
    /// UNKNOWN_LEADER_EPOCH.
    public static let unknownLeaderEpoch = KafkaErrorCode(75)
    /// UNSUPPORTED_COMPRESSION_TYPE.
    public static let unsupportedCompressionType = KafkaErrorCode(76)
    /// OFFSET_NOT_AVAILABLE.
    public static let offsetNotAvailable = KafkaErrorCode(78)
    /// INVALID_RECORD.
    public static let invalidRecord = KafkaErrorCode(87)
    /// PRODUCER_FENCED.
    public static let producerFenced = KafkaErrorCode(90)
    /// RESOURCE_NOT_FOUND.
    public static let resourceNotFound = KafkaErrorCode(91)
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
        case .offsetOutOfRange: "OFFSET_OUT_OF_RANGE"
        case .leaderNotAvailable: "LEADER_NOT_AVAILABLE"
        case .requestTimedOut: "REQUEST_TIMED_OUT"
        case .invalidTopicException: "INVALID_TOPIC_EXCEPTION"
        case .recordListTooLarge: "RECORD_LIST_TOO_LARGE"
        case .invalidRequiredAcks: "INVALID_REQUIRED_ACKS"
        case .topicAuthorizationFailed: "TOPIC_AUTHORIZATION_FAILED"
        case .clusterAuthorizationFailed: "CLUSTER_AUTHORIZATION_FAILED"
        case .invalidTimestamp: "INVALID_TIMESTAMP"
        case .topicAlreadyExists: "TOPIC_ALREADY_EXISTS"
        case .invalidPartitions: "INVALID_PARTITIONS"
        case .invalidReplicationFactor: "INVALID_REPLICATION_FACTOR"
        case .invalidReplicaAssignment: "INVALID_REPLICA_ASSIGNMENT"
        case .invalidConfig: "INVALID_CONFIG"
        case .notController: "NOT_CONTROLLER"
        case .policyViolation: "POLICY_VIOLATION"
        case .outOfOrderSequenceNumber: "OUT_OF_ORDER_SEQUENCE_NUMBER"
        case .duplicateSequenceNumber: "DUPLICATE_SEQUENCE_NUMBER"
        case .invalidProducerEpoch: "INVALID_PRODUCER_EPOCH"
        case .invalidTransactionTimeout: "INVALID_TRANSACTION_TIMEOUT"
        case .transactionalIdAuthorizationFailed: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"
        case .kafkaStorageError: "KAFKA_STORAGE_ERROR"
        case .unknownProducerId: "UNKNOWN_PRODUCER_ID"
        case .fetchSessionIdNotFound: "FETCH_SESSION_ID_NOT_FOUND"
        case .invalidFetchSessionEpoch: "INVALID_FETCH_SESSION_EPOCH"
        case .topicDeletionDisabled: "TOPIC_DELETION_DISABLED"
        case .fencedLeaderEpoch: "FENCED_LEADER_EPOCH"
        case .unknownLeaderEpoch: "UNKNOWN_LEADER_EPOCH"
        case .unsupportedCompressionType: "UNSUPPORTED_COMPRESSION_TYPE"
        case .offsetNotAvailable: "OFFSET_NOT_AVAILABLE"
        case .invalidRecord: "INVALID_RECORD"
        case .producerFenced: "PRODUCER_FENCED"
        case .resourceNotFound: "RESOURCE_NOT_FOUND"
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
