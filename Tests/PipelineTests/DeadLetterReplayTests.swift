import EmbeddedLog
import Foundation
import KafkaBrokerTestSupport
import KafkaLog
import Logging
import Pipeline
import RandomUser
import SQLiteStore
import Testing
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

/// `DeadLetters` lists and replays `users_created.dlq` through the `Log` port: the same scenario on the embedded log
/// and on KafkaLog against our own broker, with the real processor and the embedded store.
@Suite("Dead letters: list and replay", .serialized)
struct DeadLetterReplayTests {
    static let runID = "manual__2026-01-01T00:00:00.000Z"

    static func record(_ user: UserRecord) -> LogRecord {
        LogRecord(
            key: Array(user.id.utf8),
            value: user.jsonBytes(),
            headers: [
                LogHeader(key: RecordHeaders.schemaVersion, string: "1"),
                LogHeader(key: RecordHeaders.runID, string: runID),
            ],
            timestamp: Timestamp.nowMilliseconds()
        )
    }

    static func invalidEmail(_ i: Int) -> UserRecord {
        var user = StoreFixtures.user(i)
        user.email = "no-at-sign-\(i)"
        return user
    }

    static func processUntilIdle(
        _ log: any Log,
        _ store: SQLiteStore,
        _ logger: Logger
    ) async throws
        -> Processor.Totals
    {
        try await Processor(
            log: log,
            store: store,
            configuration: ProcessorConfiguration(pollTimeout: .milliseconds(50), untilIdle: true),
            logger: logger
        ).runUntilDone()
    }

    static func end(_ log: any Log, _ topic: String) async throws -> Int64 {
        try await log.offsets(of: topic).values.reduce(0) { $0 + $1.end }
    }

