/// An error of the Kafka-backed log, with librdkafka's own error when it reported one.
public struct KafkaLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case clientCreation
            case closed
            case invalidArgument
            case unknownTopic
            case unknownPartition
            case enqueueFailed
            case deliveryFailed
            case topicCreationFailed
            case metadataFailed
            case offsetsFailed
            case commitFailed
            case subscriptionFailed
            case assignmentFailed
            case consumerFailed
            case timedOut
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A typed setting is out of range, or librdkafka refused a property (the message names it).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// librdkafka could not create a client (`rd_kafka_new`).
        public static let clientCreation = Code(.clientCreation)
        /// The log or the consumer was closed.
        public static let closed = Code(.closed)
        /// An argument is out of range (partition count, group name, ...).
        public static let invalidArgument = Code(.invalidArgument)
        public static let unknownTopic = Code(.unknownTopic)
        public static let unknownPartition = Code(.unknownPartition)
        /// librdkafka refused a record before sending it (e.g. too large, unknown partition); records of the same
        /// call enqueued before it were still waited for.
        public static let enqueueFailed = Code(.enqueueFailed)
        /// At least one record's delivery report carried an error (timeout, broker error, purge on close).
        public static let deliveryFailed = Code(.deliveryFailed)
        /// CreateTopics failed (other than because the topic exists).
        public static let topicCreationFailed = Code(.topicCreationFailed)
        /// A Metadata request failed.
        public static let metadataFailed = Code(.metadataFailed)
        /// Watermarks or committed offsets could not be read.
        public static let offsetsFailed = Code(.offsetsFailed)
        /// An offset commit failed (the offsets are not committed in Kafka).
        public static let commitFailed = Code(.commitFailed)
        public static let subscriptionFailed = Code(.subscriptionFailed)
        /// A rebalance could not assign partitions (e.g. `startingOffsets` threw or timed out).
        public static let assignmentFailed = Code(.assignmentFailed)
        /// The consumer hit a fatal error and cannot continue.
        public static let consumerFailed = Code(.consumerFailed)
        public static let timedOut = Code(.timedOut)

        public var description: String { base.rawValue }
    }

    /// An error as librdkafka reports it (`rd_kafka_resp_err_t`): negative codes are librdkafka's own (`_TIMED_OUT`,
    /// `_MSG_TIMED_OUT`, ...), positive ones are Kafka protocol error codes (`UNKNOWN_TOPIC_OR_PART` = 3, ...).
    public struct LibrdkafkaError: Hashable, Sendable, CustomStringConvertible {
        /// The numeric `rd_kafka_resp_err_t`.
        public var code: Int32
        /// `rd_kafka_err2name`, e.g. `"_MSG_TIMED_OUT"`.
        public var name: String
        /// `rd_kafka_err2str` or a more specific message librdkafka gave.
        public var message: String

        public init(code: Int32, name: String, message: String) {
            self.code = code
            self.name = name
            self.message = message
        }

        public var description: String { "\(name) (\(code)): \(message)" }
    }

    public var code: Code
    public var message: String
    /// The topic or topic-partition concerned, if any.
    public var topicPartition: String?
    /// What librdkafka reported, if it did.
    public var librdkafka: LibrdkafkaError?

    public init(
        _ code: Code,
        _ message: String,
        topicPartition: String? = nil,
        librdkafka: LibrdkafkaError? = nil
    ) {
        self.code = code
        self.message = message
        self.topicPartition = topicPartition
        self.librdkafka = librdkafka
    }

    public var description: String {
        var text = "KafkaLogError(\(code)): \(message)"
        if let topicPartition { text += " [\(topicPartition)]" }
        if let librdkafka { text += " (librdkafka \(librdkafka))" }
        return text
    }
}
