import KafkaCompression
import KafkaWire
import Logging
import NIOCore
import Synchronization
import UserStreamCore

/// The result of ``EmbeddedLog/appendRawBatches(_:to:)``.
public struct EmbeddedLogAppendResult: Hashable, Sendable {
    /// The offset assigned to the first record.
    public var baseOffset: Int64
    /// The offset of the last record.
    public var lastOffset: Int64
    /// The partition's earliest offset after the append.
    public var logStartOffset: Int64
}

/// The embedded `Log`: topics of partitions stored as segment files of Kafka v2 record batches in one directory.
///
/// ```
/// <directory>/
///   writer.lock                               exclusive flock + holder's pid, command line, start time
///   <topic>-<partition>/<20-digit base offset>.log      record batches, exactly as the Kafka protocol carries them
///   <topic>-<partition>/<20-digit base offset>.index    sparse offset index (rebuildable)
///   __consumer_offsets/<group>.json           committed group offsets, replaced atomically
/// ```
///
/// Durability follows ``EmbeddedLogConfiguration/fsync``; readers only ever see records that are as durable as that
/// policy promises. On open, the last segment of every partition is checked batch by batch (CRC-32C) and truncated
/// at the first torn or corrupt batch. One process at a time may open a directory.
public final class EmbeddedLog: Log {
    public let configuration: EmbeddedLogConfiguration
    let notifier = AppendNotifier()
    let logger: Logger
    private let writerLock: WriterLock
    let groupOffsets: GroupOffsetStore
    let state: Mutex<State>

    struct Topic {
        var partitions: [PartitionLog]
        /// Next partition for records without key and partition.
        var roundRobin: Int = 0
    }

    struct State {
        var topics: [String: Topic]
        var closed = false
    }

    private init(
        configuration: EmbeddedLogConfiguration,
        logger: Logger,
        writerLock: WriterLock,
        groupOffsets: GroupOffsetStore,
        topics: [String: Topic]
    ) {
        self.configuration = configuration
        self.logger = logger
        self.writerLock = writerLock
        self.groupOffsets = groupOffsets
        self.state = Mutex(State(topics: topics))
    }

    /// Opens (creating if needed) the log in `configuration.directory`: takes the writer lock, recovers every
    /// partition and applies retention.
    ///
    /// - Throws: ``EmbeddedLogError`` `.locked` when another process (or another open log in this process) holds the
    ///   directory, naming it; `.invalidConfiguration`; `.io`.
    public static func open(configuration: EmbeddedLogConfiguration, logger: Logger) throws -> EmbeddedLog {
        try configuration.validate()
        let directory = configuration.directory
        try FileIO.makeDirectories(directory)
        let writerLock = try WriterLock.acquire(directory: directory)
        do {
            let groupOffsets = try GroupOffsetStore(directory: directory + "/__consumer_offsets")
            var found: [String: Int32] = [:]
            for name in try FileIO.list(directory) where FileIO.isDirectory(directory + "/" + name) {
                guard let (topic, partition) = parsePartitionDirectory(name) else { continue }
                found[topic] = max(found[topic] ?? -1, partition)
            }
            var topics: [String: Topic] = [:]
            for (topic, lastPartition) in found {
                var partitions: [PartitionLog] = []
                for partition in 0...lastPartition {
                    let topicPartition = TopicPartition(topic: topic, partition: partition)
                    let exists = FileIO.isDirectory(directory + "/" + topicPartition.description)
                    partitions.append(
                        try PartitionLog.open(
                            topicPartition,
                            in: directory,
                            configuration: configuration,
                            logger: logger,
                            create: !exists
                        )
                    )
                }
                topics[topic] = Topic(partitions: partitions)
            }
            logger.info(
                "log.opened",
                metadata: [
                    "log.directory": "\(directory)",
                    "log.topics": "\(topics.count)",
                    "log.fsync": "\(configuration.fsync)",
                ]
            )
            return EmbeddedLog(
                configuration: configuration,
                logger: logger,
                writerLock: writerLock,
                groupOffsets: groupOffsets,
                topics: topics
            )
        } catch {
            writerLock.release()
            throw error
        }
    }