    /// The whole scenario, on any log.
    static func scenario(log: any Log, store: SQLiteStore, logger: Logger) async throws {
        try await log.createTopic(Topics.usersCreated, partitions: 3)
        // Six valid users, three with a bad email, two that are not JSON.
        var records = (0..<6).map { record(StoreFixtures.user($0)) }
        records += (6..<9).map { record(invalidEmail($0)) }
        for i in 0..<2 {
            var junk = record(StoreFixtures.user(20 + i))
            junk.value = Array("not json \(i)".utf8)
            records.append(junk)
        }
        try await log.produce(records, to: Topics.usersCreated)
        let first = try await processUntilIdle(log, store, logger)
        #expect(first.inserted == 6 && first.deadLettered == 5)

        let deadLetters = DeadLetters(log: log, logger: logger)
        let all = try await deadLetters.list()
        #expect(all.count == 5)
        #expect(all.allSatisfy { $0.state == .pending && $0.stage == "process" && $0.runID == runID })
        #expect(all.allSatisfy { $0.origin?.hasPrefix("users_created-") == true })
        let email = try await deadLetters.list(DeadLetterFilter(reason: "EMAIL"))
        #expect(email.count == 3)
        #expect(Set(email.compactMap(\.key)) == Set((6..<9).map(StoreFixtures.id)))
        #expect(try await deadLetters.list(DeadLetterFilter(stage: .ingest)).isEmpty)
        #expect(try await deadLetters.list(DeadLetterFilter(reason: "email", stage: .process)).count == 3)
        // --limit: the newest by produce time, shown in log order.
        let newest = all.sorted { ($0.timestamp, $0.partition, $0.offset) > ($1.timestamp, $1.partition, $1.offset) }
        let limited = try await deadLetters.list(limit: 2)
        #expect(limited.map(\.offset) == newest.prefix(2).map(\.offset).sorted())

        // A dry run produces nothing and records no run.
        let targetEnd = try await end(log, Topics.usersCreated)
        let dry = try await deadLetters.replay(DeadLetterFilter(reason: "email"), dryRun: true, store: store)
        #expect(dry.dryRun && dry.replayed == 3 && dry.runID == nil)
        #expect(try await end(log, Topics.usersCreated) == targetEnd)
        #expect(try await store.runs(limit: 10).count == 0)

        // Replay the bad emails: the original records, without dlq_* headers, with where they came from.
        let replay = try await deadLetters.replay(DeadLetterFilter(reason: "email"), store: store)
        #expect(replay.replayed == 3 && replay.matched == 3 && replay.alreadyReplayed == 0)
        let replayRun = try #require(replay.runID)
        #expect(try await end(log, Topics.usersCreated) == targetEnd + 3)
        let replayedRecords = try await TopicRecords.read(log, Topics.usersCreated).filter {
            $0.header(RecordHeaders.replayedFromTopic) != nil
        }
        #expect(replayedRecords.count == 3)
        for replayed in replayedRecords {
            #expect(!replayed.headers.contains { $0.key.hasPrefix("dlq_") })
            #expect(replayed.header(RecordHeaders.replayedFromTopic) == Topics.usersCreatedDLQ)
            let offset = try #require(replayed.header(RecordHeaders.replayedFromOffset).flatMap { Int64($0) })
            let partition = try #require(replayed.header(RecordHeaders.replayedFromPartition).flatMap { Int32($0) })
            let source = try #require(email.first { $0.offset == offset && $0.partition == partition })
            #expect(replayed.key == source.record.key && replayed.value == source.record.value)
            #expect(replayed.header(RecordHeaders.runID) == replayRun)
            #expect(replayed.header(RecordHeaders.replayedRunID) == runID)
            #expect(replayed.header(RecordHeaders.schemaVersion) == "1")
        }

        // Nothing was fixed: the processor dead-letters them again, with their new reason and origin.
        let second = try await processUntilIdle(log, store, logger)
        #expect(second.records == 3 && second.deadLettered == 3 && second.inserted == 0)
        let after = try await deadLetters.list()
        #expect(after.count == 8)
        #expect(after.count(where: { $0.state == .replayed }) == 3)
        let returned = after.filter { $0.state == .returned }
        #expect(returned.count == 3)
        #expect(returned.allSatisfy { $0.reason.contains("email") && $0.runID == replayRun })
        #expect(returned.allSatisfy { $0.replayedFrom?.hasPrefix(Topics.usersCreatedDLQ + "-") == true })

        // A second replay sends nothing new.
        let again = try await deadLetters.replay(DeadLetterFilter(reason: "email"), store: store)
        #expect(again.replayed == 0 && again.alreadyReplayed == 3 && again.returned == 3 && again.runID == nil)
        #expect(try await end(log, Topics.usersCreated) == targetEnd + 3)

        // The run history counts the replay; its records reconcile against what it produced.
        let reports = try await store.runs(limit: 10)
        let report = try #require(reports.first { $0.run.runID == replayRun })
        #expect(report.run.job == DeadLetters.replayJob && report.run.source == "dlq")
        #expect(report.run.state == .success && report.run.produced == 3 && report.run.usersFetched == 3)
        #expect(report.processed == RunProcessingStats(stored: 0, duplicates: 0, deadLettered: 3))

        // A valid record in the dead-letter topic (written by hand, as for a store outage) is stored once replayed.
        let valid = StoreFixtures.user(40)
        var letter = record(valid)
        letter.headers =
            [
                LogHeader(key: RecordHeaders.dlqReason, string: "store unavailable"),
                LogHeader(key: RecordHeaders.dlqStage, string: "process"),
            ] + letter.headers
        try await log.produce([letter], to: Topics.usersCreatedDLQ)
        let stored = try await deadLetters.replay(DeadLetterFilter(reason: "store", stage: .process), store: store)
        #expect(stored.replayed == 1)
        let third = try await processUntilIdle(log, store, logger)
        #expect(third.inserted == 1 && third.deadLettered == 0)
        #expect(try await store.user(id: valid.id)?.email == valid.email)

        // Replaying what is left takes only the two that were never replayed, not the returned ones.
        let rest = try await deadLetters.replay(store: store)
        #expect(rest.replayed == 2 && rest.alreadyReplayed == 4 && rest.returned == 3)
        #expect(Set(rest.letters.compactMap(\.key)) == Set((20..<22).map(StoreFixtures.id)))
        // …and with includeReturned, the returned ones once more.
        let retry = try await deadLetters.replay(DeadLetterFilter(reason: "email"), includeReturned: true, store: store)
        #expect(retry.replayed == 3)
        #expect(try await deadLetters.replay(includeReturned: true, store: store).replayed == 0)

        // Ingest-stage dead letters hold users as the source sent them: the replay flattens them, and one that still
        // cannot be decoded goes straight back to the dead-letter topic with its new reason.
        var generator = SyntheticUserGenerator(seed: 13)
        let profile = generator.next()
        let ingestHeaders = [
            LogHeader(key: RecordHeaders.dlqStage, string: "ingest"),
            LogHeader(key: RecordHeaders.runID, string: runID),
        ]
        try await log.produce(
            [
                LogRecord(
                    key: nil,
                    value: profile.apiJSONBytes(),
                    headers: [LogHeader(key: RecordHeaders.dlqReason, string: "flattener bug")] + ingestHeaders,
                    timestamp: Timestamp.nowMilliseconds()
                ),
                LogRecord(
                    key: nil,
                    value: Array("{\"gender\": 5}".utf8),
                    headers: [LogHeader(key: RecordHeaders.dlqReason, string: "bad gender")] + ingestHeaders,
                    timestamp: Timestamp.nowMilliseconds()
                ),
            ],
            to: Topics.usersCreatedDLQ
        )
        let ingest = try await deadLetters.replay(DeadLetterFilter(stage: .ingest), store: store)
        #expect(ingest.replayed == 2 && ingest.deadLetteredAgain == 1)
        let fourth = try await processUntilIdle(log, store, logger)
        // With the five replayed above that are still not valid.
        #expect(fourth.records == 6 && fourth.inserted == 1 && fourth.deadLettered == 5)
        #expect(try await store.user(id: profile.login.uuid) != nil)
        let back = try await deadLetters.list(DeadLetterFilter(stage: .ingest)).filter { $0.state == .returned }
        #expect(back.count == 1)
        #expect(back.first?.reason != "bad gender" && back.first?.runID == ingest.runID)
        let ingestAgain = try await deadLetters.replay(DeadLetterFilter(stage: .ingest), store: store)
        #expect(ingestAgain.replayed == 0 && ingestAgain.alreadyReplayed == 2 && ingestAgain.returned == 1)
        let ingestRun = try #require(try await store.runs(limit: 20).first { $0.run.runID == ingest.runID })
        #expect(ingestRun.run.usersFetched == 2 && ingestRun.run.produced == 1 && ingestRun.run.deadLettered == 1)
        #expect(ingestRun.processed == RunProcessingStats(stored: 1, duplicates: 0, deadLettered: 0))
    }

