import Foundation
import Logging
import UserStreamCore

/// Lists the dead letters of `users_created.dlq` and replays them to `users_created`, through the `Log` port (so on
/// the embedded log and on Kafka alike).
///
/// A replay re-produces each dead letter's key and value with its headers except the `dlq_*` ones, adds where it was
/// replayed from (`replayed_from_topic`, `replayed_from_partition`, `replayed_from_offset`), and records the replay
/// as a job run of its own (job `dlq_replay`, source `dlq`): the replayed records carry that run's id in `run_id`
/// (the dead letter's own run id moves to `replayed_run_id`), so the processor's stats for them add up against the
/// replay's `produced` as an ingest run's do. An ingest-stage dead letter holds a user object as the source sent it:
/// the replay flattens it as the ingestor would have, and one that still cannot be flattened goes straight back to
/// the dead-letter topic with its new reason (the run's `deadLettered`).
///
/// The replay position is a journal topic (`users_created.dlq.replayed`): one record per replayed dead letter, keyed
/// by its partition and offset, produced after the replayed records. A replay skips the dead letters the journal
/// names, so replaying twice does not resend them; a crash between the two produces can resend a batch once, which
/// the processor's upsert by user id absorbs. Records that fail again come back to the dead-letter topic carrying the
/// `replayed_from_*` headers; a replay leaves them unless `includeReturned` is set.
///
/// ```swift
/// let deadLetters = DeadLetters(log: log, logger: logger)
/// let pending = try await deadLetters.list(DeadLetterFilter(stage: .process), limit: 100)
/// let report = try await deadLetters.replay(DeadLetterFilter(reason: "email"), store: store)
/// ```
public struct DeadLetters: Sendable {
    public static let replayJob = "dlq_replay"
    public static let replaySource = "dlq"

    let log: any Log
    let configuration: Configuration
    let logger: Logger

    /// Where dead letters are read from and replayed to.
    public struct Configuration: Sendable {
        /// The dead-letter topic. Default `users_created.dlq`.
        public var topic: String
        /// Where replayed records go. Default `users_created`.
        public var target: String
        /// The replay journal. Default `users_created.dlq.replayed`.
        public var journal: String
        /// Partitions of the target topic if a replay has to create it. Default 3.
        public var targetPartitions: Int
        /// Records per produce call of a replay. Default 500.
        public var produceBatch: Int
        /// How long reading a topic may go without progress before it fails. Default 30 s.
        public var stallTimeout: Duration

        public init(
            topic: String = Topics.usersCreatedDLQ,
            target: String = Topics.usersCreated,
            journal: String = Topics.usersCreatedDLQ + ".replayed",
            targetPartitions: Int = 3,
            produceBatch: Int = 500,
            stallTimeout: Duration = .seconds(30)
        ) {
            self.topic = topic
            self.target = target
            self.journal = journal
            self.targetPartitions = targetPartitions
            self.produceBatch = produceBatch
            self.stallTimeout = stallTimeout
        }
    }

    public init(log: any Log, configuration: Configuration = Configuration(), logger: Logger) {
        self.log = log
        self.configuration = configuration
        self.logger = logger
    }

