/// A topic and one of its partitions.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }
}

/// A record header, as in Kafka: a UTF-8 key and an optional byte value.
public struct LogHeader: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.key = key
        self.value = Array(string.utf8)
    }

    /// The value as UTF-8 text, if any.
    public var stringValue: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

/// A record to produce.
public struct LogRecord: Hashable, Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [LogHeader]
    /// Create time, milliseconds since the Unix epoch.
    public var timestamp: Int64
    /// The partition to write to; `nil` partitions by key (Kafka's murmur2 partitioner), or round-robin without key.
    public var partition: Int32?

    public init(
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [LogHeader] = [],
        timestamp: Int64,
        partition: Int32? = nil
    ) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.partition = partition
    }
}

/// A record read back from the log.
public struct ConsumedRecord: Hashable, Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [LogHeader]

    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        timestamp: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [LogHeader]
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The first header with this key, as text.
    public func header(_ key: String) -> String? {
        headers.first(where: { $0.key == key })?.stringValue
    }
}

/// Supplies the offsets to start from when partitions are assigned to a consumer: the processor answers from the
/// store, where offsets commit together with the rows. A partition missing from the answer starts at the earliest
/// offset.
public typealias StartingOffsets = @Sendable ([TopicPartition]) async throws -> [TopicPartition: Int64]

/// The `Log` port: topics of partitioned, ordered, durable records.
///
/// Implementations: `EmbeddedLog` (segmented files on local disk storing Kafka v2 record batches) and `KafkaLog`
/// (librdkafka, for real Kafka clusters). Both pass `LogContract` (target `UserStreamContracts`).
public protocol Log: Sendable {
    /// Creates a topic with the given partition count; does nothing when it already exists.
    func createTopic(_ name: String, partitions: Int) async throws

    /// The partition count of a topic, or `nil` when it does not exist.
    func partitionCount(of topic: String) async throws -> Int?

    /// Appends records to a topic and returns once they are durable according to the log's durability policy.
    /// Records without an explicit partition are partitioned by key. Order is kept per partition.
    func produce(_ records: [LogRecord], to topic: String) async throws

    /// The earliest and the next (end, high-watermark) offset of every partition of a topic.
    func offsets(of topic: String) async throws -> [Int32: ClosedOffsetRange]

    /// Committed offsets of a consumer group (the next offset to read per partition).
    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64]

    /// Joins `group` and consumes `topics`. `startingOffsets` is asked for the position of every partition the
    /// consumer is assigned.
    func makeConsumer(
        group: String,
        topics: [String],
        startingOffsets: @escaping StartingOffsets
    ) async throws -> any LogConsumer

    /// Flushes and releases files, locks and connections.
    func close() async throws
}

/// The earliest offset still stored and the next offset to be written (the high watermark) of one partition.
public struct ClosedOffsetRange: Hashable, Sendable {
    public var earliest: Int64
    public var end: Int64

    public init(earliest: Int64, end: Int64) {
        self.earliest = earliest
        self.end = end
    }
}

/// A consumer that is a member of a group.
public protocol LogConsumer: Sendable {
    /// Waits up to `timeout` for records on the assigned partitions and returns at most `maxRecords` of them, in
    /// offset order per partition. Returns an empty array when nothing arrived in time.
    func poll(maxRecords: Int, timeout: Duration) async throws -> [ConsumedRecord]

    /// Commits the group's offsets (next offset to read per partition). The processor calls it only after the
    /// rows the offsets cover are durable in the store.
    func commit(_ offsets: [TopicPartition: Int64]) async throws

    /// The partitions currently assigned to this consumer.
    func assignment() async -> [TopicPartition]

    /// The consumer's position (next offset it will return) per assigned partition.
    func positions() async -> [TopicPartition: Int64]

    /// Leaves the group.
    func close() async throws
}

/// Names the pipeline uses on the log.
public enum Topics {
    /// Kafka's topic name rule: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 249 && name != "." && name != ".."
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// Why a topic name is refused, for error messages.
    public static let nameRule = "use 1 to 249 characters of [a-zA-Z0-9._-], not \".\" or \"..\""

    /// Where the ingestor produces flattened users.
    public static let usersCreated = "users_created"
    /// Dead letters: records that could not be flattened, decoded or validated, with the reason in headers.
    public static let usersCreatedDLQ = "users_created.dlq"
}

/// Header keys the pipeline writes.
public enum RecordHeaders {
    public static let schemaVersion = "schema_version"
    public static let source = "source"
    public static let runID = "run_id"
    /// On dead letters: why the record was rejected.
    public static let dlqReason = "dlq_reason"
    /// On dead letters: which stage rejected it (`ingest` or `process`).
    public static let dlqStage = "dlq_stage"
    /// On dead letters from the processor: where the original record was.
    public static let dlqOriginalTopic = "dlq_original_topic"
    public static let dlqOriginalPartition = "dlq_original_partition"
    public static let dlqOriginalOffset = "dlq_original_offset"

    /// The message schema version the ingestor writes.
    public static let currentSchemaVersion = "1"
}
