import Foundation
import Pipeline
import RandomUser
import RandomUserTestSupport
import Testing
import UserStreamCore

@Suite("Pipeline: ingest → log → process → store")
struct PipelineTests {
    /// Writes a JSON Lines replay file: the 111-user sample, the BR user twice (a duplicate), a user object without
    /// `login` (cannot be flattened) and a copy of the BR user with a new id and a malformed e-mail (fails
    /// validation in the processor).
    static func replayFile(in directory: String) throws -> String {
        func compact(_ object: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let many = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: PipelineHarness.fixture("v1.4-111-users-all-nats.json")))
        )
        let single =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: PipelineHarness.fixture("v1.4-single-BR.json")))
            ) as! [String: Any]
        let brUser = (single["results"] as! [[String: Any]])[0]
        var noLogin = brUser
        noLogin.removeValue(forKey: "login")
        var badEmail = brUser
        var login = badEmail["login"] as! [String: Any]
        login["uuid"] = "0b5c6a40-5f1e-4d7c-9a55-2f0c8e1d9b11"
        badEmail["login"] = login
        badEmail["email"] = "not-an-email"
        let lines = [
            try compact(many), try compact(single), try compact(brUser), try compact(noLogin), try compact(badEmail),
        ]
        let path = directory + "/replay.jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a run reconciles: fetched = stored + duplicates + dead-lettered")
    func reconciliation() async throws {
        try await withPipelineHarness { harness in
            let path = try Self.replayFile(in: harness.directory.path)
            let run = try await harness.ingestor(source: ReplaySource(path: path)).runOnce(trigger: "manual")
            #expect(run.state == .success)
            #expect(run.usersFetched == 115)
            #expect(run.produced == 114)
            #expect(run.deadLettered == 1)

            let totals = try await harness.processUntilIdle()
            #expect(totals.records == 114)
            #expect(totals.inserted == 112)
            #expect(totals.duplicates == 1)
            #expect(totals.deadLettered == 1)

            let reports = try await harness.store.runs(limit: 10)
            let report = try #require(reports.first { $0.run.runID == run.runID })
            #expect(report.processed.stored == 112)
            #expect(report.processed.duplicates == 1)
            #expect(report.processed.deadLettered == 1)
            #expect(
                report.run.usersFetched
                    == report.processed.stored + report.processed.duplicates + report.processed.deadLettered
                    + report.run.deadLettered
            )
            #expect(try await harness.store.userCount() == 112)

            // Both dead letters are on the DLQ topic with their reasons and stages; the raw input is kept.
            let letters = try await harness.readAll(Topics.usersCreatedDLQ)
            #expect(letters.count == 2)
            let ingestLetter = try #require(letters.first { $0.header(RecordHeaders.dlqStage) == "ingest" })
            #expect(ingestLetter.header(RecordHeaders.dlqReason)?.contains("login") == true)
            #expect(ingestLetter.header(RecordHeaders.runID) == run.runID)
            let raw = try JSONSerialization.jsonObject(with: Data(try #require(ingestLetter.value))) as? [String: Any]
            #expect((raw?["email"] as? String) == "damas.oliveira@example.com")
            let processLetter = try #require(letters.first { $0.header(RecordHeaders.dlqStage) == "process" })
            #expect(processLetter.header(RecordHeaders.dlqReason)?.contains("email") == true)
            #expect(processLetter.header(RecordHeaders.dlqOriginalTopic) == Topics.usersCreated)
            #expect(processLetter.header(RecordHeaders.dlqOriginalOffset) != nil)

            // Aggregates equal the rows.
            try await expectAggregatesMatchRows(harness)
        }
    }

    @Test("the processor dead-letters every kind of bad record and stores the good one")
    func deadLetterKinds() async throws {
        try await withPipelineHarness { harness in
            try await harness.log.createTopic(Topics.usersCreated, partitions: 3)
            var generator = SyntheticUserGenerator(seed: 7)
            let good = try UserRecord(flattening: generator.next(), ingestedAt: "2026-11-21T00:00:00.000Z")
            func variant(_ change: (inout UserRecord) -> Void) -> [UInt8] {
                var copy = good
                copy.id = UUID().uuidString.lowercased()
                change(&copy)
                return copy.jsonBytes()
            }
            var missingEmail = String(decoding: good.jsonBytes(), as: UTF8.self)
            missingEmail = missingEmail.replacingOccurrences(of: "\"email\":", with: "\"e_mail\":")
            let cases: [(String, [UInt8]?)] = [
                ("no value", nil),
                ("not JSON", Array("this is not json".utf8)),
                ("truncated JSON", Array(good.jsonBytes().prefix(40))),
                ("missing field", Array(missingEmail.utf8)),
                ("id not a UUID", variant { $0.id = "12345" }),
                ("malformed email", variant { $0.email = "nobody at example" }),
                ("malformed dob", variant { $0.dob = "yesterday" }),
                ("oversized field", variant { $0.firstName = String(repeating: "x", count: 5000) }),
            ]
            let now = Timestamp.nowMilliseconds()
            var records = cases.map {
                LogRecord(
                    key: nil,
                    value: $0.1,
                    headers: [LogHeader(key: RecordHeaders.runID, string: "r1")],
                    timestamp: now
                )
            }
            records.append(LogRecord(key: Array(good.id.utf8), value: good.jsonBytes(), headers: [], timestamp: now))
            try await harness.log.produce(records, to: Topics.usersCreated)

            let totals = try await harness.processUntilIdle()
            #expect(totals.records == cases.count + 1)
            #expect(totals.inserted == 1)
            #expect(totals.deadLettered == cases.count)
            #expect(try await harness.store.user(id: good.id) == good)

            let letters = try await harness.readAll(Topics.usersCreatedDLQ)
            #expect(letters.count == cases.count)
            for letter in letters {
                let reason = letter.header(RecordHeaders.dlqReason) ?? ""
                #expect(!reason.isEmpty)
                #expect(letter.header(RecordHeaders.dlqStage) == "process")
                #expect(letter.header(RecordHeaders.runID) == "r1")
            }
            let reports = try await harness.store.runs(limit: 10)
            _ = reports
        }
    }

    @Test("processing twice stores nothing twice; a second group sees every user as a duplicate")
    func replayIsIdempotent() async throws {
        try await withPipelineHarness { harness in
            let run = try await harness.ingestor(
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 3)),
                count: 3000,
                batchSize: 500
            )
            .runOnce()
            #expect(run.produced == 3000)
            let first = try await harness.processUntilIdle(maxBatch: 700)
            #expect(first.inserted == 3000)
            let again = try await harness.processUntilIdle(maxBatch: 700)
            #expect(again.records == 0)
            // Another group replays the whole topic: upserts, no new rows, aggregates unchanged.
            let replay = try await harness.processUntilIdle(group: "replay", maxBatch: 1000)
            #expect(replay.records == 3000)
            #expect(replay.inserted == 0)
            #expect(replay.duplicates == 3000)
            #expect(try await harness.store.userCount() == 3000)
            try await expectAggregatesMatchRows(harness)
        }
    }

    @Test("the ingestor keeps the source's order within each partition")
    func ingestKeepsOrder() async throws {
        try await withPipelineHarness { harness in
            var reference = SyntheticUserGenerator(seed: 21)
            let expected = try (0..<1500).map {
                _ in try UserRecord(flattening: reference.next(), ingestedAt: "2026-11-21T00:00:00.000Z").id
            }
            let run = try await harness.ingestor(
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 21)),
                count: 1500,
                batchSize: 400
            ).runOnce()
            #expect(run.produced == 1500)
            let records = try await harness.readAll(Topics.usersCreated)
            let position = Dictionary(uniqueKeysWithValues: expected.enumerated().map { ($1, $0) })
            for partition in Set(records.map(\.partition)) {
                let order = records.filter { $0.partition == partition }.sorted { $0.offset < $1.offset }
                    .map { position[String(decoding: $0.key ?? [], as: UTF8.self)] ?? -1 }
                #expect(order == order.sorted(), "partition \(partition) out of source order")
                #expect(!order.contains(-1))
            }
            #expect(records.count == 1500)
            // Key = id, and the headers the seeds' consumers and ours read.
            for record in records.prefix(50) {
                let user = try UserRecord(jsonBytes: try #require(record.value))
                #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == user.id)
                #expect(record.header(RecordHeaders.schemaVersion) == RecordHeaders.currentSchemaVersion)
                #expect(record.header(RecordHeaders.source) == "synthetic")
                #expect(record.header(RecordHeaders.runID) == run.runID)
            }
        }
    }

    @Test("the HTTP source feeds the pipeline; retried errors are recorded in the run")
    func httpIngest() async throws {
        try await withRandomUserTestServer { server in
            try await withPipelineHarness { harness in
                server.enqueue(.status(500))
                var configuration = RandomUserAPIConfiguration()
                configuration.apiURL = server.url
                configuration.seed = "pipeline"
                configuration.backoffBase = .milliseconds(10)
                let run = try await harness.ingestor(
                    source: RandomUserAPISource(configuration: configuration, logger: harness.logger),
                    count: 250,
                    batchSize: 100
                )
                .runOnce()
                #expect(run.state == .success)
                #expect(run.produced == 250)
                #expect(run.errors["http_5xx"] == 1)
                #expect(run.requests == 4)
                let totals = try await harness.processUntilIdle()
                #expect(totals.inserted == 250)
            }
        }
    }

    @Test("a run that delivers zero users is failed, with the reason")
    func zeroUserRunFails() async throws {
        try await withRandomUserTestServer { server in
            try await withPipelineHarness { harness in
                for _ in 0..<3 { server.enqueue(.errorBody) }
                var configuration = RandomUserAPIConfiguration()
                configuration.apiURL = server.url
                configuration.maxAttempts = 3
                configuration.backoffBase = .milliseconds(5)
                let run = try await harness.ingestor(
                    source: RandomUserAPISource(configuration: configuration, logger: harness.logger),
                    count: 10
                )
                .runOnce()
                #expect(run.state == .failed)
                #expect(run.produced == 0)
                #expect(run.errors["error_body"] == 3)
                #expect(run.message != nil)
                let saved = try await harness.store.runs(limit: 1).first?.run
                #expect(saved?.state == .failed)
            }
        }
    }

    @Test("errors met by a fetch that the run's deadline cuts off are still recorded")
    func deadlineKeepsErrors() async throws {
        try await withRandomUserTestServer { server in
            try await withPipelineHarness { harness in
                // The second request would take 60 s; the 8 s deadline cuts it off. (Generous margins: with the whole suite
                // running on a 2-core machine, the first request has taken over 2 s.)
                server.enqueue(.status(503), .delay(seconds: 60))
                var configuration = RandomUserAPIConfiguration()
                configuration.apiURL = server.url
                configuration.backoffBase = .milliseconds(5)
                configuration.requestTimeout = .seconds(90)
                let clock = ContinuousClock()
                let started = clock.now
                let run = try await harness.ingestor(
                    source: RandomUserAPISource(configuration: configuration, logger: harness.logger),
                    duration: .seconds(8)
                ).runOnce()
                #expect(clock.now - started < .seconds(40))
                #expect(run.state == .failed)
                #expect(run.requests == 2)
                #expect(run.errors == ["http_5xx": 1])
                #expect(run.message == "the run delivered zero users")
            }
        }
    }

    @Test("a run whose records the log refuses ends failed with the reason, not left running")
    func produceFailureFailsTheRun() async throws {
        try await withPipelineHarness(maxBatchBytes: 256) { harness in
            let run = try await harness.ingestor(
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 5)),
                count: 10
            )
            .runOnce()
            #expect(run.state == .failed)
            #expect(run.produced == 0)
            #expect(run.usersFetched == 10)
            #expect(run.message?.isEmpty == false)
            let saved = try await harness.store.runs(limit: 1).first?.run
            #expect(saved?.state == .failed)
            #expect(saved?.message == run.message)
        }
    }

    @Test("the scheduler runs right away, then on schedule, and on manual trigger")
    func scheduler() async throws {
        try await withPipelineHarness { harness in
            let ingestor = harness.ingestor(
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 11)),
                batchSize: 10,
                duration: .milliseconds(150)
            )
            let scheduler = JobScheduler(
                ingestor: ingestor,
                schedule: try CronSchedule(parsing: "@every 1s"),
                logger: harness.logger
            )
            let store = harness.store
            func runs() async throws -> [JobRun] { try await store.runs(limit: 50).map(\.run) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await scheduler.run() }
                // The first run starts right away and the schedule fires again; poll rather than sleep a fixed time.
                for _ in 0..<100
                where try await runs().filter({ $0.trigger == "scheduled" && $0.state != .running }).count < 2 {
                    try await Task.sleep(for: .milliseconds(100))
                }
                scheduler.trigger()
                for _ in 0..<100
                where try await !runs().contains(where: { $0.trigger == "manual" && $0.state != .running }) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                group.cancelAll()
            }
            let runs = try await harness.store.runs(limit: 20).map(\.run)
            #expect(runs.filter { $0.trigger == "scheduled" }.count >= 2)
            #expect(runs.contains { $0.trigger == "manual" })
            #expect(runs.allSatisfy { $0.state != .running })
        }
    }

    func expectAggregatesMatchRows(
        _ harness: PipelineHarness,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let rows = try await harness.store.userCount()
        let total = try await harness.store.aggregateTotals(.total)
        #expect(total["all"] == rows, sourceLocation: sourceLocation)
        let genders = try await harness.store.aggregateTotals(.gender)
        let byGender = try await harness.store.query(
            "SELECT gender, count(*) FROM spark_streams.created_users GROUP BY gender",
            limit: 100
        )
        for row in byGender.rows {
            #expect(genders[row[0] ?? ""] == Int(row[1] ?? ""), sourceLocation: sourceLocation)
        }
        let nats = try await harness.store.aggregateTotals(.nat)
        #expect(nats.values.reduce(0, +) == rows, sourceLocation: sourceLocation)
    }
}
