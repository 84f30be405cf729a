import Dashboard
import Foundation
import Hummingbird
import Logging
import Pipeline
import SQLiteStore
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

/// A real store in a temporary directory with users, aggregates, offsets and job runs, and a router with the
/// dashboard on it.
struct DashboardFixture {
    static let runID = "manual__2024-05-01T12:00:00+00:00"

    let directory: TemporaryDirectory
    let store: SQLiteStore
    let logger: Logger

    init(users: Int = 300) async throws {
        directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.logger = logger
        store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path + "/store"),
            logger: logger
        )
        if users > 0 {
            _ = try await store.commit(
                StoreFixtures.batch(0..<users, runID: Self.runID, deadLetteredByRun: [Self.runID: 2])
            )
            let started = Date(timeIntervalSince1970: 1_714_564_800)
            try await store.saveRun(
                JobRun(
                    runID: Self.runID,
                    trigger: "manual",
                    source: "synthetic",
                    startedAt: started,
                    endedAt: started.addingTimeInterval(12.5),
                    state: .success,
                    requests: 4,
                    usersFetched: users + 2,
                    produced: users + 2,
                    // The two invalid records were dead-lettered by the processor (below), not by the ingestor:
                    // fetched = produced + the ingestor's dead letters.
                    deadLettered: 0,
                    errors: ["http_503": 1],
                    message: "2 invalid records"
                )
            )
            let later = started.addingTimeInterval(3600)
            try await store.saveRun(
                JobRun(
                    runID: "scheduled__2024-05-01T13:00:00+00:00",
                    trigger: "scheduled",
                    source: "synthetic",
                    startedAt: later,
                    endedAt: later.addingTimeInterval(2),
                    state: .failed,
                    requests: 1,
                    errors: ["timeout": 1],
                    message: "the source timed out"
                )
            )
        }
    }

    func controller(
        scheduler: JobScheduler? = nil,
        logOffsets: (@Sendable () async throws -> [TopicPartition: ClosedOffsetRange])? = nil,
        deadLetters: DeadLetterMonitor? = nil,
        eventInterval: Duration = .milliseconds(50)
    ) -> DashboardController {
        var configuration = DashboardController.Configuration()
        configuration.eventInterval = eventInterval
        configuration.maxQueryRows = 50
        return DashboardController(
            store: store,
            scheduler: scheduler,
            logOffsets: logOffsets,
            deadLetters: deadLetters,
            configuration: configuration,
            logger: logger
        )
    }

    func application(_ controller: DashboardController) -> some ApplicationProtocol {
        let router = Router()
        controller.addRoutes(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
    }

    func remove() async {
        try? await store.close()
        directory.remove()
    }
}

/// Runs `body` with a fresh ``DashboardFixture`` and removes it (store, directory) before returning, also when `body`
/// throws; the body's error is rethrown.
func withDashboardFixture<Result>(
    users: Int = 300,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (DashboardFixture) async throws -> Result
) async throws -> Result {
    let fixture = try await DashboardFixture(users: users)
    let result: Result
    do {
        result = try await body(fixture)
    } catch {
        await fixture.remove()
        throw error
    }
    await fixture.remove()
    return result
}

extension DashboardFixture {
    static func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
    }
}
