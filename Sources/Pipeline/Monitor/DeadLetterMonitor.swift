import Logging
import ServiceLifecycle
import Synchronization
import UserStreamCore

/// Follows the tail of `users_created.dlq` through the `Log` port and keeps its latest dead letters in memory, with
/// the reasons the processor (or ingestor) wrote in their `dlq_reason` / `dlq_stage` headers.
///
/// It reads as a consumer group of its own (`group`, default `userstream-dlq-view-<random>`, so that every process
/// showing a dashboard sees every partition) and never commits: on start it positions every partition `keep` records
/// before its end, so the view starts with the latest dead letters and then follows new ones. Until the topic exists
/// (the processor creates it), it checks again every `interval`.
///
/// ```swift
/// let monitor = DeadLetterMonitor(log: log, logger: logger)
/// // run it in the service group, then:
/// monitor.snapshot().latest   // newest first
/// ```
public final class DeadLetterMonitor: Service, Sendable {
    /// One dead letter as the dashboard shows it.
    public struct DeadLetter: Sendable, Hashable {
        public var partition: Int32
        public var offset: Int64
        /// The dead letter's record timestamp, milliseconds since the Unix epoch: when the ingestor dead-lettered it,
        /// or for the processor's, the original record's create time (the processor keeps it).
        public var timestamp: Int64
        /// The record key (the user id), when it has one.
        public var key: String?
        /// `dlq_reason`, or "unknown" when the header is missing.
        public var reason: String
        /// `dlq_stage` (`ingest` or `process`), when present.
        public var stage: String?
        /// `dlq_original_topic`-`dlq_original_partition`@`dlq_original_offset`, when present.
        public var origin: String?
        /// The run the record came from (`run_id` header), when present.
        public var runID: String?
    }

    /// What the monitor has seen so far.
    public struct Snapshot: Sendable, Hashable {
        /// Whether the monitor follows the topic (false until the topic exists and the consumer is assigned).
        public var following: Bool
        /// Dead letters read since the monitor started (including the `keep` it started behind the end).
        public var seen: Int
        /// The latest dead letters, newest first, at most `keep`.
        public var latest: [DeadLetter]
        /// The last error reading the topic, if the last attempt failed.
        public var lastError: String?
    }

    let log: any Log
    let topic: String
    let group: String
    let keep: Int
    let interval: Duration
    let logger: Logger
    private let state = Mutex(Snapshot(following: false, seen: 0, latest: [], lastError: nil))

    /// - Parameters:
    ///   - keep: how many of the latest dead letters to keep (and to read back on start). Default 20.
    ///   - interval: how long one poll waits, and the wait between attempts while the topic is missing. Default 1 s.
    public init(
        log: any Log,
        topic: String = Topics.usersCreatedDLQ,
        group: String = "userstream-dlq-view-" + String(UInt64.random(in: 0...UInt64.max), radix: 36),
        keep: Int = 20,
        interval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.log = log
        self.topic = topic
        self.group = group
        self.keep = max(1, keep)
        self.interval = interval
        self.logger = logger
    }

    public func snapshot() -> Snapshot {
        state.withLock { $0 }
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.follow()
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    self.state.withLock {
                        $0.following = false
                        $0.lastError = "\(error)"
                    }
                    self.logger.debug("dlq.view.unavailable", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Waits for the topic, then consumes it from `keep` records before its end until cancelled.
    private func follow() async throws {
        guard try await log.partitionCount(of: topic) != nil else { return }
        let keep = Int64(self.keep)
        let consumer = try await log.makeConsumer(group: group, topics: [topic]) { [log] partitions in
            let ranges = try await log.offsets(of: partitions.first?.topic ?? Topics.usersCreatedDLQ)
            var starts: [TopicPartition: Int64] = [:]
            for partition in partitions {
                guard let range = ranges[partition.partition] else { continue }
                starts[partition] = max(range.earliest, range.end - keep)
            }
            return starts
        }
        do {
            state.withLock {
                $0.following = true
                $0.lastError = nil
            }
            while !Task.isCancelled {
                let records = try await consumer.poll(maxRecords: 500, timeout: interval)
                if !records.isEmpty { record(records) }
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        try? await consumer.close()
    }

    private func record(_ records: [ConsumedRecord]) {
        let letters = records.map(Self.deadLetter)
        state.withLock { snapshot in
            snapshot.seen += letters.count
            // Newest first: by record timestamp, then by position.
            let merged = (letters + snapshot.latest).sorted { ($0.timestamp, $0.offset) > ($1.timestamp, $1.offset) }
            snapshot.latest = Array(merged.prefix(keep))
        }
    }

    public static func deadLetter(_ record: ConsumedRecord) -> DeadLetter {
        var origin: String? = nil
        if let topic = record.header(RecordHeaders.dlqOriginalTopic) {
            origin = topic
            if let partition = record.header(RecordHeaders.dlqOriginalPartition) { origin! += "-\(partition)" }
            if let offset = record.header(RecordHeaders.dlqOriginalOffset) { origin! += "@\(offset)" }
        }
        return DeadLetter(
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
            key: record.key.map { String(decoding: $0, as: UTF8.self) },
            reason: record.header(RecordHeaders.dlqReason) ?? "unknown",
            stage: record.header(RecordHeaders.dlqStage),
            origin: origin,
            runID: record.header(RecordHeaders.runID)
        )
    }
}
