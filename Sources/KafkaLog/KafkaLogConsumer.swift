import CRdKafka
import Dispatch
import Glibc
import Logging
import Synchronization
import UserStreamCore

/// A member of a Kafka consumer group (librdkafka's balanced consumer, `rd_kafka_subscribe`).
///
/// Threads: every call that polls librdkafka — `poll`, the wait for the first assignment, `close` — runs on the
/// consumer's own serial dispatch queue, never on the cooperative pool, in slices of at most 100 ms so that `close`
/// and task cancellation interrupt a long wait. Rebalances are served inside those polls, on that queue: the
/// rebalance callback asks `startingOffsets` (async) through a task and blocks that queue's thread on a semaphore until
/// the answer comes. Commits run on a second serial queue, so a commit and a poll overlap (the processor commits one
/// batch while it polls the next).
///
/// Offsets: on assignment, a partition starts at the `startingOffsets` answer, else (see
/// ``KafkaLogConfiguration/fallBackToCommittedOffsets``) the group's committed offset, else the earliest offset;
/// positions beyond the end start at the end. Nothing is committed automatically.
final class KafkaLogConsumer: LogConsumer {
    let group: String
    let topics: [String]
    private let client: KafkaClient
    private let configuration: KafkaLogConfiguration
    private let logger: Logger
    private let startingOffsets: StartingOffsets
    private let pollQueue: BlockingQueue
    private let commitQueue: BlockingQueue
    private let state = Mutex(State())
    /// Set by `close`: a poll under way returns at its next slice.
    private let interrupted = Atomic<Bool>(false)
    private let onClose: @Sendable (KafkaLogConsumer) -> Void

    private struct State {
        var assignment: Set<TopicPartition> = []
        /// Next offset `poll` returns, per assigned partition.
        var positions: [TopicPartition: Int64] = [:]
        var buffer = ConsumerBuffer()
        /// Assignments handled (successfully or not).
        var assignments = 0
        /// Why the last assignment failed; thrown by the next `poll`.
        var assignmentError: KafkaLogError?
        var closed = false
    }

    private static let slice: Duration = .milliseconds(100)

