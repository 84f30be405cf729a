import Dashboard
import EmbeddedLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Pipeline
import RandomUser
import SQLiteStore
import Testing
import UserStreamContracts
import UserStreamCore

@Suite("DashboardRouterTests")
struct DashboardRouterTests {
    static let offsets: @Sendable () async throws -> [TopicPartition: ClosedOffsetRange] = {
        [
            TopicPartition(topic: "users_created", partition: 0): ClosedOffsetRange(earliest: 0, end: 350),
            TopicPartition(topic: "users_created", partition: 1): ClosedOffsetRange(earliest: 0, end: 7),
        ]
    }

    @Test func pagesAndAssetsAreServedFromTheBinary() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let html = String(buffer: response.body)
                    #expect(html.contains("id=\"runs-table\""))
                    #expect(html.contains("/assets/dashboard.js"))
                    #expect(!html.contains("https://"))  // nothing from a CDN
                }
                try await client.execute(uri: "/sql", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("id=\"sql-form\""))
                }
                try await client.execute(uri: "/assets/dashboard.js", method: .get) { response in
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                    #expect(String(buffer: response.body).contains("new EventSource(\"/api/events\")"))
                }
                try await client.execute(uri: "/assets/dashboard.css", method: .get) { response in
                    #expect(response.headers[.contentType] == "text/css; charset=utf-8")
                    #expect(String(buffer: response.body).contains("@media"))
                }
            }
        }
    }

    @Test func summaryCountsUsersRunsDeadLettersAndErrors() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller(logOffsets: Self.offsets)).test(.router) { client in
                try await client.execute(uri: "/api/summary", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    let summary = try DashboardFixture.decode(DashboardModels.Summary.self, response.body)
                    #expect(summary.storedUsers == 300)
                    #expect(summary.producedTotal == 302)
                    #expect(summary.processedTotal == 302)
                    #expect(summary.deadLetteredTotal == 2)
                    #expect(summary.runCount == 2)
                    #expect(summary.apiErrors == ["http_503": 1, "timeout": 1])
                    #expect(summary.apiErrorRate == 2.0 / 5.0)
                    #expect(summary.deadLetterReasons.count == 1)
                    #expect(summary.deadLetterReasons.first?.contains("2 invalid records") == true)
                    #expect(summary.deadLetterSource == "runs")
                    #expect(summary.deadLetters.isEmpty)
                    #expect(summary.totalLag == 57)
                    #expect(!summary.scheduler.available && summary.scheduler.paused == nil)
                }
            }
        }
    }

    @Test func deadLetterReasonsComeFromTheDLQTopicWhenTheLogIsHere() async throws {
        try await withDashboardFixture { fixture in
            let log = try EmbeddedLog.open(
                configuration: EmbeddedLogConfiguration(directory: fixture.directory.path + "/log"),
                logger: fixture.logger
            )
            try await log.createTopic(Topics.usersCreatedDLQ, partitions: 1)
            let bad = ConsumedRecord(
                topic: Topics.usersCreated,
                partition: 1,
                offset: 41,
                timestamp: 1_714_564_800_000,
                key: Array("user-41".utf8),
                value: Array("not json".utf8),
                headers: []
            )
            try await log.produce(
                [
                    LogRecord(
                        key: bad.key,
                        value: bad.value,
                        headers: [
                            LogHeader(key: RecordHeaders.dlqReason, string: "malformed JSON at byte 0"),
                            LogHeader(key: RecordHeaders.dlqStage, string: "process"),
                            LogHeader(key: RecordHeaders.dlqOriginalTopic, string: bad.topic),
                            LogHeader(key: RecordHeaders.dlqOriginalPartition, string: "1"),
                            LogHeader(key: RecordHeaders.dlqOriginalOffset, string: "41"),
                        ],
                        timestamp: bad.timestamp
                    )
                ],
                to: Topics.usersCreatedDLQ
            )
            let monitor = DeadLetterMonitor(log: log, interval: .milliseconds(50), logger: fixture.logger)
            let following = Task { try await monitor.run() }
            for _ in 0..<200 where monitor.snapshot().seen == 0 { try await Task.sleep(for: .milliseconds(25)) }
            try await fixture.application(fixture.controller(deadLetters: monitor)).test(.router) { client in
                try await client.execute(uri: "/api/summary", method: .get) { response in
                    let summary = try DashboardFixture.decode(DashboardModels.Summary.self, response.body)
                    #expect(summary.deadLetterSource == "users_created.dlq")
                    #expect(summary.deadLetterReasons == ["malformed JSON at byte 0 (process, users_created-1@41)"])
                    #expect(summary.deadLetters.count == 1)
                    let letter = try #require(summary.deadLetters.first)
                    #expect(letter.partition == 0 && letter.offset == 0)
                    #expect(letter.time == "2024-05-01T12:00:00.000Z")
                    #expect(letter.key == "user-41")
                    #expect(letter.reason == "malformed JSON at byte 0")
                    #expect(letter.stage == "process")
                    #expect(letter.origin == "users_created-1@41")
                    #expect(letter.runID == nil)
                }
            }
            following.cancel()
            try await following.value
            try await log.close()
        }
    }

    @Test func runsAreNewestFirstWithStatsAndZeroRowsFlagged() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                try await client.execute(uri: "/api/runs?limit=5", method: .get) { response in
                    let runs = try DashboardFixture.decode([DashboardModels.Run].self, response.body)
                    #expect(runs.map(\.trigger) == ["scheduled", "manual"])
                    #expect(runs[0].zeroRows && runs[0].state == "failed" && runs[0].errors == ["timeout": 1])
                    #expect(!runs[1].zeroRows)
                    #expect(runs[1].stored == 300 && runs[1].deadLettered == 2 && runs[1].fetched == 302)
                    #expect(runs[1].durationSeconds == 12.5)
                }
                try await client.execute(uri: "/api/runs?limit=1", method: .get) { response in
                    let runs = try DashboardFixture.decode([DashboardModels.Run].self, response.body)
                    #expect(runs.count == 1)
                }
            }
        }
    }

    @Test func lagIsLogEndMinusCommittedOffsetOrUnknown() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller(logOffsets: Self.offsets)).test(.router) { client in
                try await client.execute(uri: "/api/lag", method: .get) { response in
                    let lag = try DashboardFixture.decode(DashboardModels.Lag.self, response.body)
                    #expect(lag.known)
                    #expect(lag.partitions.map(\.partition) == [0, 1])
                    #expect(
                        lag.partitions[0].committed == 300 && lag.partitions[0].end == 350
                            && lag.partitions[0].lag == 50
                    )
                    #expect(lag.partitions[1].committed == nil && lag.partitions[1].lag == 7)
                    #expect(lag.total == 57)
                }
            }
            try await fixture.application(fixture.controller()).test(.router) { client in
                try await client.execute(uri: "/api/lag", method: .get) { response in
                    let lag = try DashboardFixture.decode(DashboardModels.Lag.self, response.body)
                    #expect(!lag.known && lag.total == nil)
                    #expect(lag.partitions.map(\.committed) == [300])
                    #expect(lag.partitions[0].lag == nil)
                }
            }
        }
    }

    @Test func newestUsersAreTheLastIngested() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                try await client.execute(uri: "/api/users/newest?limit=3", method: .get) { response in
                    let users = try DashboardFixture.decode([DashboardModels.User].self, response.body)
                    #expect(users.map(\.id) == [299, 298, 297].map(StoreFixtures.id))
                    #expect(users[0].picture == StoreFixtures.user(299).picture)
                    #expect(users[0].firstName == StoreFixtures.user(299).firstName)
                }
            }
        }
    }

    @Test func chartsComeFromTheAggregates() async throws {
        try await withDashboardFixture { fixture in
            let users = (0..<300).map(StoreFixtures.user)
            try await fixture.application(fixture.controller()).test(.router) { client in
                try await client.execute(uri: "/api/charts/users-per-minute", method: .get) { response in
                    let points = try DashboardFixture.decode([DashboardModels.MinutePoint].self, response.body)
                    #expect(points.map(\.count).reduce(0, +) == 300)
                    #expect(points.map(\.epochMinute) == points.map(\.epochMinute).sorted())
                    #expect(points.first?.minute == "2024-05-01T12:00:00.000Z")
                }
                try await client.execute(uri: "/api/charts/gender", method: .get) { response in
                    let buckets = try DashboardFixture.decode([DashboardModels.Bucket].self, response.body)
                    let expected = Dictionary(grouping: users, by: \.gender).mapValues(\.count)
                    #expect(Dictionary(uniqueKeysWithValues: buckets.map { ($0.label, $0.count) }) == expected)
                }
                try await client.execute(uri: "/api/charts/nationalities?limit=5", method: .get) { response in
                    let buckets = try DashboardFixture.decode([DashboardModels.Bucket].self, response.body)
                    #expect(buckets.count == 5)
                    #expect(buckets.map(\.count) == buckets.map(\.count).sorted(by: >))
                    let top = Dictionary(grouping: users, by: { $0.nat ?? "unknown" }).mapValues(\.count).values.max()
                    #expect(buckets[0].count == top)
                }
                try await client.execute(uri: "/api/charts/ages", method: .get) { response in
                    let buckets = try DashboardFixture.decode([DashboardModels.Bucket].self, response.body)
                    #expect(buckets.map(\.count).reduce(0, +) == 300)
                    #expect(buckets.first?.label == "<20")
                    #expect(buckets.last?.label == "unknown")
                }
                try await client.execute(uri: "/api/charts/registration-years", method: .get) { response in
                    let buckets = try DashboardFixture.decode([DashboardModels.Bucket].self, response.body)
                    let expected = Dictionary(grouping: users, by: { String($0.registeredDate.prefix(4)) }).mapValues(
                        \.count
                    )
                    #expect(Dictionary(uniqueKeysWithValues: buckets.map { ($0.label, $0.count) }) == expected)
                    #expect(buckets.map(\.label) == buckets.map(\.label).sorted())
                }
            }
        }
    }

    @Test func queryIsReadOnlyBoundedAndDownloadsAsCSV() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                let select = #"{"sql": "SELECT id, age FROM spark_streams.created_users ORDER BY rowid"}"#
                try await client.execute(uri: "/api/query", method: .post, body: ByteBuffer(string: select)) {
                    response in
                    #expect(response.status == .ok)
                    let result = try DashboardFixture.decode(DashboardModels.QueryResponse.self, response.body)
                    #expect(result.columns == ["id", "age"])
                    #expect(result.rows.count == 50 && result.truncated && result.limit == 50)
                    #expect(result.rows[0][0] == StoreFixtures.id(0))
                }
                let small = #"{"sql": "SELECT 1 AS one", "limit": 10}"#
                try await client.execute(uri: "/api/query", method: .post, body: ByteBuffer(string: small)) {
                    response in
                    let result = try DashboardFixture.decode(DashboardModels.QueryResponse.self, response.body)
                    #expect(result.rows == [["1"]] && !result.truncated)
                }
                let write = #"{"sql": "DELETE FROM spark_streams.created_users"}"#
                try await client.execute(uri: "/api/query", method: .post, body: ByteBuffer(string: write)) {
                    response in
                    #expect(response.status == .badRequest)
                    let error = try DashboardFixture.decode(DashboardModels.ErrorBody.self, response.body)
                    #expect(error.error.code == "read_only_query")
                }
                try await client.execute(uri: "/api/query", method: .post, body: ByteBuffer(string: "nope")) {
                    response in
                    #expect(response.status == .badRequest)
                }
                let sql =
                    "SELECT nat, count(*) AS users FROM spark_streams.created_users GROUP BY nat ORDER BY nat LIMIT 2"
                let encoded = sql.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await client.execute(uri: "/api/query.csv?q=\(encoded)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                    #expect(response.headers[.contentDisposition] == "attachment; filename=\"query.csv\"")
                    let lines = String(buffer: response.body).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                    #expect(lines.first == "nat,users")
                    #expect(lines.count == 3)
                }
                try await client.execute(uri: "/api/query.csv", method: .get) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func eventsStreamHealthSnapshots() async throws {
        try await withDashboardFixture { fixture in
            try await fixture.application(fixture.controller(logOffsets: Self.offsets)).test(.router) { client in
                try await client.execute(uri: "/api/events?count=2", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/event-stream")
                    let text = String(buffer: response.body)
                    let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: health\n") }
                    #expect(events.count == 2)
                    let json = try #require(events.last?.components(separatedBy: "data: ").last)
                    let snapshot = try JSONDecoder().decode(DashboardModels.HealthSnapshot.self, from: Data(json.utf8))
                    #expect(snapshot.summary.storedUsers == 300)
                    #expect(snapshot.lag.total == 57)
                    #expect(snapshot.runs.count == 2)
                    #expect(snapshot.ingestedPerSecond == 0)  // nothing new between the two snapshots
                }
            }
        }
    }

    @Test func controlsAnswer409WithoutAScheduler() async throws {
        try await withDashboardFixture(users: 0) { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                for path in ["/api/runs", "/api/schedule/pause", "/api/schedule/resume"] {
                    try await client.execute(uri: path, method: .post) { response in
                        #expect(response.status == .conflict)
                        let error = try DashboardFixture.decode(DashboardModels.ErrorBody.self, response.body)
                        #expect(error.error.code == "no_scheduler")
                        #expect(error.error.message.contains("no scheduler"))
                    }
                }
            }
        }
    }

    @Test func controlsDriveARealScheduler() async throws {
        try await withDashboardFixture(users: 0) { fixture in
            let log = try EmbeddedLog.open(
                configuration: EmbeddedLogConfiguration(directory: fixture.directory.path + "/log"),
                logger: fixture.logger
            )
            let ingestor = Ingestor(
                log: log,
                store: fixture.store,
                source: SyntheticSource(seed: 7),
                configuration: IngestConfiguration(duration: nil, count: 25, batchSize: 25, usersPerSecond: 0),
                logger: fixture.logger
            )
            let scheduler = JobScheduler(
                ingestor: ingestor,
                schedule: try CronSchedule(parsing: "0 0 1 1 *"),
                logger: fixture.logger
            )
            let controller = fixture.controller(scheduler: scheduler)
            try await fixture.application(controller).test(.router) { client in
                try await client.execute(uri: "/api/schedule/pause", method: .post) { response in
                    #expect(response.status == .ok)
                    let body = try DashboardFixture.decode(DashboardModels.ControlResponse.self, response.body)
                    #expect(body.scheduler.available && body.scheduler.paused == true)
                }
                #expect(scheduler.isPaused)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await scheduler.run() }
                    // Paused: the schedule's immediate first run does not happen.
                    try await Task.sleep(for: .milliseconds(400))
                    #expect(try await fixture.store.runs(limit: 10).isEmpty)
                    try await client.execute(uri: "/api/runs", method: .post) { response in
                        #expect(response.status == .accepted)
                    }
                    var runs: [JobRunReport] = []
                    for _ in 0..<100 where runs.first?.run.state != .success {
                        try await Task.sleep(for: .milliseconds(100))
                        runs = try await fixture.store.runs(limit: 10)
                    }
                    #expect(runs.count == 1)
                    #expect(runs.first?.run.trigger == "manual")
                    #expect(runs.first?.run.produced == 25)
                    group.cancelAll()
                }
                try await client.execute(uri: "/api/schedule/resume", method: .post) { response in
                    #expect(response.status == .ok)
                }
                #expect(!scheduler.isPaused)
                try await client.execute(uri: "/api/summary", method: .get) { response in
                    let summary = try DashboardFixture.decode(DashboardModels.Summary.self, response.body)
                    #expect(summary.scheduler.available && summary.scheduler.paused == false)
                    #expect(summary.producedTotal == 25)
                }
            }
            try await log.close()
        }
    }
}
