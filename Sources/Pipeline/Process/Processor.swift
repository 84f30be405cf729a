import Logging
import Metrics
import ServiceLifecycle
import UserStreamCore

/// Consumes `users_created` in batches: decodes and validates each record, dead-letters the invalid ones to
/// `users_created.dlq` with the reason in headers, and commits the valid ones to the store together with the
/// consumer offsets (one transaction in the embedded store: exactly once). The next batch is decoded while the
/// previous one commits.
public struct Processor: Service {
    let log: any Log
    let store: any UserStore
    let configuration: ProcessorConfiguration
    let logger: Logger

    public init(log: any Log, store: any UserStore, configuration: ProcessorConfiguration, logger: Logger) {
        self.log = log
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// A consumed batch, decoded and ready to commit.
    struct PreparedBatch: Sendable {
        var batch: StoreBatch
        var deadLetters: [LogRecord]
        var records: Int
        var timestamps: [Int64]
    }

    /// Totals over the processor's lifetime.
    public struct Totals: Sendable, Hashable {
        public var records = 0
        public var inserted = 0
        public var duplicates = 0
        public var deadLettered = 0

        mutating func add(_ other: Totals) {
            records += other.records
            inserted += other.inserted
            duplicates += other.duplicates
            deadLettered += other.deadLettered
        }
    }

    public func run() async throws {
        _ = try await runUntilDone()
    }

    /// Consumes until idle (with `untilIdle`), graceful shutdown, or cancellation, and returns what it did.
    public func runUntilDone() async throws -> Totals {
        let store = self.store
        let group = configuration.group
        let topic = configuration.topic
        try await log.createTopic(Topics.usersCreatedDLQ, partitions: 1)
        if try await log.partitionCount(of: topic) == nil {
            try await log.createTopic(topic, partitions: configuration.partitions)
        }
        let log = self.log
        @Sendable func makeConsumer() async throws -> any LogConsumer {
            try await log.makeConsumer(group: group, topics: [topic]) { partitions in
                let stored = try await store.committedOffsets(group: group, topic: topic)
                var offsets: [TopicPartition: Int64] = [:]
                for partition in partitions where partition.topic == topic {
                    if let offset = stored[partition.partition] { offsets[partition] = offset }
                }
                return offsets
            }
        }
        var consumer = try await makeConsumer()
        logger.info("processor.started", metadata: ["processor.group": "\(group)", "processor.topic": "\(topic)"])
        var totals = Totals()
        var shutdownStarted: ContinuousClock.Instant?
        let clock = ContinuousClock()
        var pending: PreparedBatch? = nil
        do {
            while true {
                if Task.isCancelled { break }
                if shutdownStarted == nil, Task.isShuttingDownGracefully {
                    shutdownStarted = clock.now
                    logger.info("processor.draining")
                }
                if let shutdownStarted, clock.now - shutdownStarted > configuration.drainTimeout {
                    // What is left stays in the log, behind the committed offsets, for the next start.
                    logger.warning("processor.drain_timeout")
                    break
                }
                if let batch = pending {
                    // Commit this batch while the next one is polled and decoded.
                    let current = consumer
                    async let committed = commit(batch, consumer: current)
                    let polled = try await StageProfile.measure(.poll) {
                        try await current.poll(maxRecords: configuration.maxBatchRecords, timeout: .zero)
                    }
                    let next = polled.isEmpty ? nil : prepare(polled)
                    do {
                        totals.add(try await committed)
                        pending = next
                    } catch let superseded as StoreBatchSuperseded {
                        // The store's offsets moved past part of this batch (an earlier owner's finished commit):
                        // read again from them, with a new consumer (its assignment starts at the store's offsets).
                        logger.warning(
                            "processor.batch_superseded",
                            metadata: ["store.batch_id": "\(superseded.batchID)", "error": "\(superseded.reason)"]
                        )
                        pending = nil
                        try? await current.close()
                        consumer = try await makeConsumer()
                    }
                    continue
                }
                let polled = try await StageProfile.measure(.poll) {
                    try await consumer.poll(
                        maxRecords: configuration.maxBatchRecords,
                        timeout: configuration.pollTimeout
                    )
                }
                if !polled.isEmpty {
                    pending = prepare(polled)
                    continue
                }
                if configuration.untilIdle || shutdownStarted != nil {
                    if try await caughtUp(consumer) { break }
                }
            }
            if let batch = pending {
                pending = nil
                do {
                    totals.add(try await commit(batch, consumer: consumer))
                } catch let superseded as StoreBatchSuperseded {
                    // Stopping anyway: what the batch held stays behind the store's offsets for the next start.
                    logger.warning(
                        "processor.batch_superseded",
                        metadata: ["store.batch_id": "\(superseded.batchID)", "error": "\(superseded.reason)"]
                    )
                }
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        try await consumer.close()
        logger.info(
            "processor.stopped",
            metadata: [
                "processor.records": "\(totals.records)", "processor.inserted": "\(totals.inserted)",
                "processor.duplicates": "\(totals.duplicates)", "processor.dead_lettered": "\(totals.deadLettered)",
            ]
        )
        return totals
    }

    private func caughtUp(_ consumer: any LogConsumer) async throws -> Bool {
        // Only the partitions this member is assigned: in a group, the others are another member's to drain.
        let ends = try await log.offsets(of: configuration.topic)
        let positions = await consumer.positions()
        for partition in await consumer.assignment() where partition.topic == configuration.topic {
            guard let range = ends[partition.partition] else { continue }
            if (positions[partition] ?? range.earliest) < range.end { return false }
        }
        return true
    }

    /// Decodes and validates records; invalid ones become dead letters.
    func prepare(_ records: [ConsumedRecord]) -> PreparedBatch {
        var users: [IncomingUser] = []
        users.reserveCapacity(records.count)
        var deadLetters: [LogRecord] = []
        var deadLetteredByRun: [String: Int] = [:]
        var nextOffsets: [Int32: Int64] = [:]
        var firstOffsets: [Int32: Int64] = [:]
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(records.count)
        // Records of one batch nearly always come from one run: decode its id once, not per record.
        var lastRunIDBytes: [UInt8]?
        var lastRunID: String?
        // `bench --profile`: decode and validate time, read per record only when a profile is bound.
        let profile = StageProfile.current
        var decoding = Duration.zero
        var validating = Duration.zero
        for index in records.indices {
            let partition = records[index].partition
            let offset = records[index].offset
            timestamps.append(records[index].timestamp)
            if firstOffsets[partition] == nil { firstOffsets[partition] = offset }
            nextOffsets[partition] = max(nextOffsets[partition] ?? 0, offset + 1)
            let runIDBytes = records[index].headers.first(where: { $0.key == RecordHeaders.runID })?.value
            let runID: String?
            if let runIDBytes, runIDBytes == lastRunIDBytes {
                runID = lastRunID
            } else {
                runID = runIDBytes.map { String(decoding: $0, as: UTF8.self) }
                lastRunIDBytes = runIDBytes
                lastRunID = runID
            }
            do {
                guard let value = records[index].value else {
                    throw ProcessingRejection(reason: "the record has no value")
                }
                let user: UserRecord
                if profile != nil {
                    let started = ContinuousClock.now
                    user = try UserRecord(jsonBytes: value)
                    let decoded = ContinuousClock.now
                    decoding += decoded - started
                    defer { validating += ContinuousClock.now - decoded }
                    try user.validate()
                } else {
                    user = try UserRecord(jsonBytes: value)
                    try user.validate()
                }
                users.append(IncomingUser(record: consume user, runID: runID))
            } catch {
                deadLetteredByRun[runID ?? "", default: 0] += 1
                deadLetters.append(Self.deadLetter(for: records[index], reason: "\(error)"))
            }
        }
        if let profile {
            profile.add(.decode, decoding)
            profile.add(.validate, validating)
        }
        let ranges = firstOffsets.keys.sorted().map { "\($0):\(firstOffsets[$0]!)-\(nextOffsets[$0]! - 1)" }
        let batch = StoreBatch(
            group: configuration.group,
            topic: configuration.topic,
            users: users,
            deadLetteredByRun: deadLetteredByRun,
            nextOffsets: nextOffsets,
            firstOffsets: firstOffsets,
            batchID: "\(configuration.group)/\(configuration.topic)/\(ranges.joined(separator: ","))"
        )
        return PreparedBatch(batch: batch, deadLetters: deadLetters, records: records.count, timestamps: timestamps)
    }

    /// Dead letters first (so none is lost if we crash between the two), then rows + offsets in one store commit,
    /// then the log's own group offsets (informational: the store's offsets are the source of truth).
    private func commit(_ prepared: PreparedBatch, consumer: any LogConsumer) async throws -> Totals {
        if !prepared.deadLetters.isEmpty {
            try await log.produce(prepared.deadLetters, to: Topics.usersCreatedDLQ)
            for letter in prepared.deadLetters.prefix(3) {
                logger.warning(
                    "processor.dead_letter",
                    metadata: [
                        "dlq.reason":
                            "\(letter.headers.first(where: { $0.key == RecordHeaders.dlqReason })?.stringValue ?? "")"
                    ]
                )
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await store.commit(prepared.batch)
        let elapsed = clock.now - started
        var offsets: [TopicPartition: Int64] = [:]
        for (partition, offset) in prepared.batch.nextOffsets {
            offsets[TopicPartition(topic: configuration.topic, partition: partition)] = offset
        }
        try await StageProfile.measure(.offsetCommit) { try await consumer.commit(offsets) }

        let totals = Totals(
            records: prepared.records,
            inserted: result.inserted,
            duplicates: result.duplicates,
            deadLettered: prepared.deadLetters.count
        )
        Counter(label: "userstream_consumed_total").increment(by: prepared.records)
        Counter(label: "userstream_stored_total").increment(by: result.inserted)
        Counter(label: "userstream_duplicates_total").increment(by: result.duplicates)
        if !prepared.deadLetters.isEmpty {
            Counter(label: "userstream_dead_letters_total", dimensions: [("stage", "process")])
                .increment(by: prepared.deadLetters.count)
        }
        Timer(label: "userstream_batch_commit_seconds").recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        )
        configuration.onCommit?(
            ProcessorCommit(
                records: prepared.records,
                inserted: result.inserted,
                duplicates: result.duplicates,
                deadLettered: prepared.deadLetters.count,
                recordTimestamps: prepared.timestamps,
                committedAt: Timestamp.nowMilliseconds()
            )
        )
        return totals
    }

    static func deadLetter(for record: ConsumedRecord, reason: String) -> LogRecord {
        LogRecord(
            key: record.key,
            value: record.value,
            headers: [
                LogHeader(key: RecordHeaders.dlqReason, string: reason),
                LogHeader(key: RecordHeaders.dlqStage, string: "process"),
                LogHeader(key: RecordHeaders.dlqOriginalTopic, string: record.topic),
                LogHeader(key: RecordHeaders.dlqOriginalPartition, string: String(record.partition)),
                LogHeader(key: RecordHeaders.dlqOriginalOffset, string: String(record.offset)),
            ] + record.headers,
            timestamp: record.timestamp
        )
    }
}

/// A record the processor refuses before decoding.
struct ProcessingRejection: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
