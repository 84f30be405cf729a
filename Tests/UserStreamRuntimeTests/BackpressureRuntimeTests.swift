import EmbeddedLog
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import Synchronization
import Testing
import UserStreamCore
import UserStreamRuntime

@Suite("UserStreamRuntime: run holds a fast source back")
struct BackpressureRuntimeTests {
    /// A synthetic source at full speed against a processor slowed down to 50-user commits (each one fsynced): with
    /// `maxPending`, the processor group's lag never goes beyond the bound plus the one batch fetched after a check;
    /// without it, the source would be thousands of users ahead within a second.
    @Test("the processor group's lag stays within maxPending plus one batch")
    func lagStaysBounded() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logger = Logger(label: "runtime-test")
        let users = 6_000
        let batchSize = 100
        let maxPending = 500
        var logConfiguration = EmbeddedLogConfiguration(directory: directory.path + "/log")
        logConfiguration.fsync = .never
        let configuration = RuntimeConfiguration(
            log: .embedded(logConfiguration),
            store: .embedded(SQLiteStoreConfiguration(directory: directory.path + "/store")),
            work: .pipeline(
                PipelineWork(
                    source: SourceChoice(.synthetic, apiURL: "", nat: "gb,fr", seed: "7"),
                    ingest: IngestConfiguration(duration: nil, count: users, batchSize: batchSize, usersPerSecond: 0),
                    schedule: try CronSchedule(parsing: "@hourly"),
                    processor: ProcessorConfiguration(
                        group: "held-back",
                        maxBatchRecords: 50,
                        pollTimeout: .milliseconds(20)
                    ),
                    maxPending: maxPending
                )
            ),
            listeners: RuntimeListeners()
        )
        let maxLag = try await UserStreamRuntime.withServices(configuration, logger: logger) { runtime in
            let store = try #require(runtime.store)
            let log = try #require(runtime.log)
            let monitor = ConsumerLagMonitor(
                log: log,
                store: store,
                group: "held-back",
                topic: Topics.usersCreated,
                logger: logger
            )
            let group = ServiceGroup(services: runtime.services.map(\.service), logger: logger)
            return try await withThrowingTaskGroup(of: Int64?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                do {
                    var maxLag: Int64 = 0
                    let deadline = ContinuousClock.now + .seconds(120)
                    while try await store.userCount() < users {
                        try #require(ContinuousClock.now < deadline, "not every user was stored within 120 s")
                        maxLag = max(maxLag, try await monitor.lag().values.reduce(0, +))
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                    return maxLag
                } catch {
                    await group.triggerGracefulShutdown()
                    try? await tasks.waitForAll()
                    throw error
                }
            }
        }
        #expect(maxLag > 0, "the lag was never seen above zero: the check proves nothing")
        #expect(maxLag <= Int64(maxPending + batchSize), "lag reached \(maxLag) with maxPending \(maxPending)")
    }
}
