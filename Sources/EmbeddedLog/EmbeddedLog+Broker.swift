import KafkaWire
import NIOCore
import UserStreamCore

/// What the Kafka broker needs beyond the `Log` port: topic listing and deletion, group offsets by group, waiting for
/// appends (Fetch long-polls) and offsets by timestamp (ListOffsets).
extension EmbeddedLog {
    /// Every topic with its partition count.
    public func topicPartitionCounts() throws -> [String: Int] {
        try state.withLock { state throws(EmbeddedLogError) in
            try check(state)
            return state.topics.mapValues(\.partitions.count)
        }
    }

    /// Creates a topic unless it exists and returns its partition count and whether this call created it.
    ///
    /// - Throws: ``EmbeddedLogError`` `.invalidTopicName`, `.invalidConfiguration` (partition count), `.io`.
    public func ensureTopic(_ name: String, partitions: Int? = nil) throws -> (partitions: Int, created: Bool) {
        let existed = try state.withLock { state throws(EmbeddedLogError) in
            try check(state)
            return state.topics[name]?.partitions.count
        }
        if let existed { return (existed, false) }
        let count = try topic(name, creatingWith: partitions).count
        return (count, true)
    }

    /// Deletes a topic: its partitions close and their directories are removed. Consumers reading it see `.closed`.
    ///
    /// - Throws: ``EmbeddedLogError`` `.unknownTopic`, `.io`.
    public func deleteTopic(_ name: String) async throws {
        let partitions = try state.withLock { state throws(EmbeddedLogError) -> [PartitionLog] in
            try check(state)
            guard let topic = state.topics.removeValue(forKey: name) else {
                throw EmbeddedLogError(.unknownTopic, "no topic \(name)")
            }
            return topic.partitions
        }
        for partition in partitions {
            try partition.close()
            let directory = partition.directory
            for file in try FileIO.list(directory) {
                try FileIO.remove(directory + "/" + file)
            }
            try FileIO.removeDirectory(directory)
        }
        try FileIO.syncDirectory(configuration.directory)
        logger.info("log.topic_deleted", metadata: ["kafka.topic": "\(name)"])
        notifier.notifyAll()
    }

    /// A group's committed offsets, every topic.
    public func committedGroupOffsets(group: String) throws -> [TopicPartition: Int64] {
        try state.withLock { state throws(EmbeddedLogError) in try check(state) }
        return try groupOffsets.committed(group: group)
    }

    /// Merges `offsets` into a group's committed offsets, durably (atomic file replacement).
    public func commitGroupOffsets(group: String, offsets: [TopicPartition: Int64]) async throws {
        try await commit(group: group, offsets: offsets)
    }

    /// The groups that have committed offsets.
    public func groupsWithCommittedOffsets() throws -> [String] {
        try state.withLock { state throws(EmbeddedLogError) in try check(state) }
        return try groupOffsets.groups()
    }

    /// A counter that moves whenever records become visible (or topics change): read it before looking for records,
    /// then ``waitForAppend(after:timeout:)`` with it.
    public var appendGeneration: UInt64 { notifier.generation }

    /// Waits until records become visible after `generation` was read, `timeout` passes, or the task is cancelled.
    public func waitForAppend(after generation: UInt64, timeout: Duration) async {
        await notifier.wait(after: generation, timeout: timeout)
    }

    /// The earliest record whose timestamp is at or after `timestamp` (milliseconds): its offset and its timestamp,
    /// as Kafka's ListOffsets answers them, or `nil` when every record is older. Compressed batches are decompressed
    /// (to at most `maxDecompressedBatchBytes`) to find the record.
    public func offset(
        forTimestamp timestamp: Int64,
        in topicPartition: TopicPartition
    ) throws -> (
        offset: Int64, timestamp: Int64
    )? {
        let partition = try existingPartition(topicPartition)
        var position = try partition.offsetRange.earliest
        var found: KafkaRecordBatch?
        while found == nil {
            var bytes = try partition.readRaw(from: position, maxBytes: 1 << 20)
            guard bytes.readableBytes > 0 else { return nil }
            do throws(KafkaWireError) {
                while let batch = try bytes.readKafkaRecordBatch(maximumBatchSize: Int(Int32.max), verifyingCRC: false)
                {
                    position = batch.nextOffset
                    if batch.maxTimestamp >= timestamp, !batch.attributes.isControlBatch {
                        found = batch
                        break
                    }
                }
            } catch {
                throw EmbeddedLogError(
                    .invalidBatch,
                    "cannot read a stored batch: \(error.message)",
                    topicPartition: topicPartition.description,
                    underlying: error
                )
            }
        }
        guard let batch = found else { return nil }
        let records = try decompressedRecords(of: batch, in: topicPartition, context: "cannot decode a stored batch")
        for record in records where batch.timestamp(of: record) >= timestamp {
            return (batch.offset(of: record), batch.timestamp(of: record))
        }
        // The batch's max timestamp was reached by none of its records (LogAppendTime): its first one.
        return (batch.baseOffset, batch.maxTimestamp)
    }
}