    /// Validates a topic name as Kafka does: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
    public static func validate(topic name: String) throws(EmbeddedLogError) {
        guard Topics.isValidName(name) else {
            throw EmbeddedLogError(
                .invalidTopicName,
                "invalid topic name \"\(name)\": \(Topics.nameRule)"
            )
        }
    }

    private static func parsePartitionDirectory(_ name: String) -> (String, Int32)? {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let topic = String(name[..<dash])
        let digits = name[name.index(after: dash)...]
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }),
            let partition = Int32(digits), (try? validate(topic: topic)) != nil
        else { return nil }
        return (topic, partition)
    }

    // MARK: - Topics

    public func createTopic(_ name: String, partitions: Int) async throws {
        _ = try topic(name, creatingWith: partitions)
    }

    public func partitionCount(of topic: String) async throws -> Int? {
        try state.withLock { state throws(EmbeddedLogError) in
            try check(state)
            return state.topics[topic]?.partitions.count
        }
    }

    /// The partitions of a topic, created with `partitions` (or the default) when missing.
    func topic(_ name: String, creatingWith partitions: Int? = nil) throws(EmbeddedLogError) -> [PartitionLog] {
        try Self.validate(topic: name)
        let count = partitions ?? configuration.defaultPartitions
        guard (1...100_000).contains(count) else {
            throw EmbeddedLogError(.invalidConfiguration, "a topic needs 1 to 100000 partitions, got \(count)")
        }
        return try state.withLock { state throws(EmbeddedLogError) -> [PartitionLog] in
            try check(state)
            if let existing = state.topics[name] { return existing.partitions }
            var created: [PartitionLog] = []
            for partition in 0..<count {
                created.append(
                    try PartitionLog.open(
                        TopicPartition(topic: name, partition: Int32(partition)),
                        in: configuration.directory,
                        configuration: configuration,
                        logger: logger,
                        create: true
                    )
                )
            }
            state.topics[name] = Topic(partitions: created)
            logger.info("log.topic_created", metadata: ["kafka.topic": "\(name)", "log.partitions": "\(count)"])
            return created
        }
    }

    func existingPartition(_ topicPartition: TopicPartition) throws(EmbeddedLogError) -> PartitionLog {
        try state.withLock { state throws(EmbeddedLogError) -> PartitionLog in
            try check(state)
            guard let topic = state.topics[topicPartition.topic] else {
                throw EmbeddedLogError(.unknownTopic, "no topic \(topicPartition.topic)")
            }
            guard topicPartition.partition >= 0, Int(topicPartition.partition) < topic.partitions.count else {
                throw EmbeddedLogError(.unknownPartition, "no partition \(topicPartition)")
            }
            return topic.partitions[Int(topicPartition.partition)]
        }
    }

    func check(_ state: State) throws(EmbeddedLogError) {
        if state.closed { throw EmbeddedLogError(.closed, "the log is closed") }
    }

    // MARK: - Produce

    /// Appends records: explicit partition, else Kafka's murmur2 partition of the key, else round-robin. One batch
    /// (or several, of at most `maxBatchBytes`) per partition; returns once they are durable per the fsync policy,
    /// at which point consumers see them. Creates the topic with the default partition count if needed. Batches are
    /// compressed per ``EmbeddedLogConfiguration/compression``.
    ///
    /// - Throws: ``EmbeddedLogError`` `.recordTooLarge` (nothing written), `.unknownPartition`, `.io`.
    public func produce(_ records: [LogRecord], to topicName: String) async throws {
        guard !records.isEmpty else { return }
        let maxBatchBytes = configuration.maxBatchBytes

        // Sizes first: a record that cannot fit a batch of its own fails the whole call before anything is written.
        let sizer = KafkaRecordBatchBuilder(buffer: ByteBuffer())
        var sizes = [Int](repeating: 0, count: records.count)
        for (index, record) in records.enumerated() {
            let size = sizer.encodedSize(
                ofRecordWithTimestamp: record.timestamp,
                key: record.key,
                value: record.value,
                headers: record.headers.lazy.map { (key: $0.key, value: $0.value) }
            )
            guard KafkaRecordBatch.Layout.headerSize + size <= maxBatchBytes else {
                throw EmbeddedLogError(
                    .recordTooLarge,
                    "record \(index) takes \(KafkaRecordBatch.Layout.headerSize + size) bytes in a batch, more than "
                        + "maxBatchBytes (\(maxBatchBytes)); nothing was written",
                    topicPartition: topicName
                )
            }
            sizes[index] = size
        }

        let partitions = try topic(topicName)
        let count = Int32(partitions.count)
        var assigned = [Int32](repeating: 0, count: records.count)
        var keyless = 0
        for (index, record) in records.enumerated() {
            if let partition = record.partition {
                guard partition >= 0, partition < count else {
                    throw EmbeddedLogError(
                        .unknownPartition,
                        "partition \(partition) does not exist (\(count) partitions)",
                        topicPartition: topicName
                    )
                }
                assigned[index] = partition
            } else if let key = record.key {
                assigned[index] = KafkaPartitioner.partition(forKey: key, numPartitions: count)
            } else {
                keyless += 1
            }
        }
        if keyless > 0 {
            var next = state.withLock { state -> Int in
                let start = state.topics[topicName]?.roundRobin ?? 0
                state.topics[topicName]?.roundRobin = (start + keyless) % Int(count)
                return start
            }
            for (index, record) in records.enumerated() where record.partition == nil && record.key == nil {
                assigned[index] = Int32(next)
                next = (next + 1) % Int(count)
            }
        }

        // Encode: one buffer per partition holding its batches back to back.
        var estimates = [Int](repeating: 0, count: Int(count))
        for (index, partition) in assigned.enumerated() { estimates[Int(partition)] += sizes[index] + 8 }
        var buffers: [ByteBuffer?] = Array(repeating: nil, count: Int(count))
        var builders: [KafkaRecordBatchBuilder?] = Array(repeating: nil, count: Int(count))
        var batchStarts = [Int](repeating: 0, count: Int(count))
        var pending: [[PendingBatch]] = Array(repeating: [], count: Int(count))

        let compression = configuration.compression
        let compressionLevel = configuration.compressionLevel
        func finish(_ partition: Int) throws(EmbeddedLogError) {
            // Taken out of the array so the builder's buffer is uniquely referenced (no copy on finishing).
            guard let builder = builders[partition].take() else { return }
            let lastOffsetDelta = builder.recordsCount - 1
            let maxTimestamp = builder.maxTimestamp
            let buffer: ByteBuffer
            if compression == .none {
                buffer = (consume builder).finish()
            } else {
                do throws(KafkaCompressionError) {
                    // Kept uncompressed when compression does not shrink it: the batch stays within maxBatchBytes.
                    buffer = try (consume builder).finish(compression: compression) {
                        (section: ByteBuffer) throws(KafkaCompressionError) -> ByteBuffer? in
                        let compressed = try KafkaCompression.compress(
                            section,
                            codec: compression,
                            level: compressionLevel
                        )
                        return compressed.readableBytes < section.readableBytes ? compressed : nil
                    }
                } catch {
                    throw EmbeddedLogError(
                        compressing: error,
                        otherwise: .io,
                        "cannot compress a batch with \(compression): \(error.message); nothing was written",
                        topicPartition: topicName
                    )
                }
            }
            pending[partition].append(
                PendingBatch(
                    index: batchStarts[partition],
                    size: buffer.writerIndex - batchStarts[partition],
                    lastOffsetDelta: lastOffsetDelta,
                    maxTimestamp: maxTimestamp
                )
            )
            buffers[partition] = buffer
        }

        for (index, record) in records.enumerated() {
            let partition = Int(assigned[index])
            let headers = record.headers.lazy.map { (key: $0.key, value: $0.value) }
            let full =
                builders[partition].map { builder in
                    builder.encodedSize
                        + builder.encodedSize(
                            ofRecordWithTimestamp: record.timestamp,
                            key: record.key,
                            value: record.value,
                            headers: headers
                        ) > maxBatchBytes
                } ?? false
            if full {
                try finish(partition)
            }
            if builders[partition] == nil {
                var buffer: ByteBuffer
                if let existing = buffers[partition].take() {
                    buffer = existing
                } else {
                    // Room for all of this partition's batches at once: no reallocation while encoding.
                    let batches = estimates[partition] / maxBatchBytes + 2
                    buffer = ByteBuffer()
                    buffer.reserveCapacity(estimates[partition] + batches * KafkaRecordBatch.Layout.headerSize)
                }
                batchStarts[partition] = buffer.writerIndex
                // Hand the only reference to the builder, so that its writes do not copy the storage.
                builders[partition] = KafkaRecordBatchBuilder(buffer: consume buffer)
            }
            builders[partition]!.append(
                timestamp: record.timestamp,
                key: record.key,
                value: record.value,
                headers: headers
            )
        }
        for partition in 0..<Int(count) { try finish(partition) }

        // Write, partition by partition, then fsync (concurrently across partitions) and show.
        var toSync: [(PartitionLog, Int64)] = []
        for partition in 0..<Int(count) where !pending[partition].isEmpty {
            let outcome = try partitions[partition].append(&buffers[partition]!, batches: pending[partition])
            if outcome.needsSync { toSync.append((partitions[partition], outcome.nextOffset)) }
        }
        try await sync(toSync)
        notifier.notifyAll()
    }

    private func sync(_ partitions: [(PartitionLog, Int64)]) async throws {
        switch partitions.count {
        case 0:
            return
        case 1:
            try await partitions[0].0.sync(covering: partitions[0].1)
        default:
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (partition, offset) in partitions {
                    group.addTask { try await partition.sync(covering: offset) }
                }
                try await group.waitForAll()
            }
        }
    }

    // MARK: - Raw batches (for the Kafka broker)

    /// Checks that records carry offset deltas 0, 1, 2, … (as Kafka's log validator does).
    /// The records of a compressed batch, decompressed to at most `maxDecompressedBatchBytes`; a failure is an
    /// `EmbeddedLogError` whose message starts with `context`.
    func decompressedRecords(
        of batch: KafkaRecordBatch,
        in topicPartition: TopicPartition,
        context: String
    ) throws(EmbeddedLogError) -> [KafkaRecord] {
        do throws(KafkaCompressionError) {
            return try batch.decompressedRecords(maxOutputBytes: configuration.maxDecompressedBatchBytes)
        } catch {
            throw EmbeddedLogError(
                compressing: error,
                otherwise: .invalidBatch,
                "\(context): \(error.message)",
                topicPartition: topicPartition.description
            )
        }
    }

    private static func checkOffsetDeltas(_ records: [KafkaRecord]) throws(KafkaWireError) {
        for (index, record) in records.enumerated() where record.offsetDelta != index {
            throw KafkaWireError(.invalidRecord, "record \(index) has offsetDelta \(record.offsetDelta)")
        }
    }

    /// Appends record batches as a Kafka producer sent them (one or more, back to back; compressed ones too): each is
    /// checked (framing, magic 2, CRC-32C, at most `maxBatchBytes`, `lastOffsetDelta == recordsCount - 1`, and every
    /// record, compressed batches once decompressed to at most `maxDecompressedBatchBytes`), then stored unchanged
    /// except for its `baseOffset`, which the log assigns. Returns once durable per the fsync policy.
    ///
    /// - Throws: ``EmbeddedLogError`` `.corruptMessage` (CRC mismatch), `.invalidBatch` (malformed, compressed data
    ///   included), `.recordTooLarge` (beyond `maxBatchBytes`, or decompressing beyond `maxDecompressedBatchBytes`),
    ///   `.unsupportedCompression` (codec 5–7), `.unknownTopic`, `.unknownPartition`; nothing is written when any
    ///   batch is rejected.
    public func appendRawBatches(
        _ bytes: ByteBuffer,
        to topicPartition: TopicPartition
    ) async throws -> EmbeddedLogAppendResult {
        let partition = try existingPartition(topicPartition)
        var reader = bytes
        var batches: [PendingBatch] = []
        while reader.readableBytes > 0 {
            let start = reader.readerIndex
            let batch: KafkaRecordBatch
            do throws(KafkaWireError) {
                guard let read = try reader.readKafkaRecordBatch(maximumBatchSize: configuration.maxBatchBytes) else {
                    throw KafkaWireError(.truncated, "the data ends inside a record batch", bytes: reader)
                }
                batch = read
                guard batch.recordsCount > 0, batch.lastOffsetDelta == batch.recordsCount - 1 else {
                    throw KafkaWireError(
                        .invalidRecord,
                        "recordsCount \(batch.recordsCount) does not match lastOffsetDelta \(batch.lastOffsetDelta)"
                    )
                }
                if batch.attributes.compression == .none {
                    try Self.checkOffsetDeltas(try batch.records())
                }
            } catch {
                let code: EmbeddedLogError.Code =
                    switch error.code {
                    case .corruptMessage: .corruptMessage
                    case .tooLarge: .recordTooLarge
                    default: .invalidBatch
                    }
                throw EmbeddedLogError(
                    code,
                    "rejected record batch at byte \(start - bytes.readerIndex): \(error.message)",
                    topicPartition: topicPartition.description,
                    underlying: error
                )
            }
            if batch.attributes.compression != .none {
                // Compressed: decompressed (at most maxDecompressedBatchBytes) and checked like an uncompressed one.
                let message = "rejected record batch at byte \(start - bytes.readerIndex)"
                let records = try decompressedRecords(of: batch, in: topicPartition, context: message)
                do throws(KafkaWireError) {
                    try Self.checkOffsetDeltas(records)
                } catch {
                    throw EmbeddedLogError(
                        .invalidBatch,
                        "\(message): \(error.message)",
                        topicPartition: topicPartition.description,
                        underlying: error
                    )
                }
            }
            batches.append(
                PendingBatch(
                    index: start,
                    size: batch.totalSize,
                    lastOffsetDelta: batch.lastOffsetDelta,
                    maxTimestamp: batch.maxTimestamp
                )
            )
        }
        guard !batches.isEmpty else {
            throw EmbeddedLogError(.invalidBatch, "no record batch", topicPartition: topicPartition.description)
        }
        var buffer = bytes
        let outcome = try partition.append(&buffer, batches: batches)
        if outcome.needsSync {
            try await partition.sync(covering: outcome.nextOffset)
        }
        notifier.notifyAll()
        return EmbeddedLogAppendResult(
            baseOffset: outcome.baseOffset,
            lastOffset: outcome.nextOffset - 1,
            logStartOffset: outcome.logStartOffset
        )
    }

    /// Whole stored batches, as stored, starting with the batch that contains `offset` (it may begin before
    /// `offset`), up to `maxBytes` but at least one batch when there is one, from a single segment, and only visible
    /// (durable) ones. Empty at the end of the partition.
    ///
    /// - Throws: ``EmbeddedLogError`` `.offsetOutOfRange` when `offset` is outside `earliest...end`.
    public func readRawBatches(from topicPartition: TopicPartition, offset: Int64, maxBytes: Int) throws -> ByteBuffer {
        try existingPartition(topicPartition).readRaw(from: offset, maxBytes: maxBytes)
    }

    /// The earliest and end offsets of one partition.
    public func offsetRange(of topicPartition: TopicPartition) throws -> ClosedOffsetRange {
        try existingPartition(topicPartition).offsetRange
    }

    // MARK: - Offsets

    /// Earliest and end offsets of every partition; empty for a topic that does not exist.
    public func offsets(of topic: String) async throws -> [Int32: ClosedOffsetRange] {
        let partitions = try state.withLock { state throws(EmbeddedLogError) in
            try check(state)
            return state.topics[topic]?.partitions ?? []
        }
        var offsets: [Int32: ClosedOffsetRange] = [:]
        for partition in partitions {
            offsets[partition.topicPartition.partition] = try partition.offsetRange
        }
        return offsets
    }

    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try state.withLock { state throws(EmbeddedLogError) in try check(state) }
        var offsets: [Int32: Int64] = [:]
        for (topicPartition, offset) in try groupOffsets.committed(group: group) where topicPartition.topic == topic {
            offsets[topicPartition.partition] = offset
        }
        return offsets
    }

    /// Stores a group's offsets durably (atomic file replacement).
    func commit(group: String, offsets: [TopicPartition: Int64]) async throws {
        try state.withLock { state throws(EmbeddedLogError) in try check(state) }
        try await groupOffsets.commit(group: group, offsets: offsets)
    }

    // MARK: - Consumers

    /// A consumer assigned all partitions of `topics` (a group of one member). Missing topics are created.
    /// `startingOffsets` is asked once; partitions it does not answer for start at their earliest offset.
    public func makeConsumer(
        group: String,
        topics: [String],
        startingOffsets: @escaping StartingOffsets
    ) async throws -> any LogConsumer {
        try GroupOffsetStore.validate(group: group)
        var partitions: [PartitionLog] = []
        for topic in Set(topics).sorted() {
            partitions += try self.topic(topic)
        }
        let starting = try await startingOffsets(partitions.map(\.topicPartition))
        var positions: [Int64] = []
        for partition in partitions {
            let range = try partition.offsetRange
            var position = starting[partition.topicPartition] ?? range.earliest
            if position < range.earliest {
                position = range.earliest
            } else if position > range.end {
                logger.warning(
                    "log.position_beyond_end",
                    metadata: [
                        "kafka.partition": "\(partition.topicPartition)",
                        "log.position": "\(position)",
                        "log.end": "\(range.end)",
                    ]
                )
                position = range.end
            }
            positions.append(position)
        }
        return EmbeddedLogConsumer(log: self, group: group, partitions: partitions, positions: positions)
    }

    // MARK: - Maintenance

    /// Applies the retention limits to every partition now (also done on open and on every segment roll); call it
    /// periodically for time-based retention on quiet partitions.
    public func enforceRetention() throws {
        let now = Timestamp.nowMilliseconds()
        for partition in allPartitions() {
            try partition.enforceRetention(now: now)
        }
    }

    /// Fsyncs everything written so far and shows it to readers (useful with ``FsyncPolicy/interval(milliseconds:)``
    /// and ``FsyncPolicy/never``).
    public func flush() async throws {
        for partition in allPartitions() {
            try await partition.flush()
        }
        notifier.notifyAll()
    }

    private func allPartitions() -> [PartitionLog] {
        state.withLock { state in state.topics.values.flatMap(\.partitions) }
    }

    /// Fsyncs and closes every partition and releases the writer lock. Later calls throw `.closed`; consumers
    /// waiting in `poll` wake up. Idempotent.
    public func close() async throws {
        let partitions: [PartitionLog]? = state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            return state.topics.values.flatMap(\.partitions)
        }
        guard let partitions else { return }
        var firstError: (any Error)?
        for partition in partitions {
            do {
                try partition.close()
            } catch {
                logger.error("log.close_failed", metadata: ["kafka.partition": "\(partition.topicPartition)"])
                firstError = firstError ?? error
            }
        }
        writerLock.release()
        notifier.notifyAll()
        logger.info("log.closed", metadata: ["log.directory": "\(configuration.directory)"])
        if let firstError { throw firstError }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}