    init(
        configuration: KafkaLogConfiguration,
        group: String,
        topics: [String],
        startingOffsets: @escaping StartingOffsets,
        logger: Logger,
        onClose: @escaping @Sendable (KafkaLogConsumer) -> Void
    ) throws(KafkaLogError) {
        self.group = group
        self.topics = topics
        self.configuration = configuration
        self.startingOffsets = startingOffsets
        self.onClose = onClose
        var logger = logger
        logger[metadataKey: "kafka.group"] = "\(group)"
        self.logger = logger
        self.client = try KafkaClient.make(configuration: configuration, role: .consumer(group: group), logger: logger)
        self.pollQueue = BlockingQueue(label: "userstream.kafka.consumer-poll.\(client.name)")
        self.commitQueue = BlockingQueue(label: "userstream.kafka.consumer-commit.\(client.name)")
        client.context.rebalanceHandler.withLock { $0 = KafkaClientContext.RebalanceHandler(consumer: self) }

        let subscription = TopicPartitionList(
            topics.map { TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) }
        )
        let error = rd_kafka_subscribe(client.handle, subscription.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            client.destroy(closingConsumer: false)
            throw KafkaLogError(
                .subscriptionFailed,
                "cannot subscribe group \(group) to \(topics.joined(separator: ", "))",
                rdkafka: error
            )
        }
    }

    deinit {
        // Only when `close` was never called: leave without the (blocking) group leave.
        client.destroy(closingConsumer: false)
    }

    // MARK: - Assignment

    /// Polls until the group assigned this member its partitions (possibly none) or `timeout` passed.
    func waitForFirstAssignment(timeout: Duration) async throws(KafkaLogError) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        try await pollQueue.run { () throws(KafkaLogError) in
            while true {
                let (assignments, error, closed) = self.state.withLock {
                    ($0.assignments, $0.assignmentError, $0.closed)
                }
                if closed { throw KafkaLogError(.closed, "the consumer of group \(self.group) is closed") }
                if let error { throw error }
                if assignments > 0 { return }
                let now = clock.now
                if now >= deadline || self.interrupted.load(ordering: .relaxed) {
                    throw KafkaLogError(
                        .timedOut,
                        "group \(self.group) assigned no partitions of \(self.topics.joined(separator: ", ")) to this "
                            + "member within \(timeout)"
                    )
                }
                try self.drain(firstWait: min(deadline - now, Self.slice))
            }
        }
    }

    /// The rebalance callback (on the poll queue, inside `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`).
    func handleRebalance(
        _ event: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let handle = client.handle
        let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
        let topicPartitions = TopicPartitionList.topicPartitions(of: partitions)
        switch event {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            do throws(KafkaLogError) {
                let offsets = try resolveStartingOffsets(topicPartitions)
                let elements = TopicPartitionList.elements(of: partitions)
                for index in elements.indices {
                    elements[index].offset = offsets[topicPartitions[index]] ?? Int64(RD_KAFKA_OFFSET_INVALID)
                }
                if cooperative {
                    if let error = rd_kafka_incremental_assign(handle, partitions) {
                        throw KafkaLogError(.assignmentFailed, "incremental assign failed", consuming: error)
                    }
                } else {
                    let error = rd_kafka_assign(handle, partitions)
                    guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        throw KafkaLogError(.assignmentFailed, "assign failed", rdkafka: error)
                    }
                }
                state.withLock { state in
                    for topicPartition in topicPartitions {
                        state.assignment.insert(topicPartition)
                        state.positions[topicPartition] = offsets[topicPartition]
                    }
                    state.assignmentError = nil
                    state.assignments += 1
                }
                logger.info(
                    "kafka.partitions_assigned",
                    metadata: [
                        "kafka.partitions": "\(Self.describe(topicPartitions, offsets: offsets))",
                        "kafka.protocol": "\(cooperative ? "cooperative" : "eager")",
                    ]
                )
            } catch {
                logger.error(
                    "kafka.assignment_failed",
                    metadata: ["kafka.partitions": "\(Self.describe(topicPartitions))", "kafka.error": "\(error)"]
                )
                // Consume nothing without a known starting point; the next poll throws.
                if !cooperative { rd_kafka_assign(handle, nil) }
                state.withLock { state in
                    state.assignmentError = error
                    state.assignments += 1
                }
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, partitions) {
                    let failure = KafkaLogError(.assignmentFailed, "incremental unassign failed", consuming: error)
                    logger.warning("kafka.unassign_failed", metadata: ["kafka.error": "\(failure)"])
                }
            } else {
                rd_kafka_assign(handle, nil)
            }
            state.withLock { state in
                for topicPartition in topicPartitions {
                    state.assignment.remove(topicPartition)
                    state.positions[topicPartition] = nil
                }
                state.buffer.remove(topicPartitions)
            }
            logger.info(
                "kafka.partitions_revoked",
                metadata: ["kafka.partitions": "\(Self.describe(topicPartitions))", "kafka.lost": "\(lost)"]
            )
        default:
            logger.warning(
                "kafka.rebalance_error",
                metadata: ["kafka.error": "\(KafkaLogError.LibrdkafkaError(event))"]
            )
            rd_kafka_assign(handle, nil)
            state.withLock { state in
                state.assignment = []
                state.positions = [:]
                state.buffer.removeAll()
            }
        }
    }

    /// Where each newly assigned partition starts: the `startingOffsets` answer, else the committed offset (when
    /// configured), else the earliest; clamped to the partition's current range. Blocking (poll queue).
    private func resolveStartingOffsets(_ partitions: [TopicPartition]) throws(KafkaLogError) -> [TopicPartition: Int64]
    {
        guard !partitions.isEmpty else { return [:] }
        let timeout = KafkaLogConfiguration.timeoutMilliseconds(configuration.requestTimeout)
        let answered = try askStartingOffsets(partitions)
        var committed: [TopicPartition: Int64] = [:]
        let missing = partitions.filter { answered[$0] == nil }
        if configuration.fallBackToCommittedOffsets && !missing.isEmpty {
            committed = try KafkaAdmin.committed(missing, handle: client.handle, timeoutMilliseconds: timeout)
        }
        var result: [TopicPartition: Int64] = [:]
        for topicPartition in partitions {
            let range = try KafkaAdmin.watermarks(
                of: topicPartition,
                handle: client.handle,
                timeoutMilliseconds: timeout
            )
            var position = answered[topicPartition] ?? committed[topicPartition] ?? range.earliest
            if position < range.earliest {
                position = range.earliest
            } else if position > range.end {
                logger.warning(
                    "kafka.position_beyond_end",
                    metadata: [
                        "kafka.partition": "\(topicPartition)",
                        "kafka.position": "\(position)",
                        "kafka.end": "\(range.end)",
                    ]
                )
                position = range.end
            }
            result[topicPartition] = position
        }
        return result
    }

    /// Calls the async `startingOffsets` from the poll queue's thread and blocks it until the answer comes. The poll
    /// queue is a dispatch queue, not a thread of the cooperative pool, so the task that runs the closure is free to
    /// run meanwhile. (A task of its own: the C callback cannot await.)
    private func askStartingOffsets(_ partitions: [TopicPartition]) throws(KafkaLogError) -> [TopicPartition: Int64] {
        let answer = StartingOffsetsAnswer()
        let startingOffsets = self.startingOffsets
        let task = Task {
            let result: Result<[TopicPartition: Int64], any Error>
            do {
                result = .success(try await startingOffsets(partitions))
            } catch {
                result = .failure(error)
            }
            answer.deliver(result)
        }
        let timeout = KafkaLogConfiguration.milliseconds(configuration.startingOffsetsTimeout)
        guard answer.ready.wait(timeout: .now() + .milliseconds(Int(clamping: timeout))) == .success else {
            task.cancel()
            throw KafkaLogError(
                .timedOut,
                "startingOffsets did not answer within \(configuration.startingOffsetsTimeout) for "
                    + Self.describe(partitions)
            )
        }
        switch answer.result {
        case .success(let offsets):
            return offsets
        case .failure(let error):
            throw KafkaLogError(
                .assignmentFailed,
                "startingOffsets failed for \(Self.describe(partitions)): \(error)"
            )
        case nil:
            throw KafkaLogError(.assignmentFailed, "startingOffsets gave no answer")
        }
    }

    // MARK: - Polling

    func poll(maxRecords: Int, timeout: Duration) async throws -> [ConsumedRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + max(timeout, .zero)
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await pollQueue.run { () throws(KafkaLogError) -> [ConsumedRecord] in
                // First what librdkafka has ready, without waiting (this also serves rebalances), so that every
                // partition fetched so far gets its share; then wait in slices.
                try self.checkUsable()
                try self.drain(firstWait: .zero)
                while true {
                    try self.checkUsable()
                    if let records = self.take(maxRecords: maxRecords) { return records }
                    let now = clock.now
                    if now >= deadline || cancelled.isSet || self.interrupted.load(ordering: .relaxed) {
                        return []
                    }
                    try self.drain(firstWait: min(deadline - now, Self.slice))
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private func checkUsable() throws(KafkaLogError) {
        try state.withLock { state throws(KafkaLogError) in
            if state.closed { throw KafkaLogError(.closed, "the consumer of group \(group) is closed") }
            if let error = state.assignmentError { throw error }
        }
        try client.checkFatal()
    }

    /// Buffered records, if any (and `maxRecords` > 0), positions advanced past them.
    private func take(maxRecords: Int) -> [ConsumedRecord]? {
        state.withLock { state -> [ConsumedRecord]? in
            guard maxRecords > 0, !state.buffer.isEmpty else { return maxRecords <= 0 ? [] : nil }
            let records = state.buffer.take(maxRecords: maxRecords)
            for record in records {
                state.positions[record.topicPartition] = record.offset + 1
            }
            return records
        }
    }

    /// Waits up to `firstWait` for one message, then takes whatever else librdkafka has ready (up to the buffer's
    /// bound) into the buffer. Rebalances are served here too.
    private func drain(firstWait: Duration) throws(KafkaLogError) {
        var room = configuration.consumerBufferRecords - state.withLock { $0.buffer.count }
        var wait = KafkaLogConfiguration.timeoutMilliseconds(firstWait)
        var drained: [ConsumedRecord] = []
        var topicNames: [OpaquePointer: String] = [:]
        while room > 0, let message = rd_kafka_consumer_poll(client.handle, wait) {
            defer { rd_kafka_message_destroy(message) }
            wait = 0
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                try handleConsumerError(message)
                continue
            }
            drained.append(Self.record(from: message, topicNames: &topicNames))
            room -= 1
        }
        guard !drained.isEmpty else { return }
        state.withLock { state in
            for record in drained where state.assignment.contains(record.topicPartition) {
                state.buffer.append(record)
            }
        }
    }

    private func handleConsumerError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) throws(KafkaLogError) {
        let error = message.pointee.err
        let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) }
        let where_ = topic.map { message.pointee.partition >= 0 ? "\($0)-\(message.pointee.partition)" : $0 }
        if error == RD_KAFKA_RESP_ERR__FATAL {
            try client.checkFatal()
            throw KafkaLogError(
                .consumerFailed,
                "the consumer hit a fatal error",
                topicPartition: where_,
                rdkafka: error,
                detail: detail
            )
        }
        // Transient (broker down, leader change) or informational: librdkafka retries by itself.
        logger.warning(
            "kafka.consumer_error",
            metadata: [
                "kafka.partition": "\(where_ ?? "-")",
                "kafka.error": "\(KafkaLogError.LibrdkafkaError(error, message: detail))",
            ]
        )
    }

    static func record(
        from message: UnsafeMutablePointer<rd_kafka_message_t>,
        topicNames: inout [OpaquePointer: String]
    ) -> ConsumedRecord {
        let m = message.pointee
        var topic = ""
        if let rkt = m.rkt {
            if let known = topicNames[rkt] {
                topic = known
            } else {
                topic = String(cString: rd_kafka_topic_name(rkt))
                topicNames[rkt] = topic
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        var headers: [LogHeader] = []
        var rawHeaders: OpaquePointer? = nil
        if rd_kafka_message_headers(message, &rawHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let rawHeaders {
            let count = rd_kafka_header_cnt(rawHeaders)
            headers.reserveCapacity(count)
            for index in 0..<count {
                var name: UnsafePointer<CChar>? = nil
                var value: UnsafeRawPointer? = nil
                var size = 0
                guard rd_kafka_header_get_all(rawHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR
                else { break }
                headers.append(
                    LogHeader(
                        key: name.map { String(cString: $0) } ?? "",
                        value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                    )
                )
            }
        }
        return ConsumedRecord(
            topic: topic,
            partition: m.partition,
            offset: m.offset,
            timestamp: timestamp,
            key: m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) },
            value: m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) },
            headers: headers
        )
    }

    // MARK: - Offsets

    /// Commits synchronously (`rd_kafka_commit`, not async) and throws when Kafka refused it.
    ///
    /// Two kinds of failure are not thrown at once: a coordinator that moved or is loading (retried, 3 times with
    /// backoff), and a commit refused because the group is rebalancing or moved on to a new generation
    /// (`REBALANCE_IN_PROGRESS`, `ILLEGAL_GENERATION`, `UNKNOWN_MEMBER_ID`, ...): that one is logged and skipped,
    /// because it cannot succeed for this generation and the partitions' next owner starts from the store's offsets
    /// (committed before this call), so no record is lost or skipped. Other members joining or leaving would otherwise
    /// stop a processor.
    func commit(_ offsets: [TopicPartition: Int64]) async throws {
        guard !offsets.isEmpty else { return }
        try await commitQueue.run { () throws(KafkaLogError) in
            let partitions = offsets.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            var attempt = 0
            while true {
                // Checked on the queue: `close` waits for this queue after setting `closed`.
                try self.state.withLock { state throws(KafkaLogError) in
                    if state.closed { throw KafkaLogError(.closed, "the consumer of group \(self.group) is closed") }
                }
                let list = TopicPartitionList(partitions, offsets: offsets)
                let error = rd_kafka_commit(self.client.handle, list.pointer, 0)
                switch Self.commitOutcome(error) {
                case .committed:
                    return
                case .skipped:
                    self.logger.warning(
                        "kafka.commit_skipped_rebalance",
                        metadata: [
                            "kafka.offsets": "\(Self.describe(partitions, offsets: offsets))",
                            "kafka.error": "\(KafkaLogError.LibrdkafkaError(error))",
                        ]
                    )
                    return
                case .retry where attempt < 3:
                    attempt += 1
                    usleep(UInt32(100_000 << (attempt - 1)))
                case .retry, .failed:
                    throw KafkaLogError(
                        .commitFailed,
                        "group \(self.group) could not commit \(Self.describe(partitions, offsets: offsets))",
                        rdkafka: error
                    )
                }
            }
        }
    }

    enum CommitOutcome: Equatable {
        case committed, skipped, retry, failed
    }

    static func commitOutcome(_ error: rd_kafka_resp_err_t) -> CommitOutcome {
        switch error {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return .committed
        case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION,
            RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID,
            RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
            return .skipped
        case RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR__WAIT_COORD,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT:
            return .retry
        default:
            return .failed
        }
    }

    func assignment() async -> [TopicPartition] {
        state.withLock { $0.assignment.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) } }
    }

    func positions() async -> [TopicPartition: Int64] {
        state.withLock { state in
            var result: [TopicPartition: Int64] = [:]
            for topicPartition in state.assignment {
                if let position = state.positions[topicPartition] { result[topicPartition] = position }
            }
            return result
        }
    }

    // MARK: - Close

    /// Leaves the group (`rd_kafka_consumer_close`: revokes the assignment, sends LeaveGroup) and destroys the
    /// client. Idempotent. Polls under way return empty; later calls throw `.closed`.
    func close() async throws {
        let first = state.withLock { state -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        interrupted.store(true, ordering: .relaxed)
        // Commits already queued finish first; later ones see `closed`.
        await commitQueue.perform {}
        let client = self.client
        let logger = self.logger
        let error = await pollQueue.perform { () -> rd_kafka_resp_err_t in
            let error = rd_kafka_consumer_close(client.handle)
            client.destroy()
            return error
        }
        state.withLock { state in
            state.assignment = []
            state.positions = [:]
            state.buffer.removeAll()
        }
        onClose(self)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning(
                "kafka.consumer_close_failed",
                metadata: ["kafka.error": "\(KafkaLogError.LibrdkafkaError(error))"]
            )
            throw KafkaLogError(.consumerFailed, "leaving group \(group) failed", rdkafka: error)
        }
        logger.info("kafka.consumer_closed")
    }

    static func describe(_ partitions: [TopicPartition], offsets: [TopicPartition: Int64] = [:]) -> String {
        partitions.map { partition in offsets[partition].map { "\(partition)@\($0)" } ?? partition.description }
            .joined(separator: ", ")
    }
}

/// The answer of a `startingOffsets` call, handed from its task to the blocked poll thread.
private final class StartingOffsetsAnswer: Sendable {
    let ready = DispatchSemaphore(value: 0)
    private let value = Mutex<Result<[TopicPartition: Int64], any Error>?>(nil)

    func deliver(_ result: Result<[TopicPartition: Int64], any Error>) {
        value.withLock { $0 = result }
        ready.signal()
    }

    var result: Result<[TopicPartition: Int64], any Error>? { value.withLock { $0 } }
}

/// Set when the task polling is cancelled; read by the poll loop between slices.
private final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
