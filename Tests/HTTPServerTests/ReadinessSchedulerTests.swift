import EmbeddedLog
import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import Pipeline
import ServiceLifecycle
import Testing
import UserStreamCore

/// A source that has no users: the scheduler's runs end at once.
private struct EmptySource: UserSource {
    var name: String { "synthetic" }
    func nextBatch(maxUsers: Int) async throws -> SourceBatch? { nil }
}

@Suite("Readiness under run: the scheduler must be running")
struct ReadinessSchedulerTests {
    @Test func readyzFailsUntilTheSchedulerRuns() async throws {
        let fixture = try await HTTPTestStore(users: 1)
        defer { Task { await fixture.remove() } }
        var logger = Logger(label: "userstream.http.tests")
        logger.logLevel = .critical
        let log = try EmbeddedLog.open(
            configuration: EmbeddedLogConfiguration(directory: fixture.directory.path + "/log"),
            logger: logger
        )
        let ingestor = Ingestor(
            log: log,
            store: fixture.store,
            source: EmptySource(),
            configuration: IngestConfiguration(duration: .seconds(1), count: nil, batchSize: 10, usersPerSecond: 0),
            logger: logger
        )
        let scheduler = JobScheduler(ingestor: ingestor, schedule: try CronSchedule(parsing: "@hourly"), logger: logger)
        let context = HTTPServerContext(store: fixture.store, scheduler: scheduler)
        let app = buildApplication(context, configuration: HTTPServerConfiguration(port: 0), logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.json?["failed"] as? [String] == ["scheduler"])
            }
            let running = Task { try await scheduler.run() }
            for _ in 0..<200 where !scheduler.isServing { try await Task.sleep(for: .milliseconds(10)) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            running.cancel()
            _ = try? await running.value
        }
        try await log.close()
    }
}