    @Test("on the embedded log")
    func embedded() async throws {
        try await withPipelineHarness { harness in
            try await Self.scenario(log: harness.log, store: harness.store, logger: harness.logger)
        }
    }

    @Test("on KafkaLog against our Kafka broker")
    func kafka() async throws {
        try await withTestKafkaBroker { broker in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            var configuration = KafkaLogConfiguration(bootstrap: broker.bootstrap)
            configuration.requestTimeout = .seconds(10)
            configuration.assignmentTimeout = .seconds(30)
            configuration.sessionTimeout = .seconds(10)
            configuration.closeTimeout = .seconds(5)
            let log = try KafkaLog(configuration: configuration, logger: logger)
            let store = try SQLiteStore(
                configuration: SQLiteStoreConfiguration(directory: directory.path + "/store"),
                logger: logger
            )
            do {
                try await Self.scenario(log: log, store: store, logger: logger)
            } catch {
                try? await store.close()
                try? await log.close()
                throw error
            }
            try await store.close()
            try await log.close()
        }
    }

    @Test("dead letters at the same offsets of different partitions are each replayed once")
    func severalPartitions() async throws {
        try await withPipelineHarness { harness in
            try await harness.log.createTopic(Topics.usersCreatedDLQ, partitions: 2)
            var letters: [LogRecord] = []
            for partition in Int32(0)..<2 {
                for i in 0..<3 {
                    var letter = Self.record(StoreFixtures.user(Int(partition) * 10 + i))
                    letter.headers.append(LogHeader(key: RecordHeaders.dlqReason, string: "outage"))
                    letter.partition = partition
                    letters.append(letter)
                }
            }
            try await harness.log.produce(letters, to: Topics.usersCreatedDLQ)
            let deadLetters = DeadLetters(log: harness.log, logger: harness.logger)
            let listed = try await deadLetters.list()
            #expect(listed.map { "\($0.partition)@\($0.offset)" } == ["0@0", "0@1", "0@2", "1@0", "1@1", "1@2"])
            let first = try await deadLetters.replay(store: harness.store)
            #expect(first.replayed == 6)
            let second = try await deadLetters.replay(store: harness.store)
            #expect(second.replayed == 0 && second.alreadyReplayed == 6)
            let totals = try await harness.processUntilIdle()
            #expect(totals.inserted == 6)
            #expect(try await harness.store.userCount() == 6)
        }
    }

    @Test("an empty or missing dead-letter topic lists nothing and replays nothing")
    func nothingToReplay() async throws {
        try await withPipelineHarness { harness in
            let deadLetters = DeadLetters(log: harness.log, logger: harness.logger)
            #expect(try await deadLetters.list().isEmpty)
            let report = try await deadLetters.replay(store: harness.store)
            #expect(report.replayed == 0 && report.read == 0 && report.runID == nil)
            #expect(try await harness.log.partitionCount(of: Topics.usersCreated) == nil)
        }
    }
}

/// Every record of a topic up to its current end, through the `Log` port.
enum TopicRecords {
    static func read(_ log: any Log, _ topic: String) async throws -> [ConsumedRecord] {
        let ranges = try await log.offsets(of: topic)
        let consumer = try await log.makeConsumer(group: "reader-\(UUID().uuidString)", topics: [topic]) { parts in
            var starts: [TopicPartition: Int64] = [:]
            for part in parts { starts[part] = ranges[part.partition]?.earliest ?? 0 }
            return starts
        }
        var records: [ConsumedRecord] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            records += try await consumer.poll(maxRecords: 1000, timeout: .milliseconds(100))
            let positions = await consumer.positions()
            if ranges.allSatisfy({ (positions[TopicPartition(topic: topic, partition: $0.key)] ?? -1) >= $0.value.end })
            {
                break
            }
        }
        try await consumer.close()
        return records
    }
}
