import Pipeline
import Testing
import UserStreamCore

@Suite("Dead-letter view: the tail of users_created.dlq with its reasons")
struct DeadLetterMonitorTests {
    static func letter(_ i: Int, partition: Int32 = 0) -> LogRecord {
        LogRecord(
            key: Array("user-\(i)".utf8),
            value: Array("{\"bad\": \(i)}".utf8),
            headers: [
                LogHeader(key: RecordHeaders.dlqReason, string: "reason \(i)"),
                LogHeader(key: RecordHeaders.dlqStage, string: "process"),
                LogHeader(key: RecordHeaders.dlqOriginalTopic, string: Topics.usersCreated),
                LogHeader(key: RecordHeaders.dlqOriginalPartition, string: "2"),
                LogHeader(key: RecordHeaders.dlqOriginalOffset, string: "\(100 + i)"),
                LogHeader(key: RecordHeaders.runID, string: "manual__run"),
            ],
            timestamp: 1_714_564_800_000 + Int64(i),
            partition: partition
        )
    }

    func waitUntil(
        _ monitor: DeadLetterMonitor,
        _ condition: (DeadLetterMonitor.Snapshot) -> Bool
    ) async throws
        -> DeadLetterMonitor.Snapshot
    {
        for _ in 0..<200 {
            let snapshot = monitor.snapshot()
            if condition(snapshot) { return snapshot }
            try await Task.sleep(for: .milliseconds(25))
        }
        return monitor.snapshot()
    }

    @Test func startsAtTheTailAndFollowsNewDeadLetters() async throws {
        try await withPipelineHarness(partitions: 2) { harness in
            let monitor = DeadLetterMonitor(
                log: harness.log,
                keep: 3,
                interval: .milliseconds(50),
                logger: harness.logger
            )
            let running = Task { try await monitor.run() }
            do {
                // No topic yet: nothing to follow, no error.
                try await Task.sleep(for: .milliseconds(150))
                let before = monitor.snapshot()
                #expect(!before.following && before.seen == 0 && before.latest.isEmpty && before.lastError == nil)

                try await harness.log.createTopic(Topics.usersCreatedDLQ, partitions: 2)
                try await harness.log.produce((0..<5).map { Self.letter($0) }, to: Topics.usersCreatedDLQ)
                try await harness.log.produce([Self.letter(5, partition: 1)], to: Topics.usersCreatedDLQ)
                // Starts `keep` records before each partition's end: offsets 2…4 of partition 0 and 0 of partition 1.
                var snapshot = try await waitUntil(monitor) { $0.seen == 4 }
                #expect(snapshot.following)
                #expect(snapshot.seen == 4)
                #expect(snapshot.latest.map(\.reason) == ["reason 5", "reason 4", "reason 3"])
                let newest = try #require(snapshot.latest.first)
                #expect(newest.key == "user-5")
                #expect(newest.stage == "process")
                #expect(newest.origin == "users_created-2@105")
                #expect(newest.runID == "manual__run")
                #expect(newest.partition == 1 && newest.offset == 0)

                try await harness.log.produce([Self.letter(6)], to: Topics.usersCreatedDLQ)
                snapshot = try await waitUntil(monitor) { $0.seen == 5 }
                #expect(snapshot.latest.map(\.reason) == ["reason 6", "reason 5", "reason 4"])
            } catch {
                running.cancel()
                _ = await running.result
                throw error
            }
            running.cancel()
            try await running.value
        }
    }

    @Test func aDeadLetterWithoutHeadersStillShows() {
        let record = ConsumedRecord(
            topic: Topics.usersCreatedDLQ,
            partition: 0,
            offset: 9,
            timestamp: 5,
            key: nil,
            value: nil,
            headers: []
        )
        let letter = DeadLetterMonitor.deadLetter(record)
        #expect(letter.reason == "unknown")
        #expect(letter.origin == nil && letter.stage == nil && letter.key == nil)
    }
}
