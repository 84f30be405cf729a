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
        try await withHTTPTestStore(users: 1) { fixture in
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
            let scheduler = JobScheduler(
                ingestor: ingestor,
                schedule: try CronSchedule(parsing: "@hourly"),
                logger: logger
            )
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
}

/// What the context names besides the store and the scheduler: the log and Cassandra, each bounded in time.
@Suite("Readiness checks of the log and Cassandra")
struct ReadinessCheckTests {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    func application(_ fixture: HTTPTestStore, _ checks: [ReadinessCheck]) -> some ApplicationProtocol {
        var logger = Logger(label: "userstream.http.tests")
        logger.logLevel = .critical
        return buildApplication(
            HTTPServerContext(store: fixture.store, readiness: checks),
            configuration: HTTPServerConfiguration(port: 0),
            logger: logger
        )
    }

    @Test func aFailingCheckMakesReadyz503AndSaysWhy() async throws {
        try await withHTTPTestStore(users: 1) { fixture in
            let app = application(
                fixture,
                [ReadinessCheck("log") { throw Unreachable() }, ReadinessCheck("cassandra") {}]
            )
            try await app.test(.router) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.json?["failed"] as? [String] == ["log"])
                    let checks = response.json?["checks"] as? [String: String]
                    #expect(checks?["log"] == "failed: connection refused")
                    #expect(checks?["cassandra"] == "ok")
                    #expect(checks?["store"] == "ok")
                }
            }
        }
    }

    @Test func aCheckThatDoesNotAnswerFailsWithinItsTimeout() async throws {
        try await withHTTPTestStore(users: 1) { fixture in
            // Ignores cancellation, as a blocking client call would.
            let hanging = ReadinessCheck("log", timeout: .milliseconds(300)) {
                let until = ContinuousClock.now + .seconds(5)
                while ContinuousClock.now < until { try? await Task.sleep(for: .milliseconds(50)) }
            }
            let app = application(fixture, [hanging])
            try await app.test(.router) { client in
                let started = ContinuousClock.now
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let checks = response.json?["checks"] as? [String: String]
                    #expect(
                        checks?["log"]?.hasPrefix("failed: log did not answer within") == true,
                        "\(String(describing: checks))"
                    )
                }
                #expect(ContinuousClock.now - started < .seconds(3))
            }
        }
    }
}