    /// The dead letters the filter takes, in log order (partition, then offset); with `limit`, only the newest
    /// `limit` of them by record timestamp.
    public func list(
        _ filter: DeadLetterFilter = DeadLetterFilter(),
        limit: Int? = nil
    ) async throws
        -> [DeadLetterEntry]
    {
        let replayed = try await replayedPositions()
        let limit = limit.map { max(0, $0) }
        var letters: [DeadLetterEntry] = []
        // Only the matching ones are kept, and with a limit never more than twice the limit: a large topic is read
        // through, not held.
        func keepNewest(_ limit: Int) {
            letters.sort { ($0.timestamp, $0.partition, $0.offset) > ($1.timestamp, $1.partition, $1.offset) }
            letters.removeSubrange(min(limit, letters.count)...)
        }
        try await readDeadLetters(replayed: replayed) { letter in
            guard filter.matches(letter) else { return }
            letters.append(letter)
            if let limit, letters.count >= 2 * limit + 64 { keepNewest(limit) }
        }
        if let limit { keepNewest(limit) }
        letters.sort { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        return letters
    }

    /// Re-produces the dead letters the filter takes that were not replayed before to the target topic, records them
    /// in the journal, and records the replay as a job run in `store`. With `dryRun`, only reports what it would
    /// replay: nothing is produced or saved.
    public func replay(
        _ filter: DeadLetterFilter = DeadLetterFilter(),
        includeReturned: Bool = false,
        dryRun: Bool = false,
        store: any UserStore,
        onProgress: (@Sendable (_ replayed: Int, _ total: Int) -> Void)? = nil
    ) async throws -> DeadLetterReplayReport {
        let replayedBefore = try await replayedPositions()
        var read = 0
        var matched = 0
        var alreadyReplayed = 0
        var returned = 0
        var letters: [DeadLetterEntry] = []
        try await readDeadLetters(replayed: replayedBefore) { letter in
            read += 1
            guard filter.matches(letter) else { return }
            matched += 1
            switch letter.state {
            case .replayed: alreadyReplayed += 1
            case .returned where !includeReturned: returned += 1
            case .pending, .returned: letters.append(letter)
            }
        }
        letters.sort { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        var report = DeadLetterReplayReport(
            read: read,
            matched: matched,
            alreadyReplayed: alreadyReplayed,
            returned: returned,
            replayed: letters.count,
            deadLetteredAgain: 0,
            dryRun: dryRun,
            runID: nil,
            letters: letters
        )
        if dryRun || letters.isEmpty { return report }

        let started = Timestamp.nowMilliseconds()
        var run = JobRun(
            runID: "\(Self.replayJob)__\(Timestamp.iso8601(milliseconds: started))",
            job: Self.replayJob,
            trigger: "manual",
            source: Self.replaySource,
            startedAt: Date(timeIntervalSince1970: Double(started) / 1000),
            usersFetched: letters.count
        )
        report.runID = run.runID
        try await store.saveRun(run)
        var logger = self.logger
        logger[metadataKey: "job.run_id"] = "\(run.runID)"
        logger.info("dlq.replay.started", metadata: ["dlq.records": "\(letters.count)"])
        do {
            try await log.createTopic(configuration.journal, partitions: 1)
            if try await log.partitionCount(of: configuration.target) == nil {
                try await log.createTopic(configuration.target, partitions: configuration.targetPartitions)
            }
            var start = letters.startIndex
            while start < letters.endIndex {
                let end = min(start + max(1, configuration.produceBatch), letters.endIndex)
                let chunk = letters[start..<end]
                let now = Timestamp.nowMilliseconds()
                var replays: [LogRecord] = []
                var failures: [LogRecord] = []
                for letter in chunk {
                    switch replayRecord(letter, runID: run.runID, at: now) {
                    case .replay(let record): replays.append(record)
                    case .deadLetter(let record): failures.append(record)
                    }
                }
                if !failures.isEmpty { try await log.produce(failures, to: configuration.topic) }
                if !replays.isEmpty { try await log.produce(replays, to: configuration.target) }
                try await log.produce(
                    chunk.map { journalRecord($0, runID: run.runID, at: now) },
                    to: configuration.journal
                )
                run.produced += replays.count
                run.deadLettered += failures.count
                report.deadLetteredAgain += failures.count
                start = end
                onProgress?(end - letters.startIndex, letters.count)
            }
        } catch {
            run.state = .failed
            run.endedAt = Date()
            run.message = "replay stopped after \(run.produced) records: \(error)"
            try? await store.saveRun(run)
            throw error
        }
        run.state = .success
        run.endedAt = Date()
        try await store.saveRun(run)
        logger.info("dlq.replay.finished", metadata: ["dlq.replayed": "\(run.produced)"])
        return report
    }

    /// What one dead letter becomes in a replay.
    enum ReplayOutcome {
        /// The record to produce to the target topic.
        case replay(LogRecord)
        /// An ingest-stage dead letter that still cannot be flattened: it goes back to the dead-letter topic with
        /// its new reason.
        case deadLetter(LogRecord)
    }

    /// The record a dead letter is replayed as. A processor-stage dead letter is the original record; an
    /// ingest-stage one holds the user object as the source sent it, which the replay flattens as the ingestor
    /// would have (keyed by the user id): `users_created` only carries flattened users.
    func replayRecord(_ letter: DeadLetterEntry, runID: String, at timestamp: Int64) -> ReplayOutcome {
        let headers = replayHeaders(letter, runID: runID)
        guard letter.stage == DeadLetterStage.ingest.rawValue else {
            return .replay(
                LogRecord(key: letter.record.key, value: letter.record.value, headers: headers, timestamp: timestamp)
            )
        }
        do {
            let profile = try RandomUserProfile(jsonBytes: letter.record.value ?? [], nowMilliseconds: timestamp)
            let user = try UserRecord(flattening: profile, ingestedAt: Timestamp.iso8601(milliseconds: timestamp))
            return .replay(
                LogRecord(key: Array(user.id.utf8), value: user.jsonBytes(), headers: headers, timestamp: timestamp)
            )
        } catch {
            let reason = [
                LogHeader(key: RecordHeaders.dlqReason, string: "\(error)"),
                LogHeader(key: RecordHeaders.dlqStage, string: DeadLetterStage.ingest.rawValue),
            ]
            return .deadLetter(
                LogRecord(
                    key: letter.record.key,
                    value: letter.record.value,
                    headers: reason + headers,
                    timestamp: timestamp
                )
            )
        }
    }

    /// A dead letter's headers without the `dlq_*` (and an earlier replay's) ones, with this replay's.
    func replayHeaders(_ letter: DeadLetterEntry, runID: String) -> [LogHeader] {
        var headers: [LogHeader] = []
        var originalRunID: [UInt8]? = nil
        for header in letter.record.headers {
            if header.key.hasPrefix("dlq_") { continue }
            // An earlier replay's headers are replaced by this replay's.
            if header.key.hasPrefix("replayed_") { continue }
            if header.key == RecordHeaders.runID {
                if originalRunID == nil { originalRunID = header.value }
                continue
            }
            headers.append(header)
        }
        headers.append(LogHeader(key: RecordHeaders.runID, string: runID))
        if let originalRunID { headers.append(LogHeader(key: RecordHeaders.replayedRunID, value: originalRunID)) }
        headers.append(LogHeader(key: RecordHeaders.replayedFromTopic, string: configuration.topic))
        headers.append(LogHeader(key: RecordHeaders.replayedFromPartition, string: String(letter.partition)))
        headers.append(LogHeader(key: RecordHeaders.replayedFromOffset, string: String(letter.offset)))
        return headers
    }

    func journalRecord(_ letter: DeadLetterEntry, runID: String, at timestamp: Int64) -> LogRecord {
        LogRecord(
            key: Array("\(letter.partition):\(letter.offset)".utf8),
            value: Array(runID.utf8),
            timestamp: timestamp,
            partition: 0
        )
    }

    private func readDeadLetters(
        replayed: Set<TopicPartitionOffset>,
        _ each: (DeadLetterEntry) throws -> Void
    ) async throws {
        try await reader(configuration.topic).read { record in
            try each(
                DeadLetterEntry(
                    record,
                    replayed: replayed.contains(
                        TopicPartitionOffset(partition: record.partition, offset: record.offset)
                    )
                )
            )
        }
    }

    /// The dead-letter positions the journal names.
    private func replayedPositions() async throws -> Set<TopicPartitionOffset> {
        var positions = Set<TopicPartitionOffset>()
        try await reader(configuration.journal).read { record in
            guard let key = record.key else { return }
            let parts = String(decoding: key, as: UTF8.self).split(separator: ":")
            guard parts.count == 2, let partition = Int32(parts[0]), let offset = Int64(parts[1]) else {
                logger.warning("dlq.journal.unreadable", metadata: ["dlq.journal.offset": "\(record.offset)"])
                return
            }
            positions.insert(TopicPartitionOffset(partition: partition, offset: offset))
        }
        return positions
    }

    private func reader(_ topic: String) -> TopicReader {
        TopicReader(
            log: log,
            topic: topic,
            group: "userstream-dlq-reader-" + String(UInt64.random(in: 0...UInt64.max), radix: 36),
            stallTimeout: configuration.stallTimeout
        )
    }
}

/// A position in the dead-letter topic.
struct TopicPartitionOffset: Hashable, Sendable {
    var partition: Int32
    var offset: Int64
}
