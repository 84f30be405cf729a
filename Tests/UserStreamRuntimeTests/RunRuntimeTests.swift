import AsyncHTTPClient
import Dashboard
import EmbeddedLog
import Foundation
import KafkaLog
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import Synchronization
import Testing
import UserStreamCore
import UserStreamRuntime

@Suite("UserStreamRuntime: a whole run in process")
struct RunRuntimeTests {
    static let users = 500

    /// `run`'s configuration over a temporary data directory: synthetic users (one job run of `users`, started right
    /// away), the embedded log and store, and the Kafka, CQL and HTTP listeners on free loopback ports.
    static func runConfiguration(
        directory: String,
        users: Int,
        onHTTPListening: @escaping @Sendable (Int) async -> Void
    ) -> RuntimeConfiguration {
        var log = EmbeddedLogConfiguration(directory: directory + "/log")
        log.fsync = .never
        return RuntimeConfiguration(
            log: .embedded(log),
            store: .embedded(SQLiteStoreConfiguration(directory: directory + "/store")),
            work: .pipeline(
                PipelineWork(
                    source: SourceChoice(.synthetic, apiURL: "", nat: "gb,fr", seed: "42"),
                    ingest: IngestConfiguration(duration: nil, count: users, batchSize: 100, usersPerSecond: 0),
                    schedule: try! CronSchedule(parsing: "@hourly"),
                    processor: ProcessorConfiguration(group: "runtime-test", pollTimeout: .milliseconds(20))
                )
            ),
            listeners: RuntimeListeners(
                kafka: .init(host: "127.0.0.1", port: 0),
                cql: CQLListener(server: .init(host: "127.0.0.1", port: 0)),
                http: HTTPListener(host: "127.0.0.1", port: 0, group: "runtime-test", onListening: onHTTPListening)
            )
        )
    }

    @Test("run stores N users, the Kafka and HTTP listeners see them, and it shuts down cleanly")
    func wholeRun() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logger = Logger(label: "runtime-test")
        let httpPort = Mutex<Int?>(nil)
        let configuration = Self.runConfiguration(directory: directory.path, users: Self.users) { port in
            httpPort.withLock { $0 = port }
        }
        let stored = try await UserStreamRuntime.withServices(configuration, logger: logger) { runtime in
            let store = try #require(runtime.store)
            let kafkaPort = try #require(runtime.kafkaPort)
            #expect(runtime.cqlPort != nil)
            #expect(runtime.scheduler != nil)
            let group = ServiceGroup(services: runtime.services.map(\.service), logger: logger)
            return try await withThrowingTaskGroup(of: Int?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                // Whatever happens below, the group is shut down and awaited.
                do {
                    let count = try await Self.checkCounts(
                        store: store,
                        kafkaPort: kafkaPort,
                        httpPort: { httpPort.withLock { $0 } }
                    )
                    await group.triggerGracefulShutdown()
                    while let result = try await tasks.next() {
                        if let result { return result }
                    }
                    return count
                } catch {
                    await group.triggerGracefulShutdown()
                    try? await tasks.waitForAll()
                    throw error
                }
            }
        }
        #expect(stored == Self.users)
        // Closed cleanly: the store and log open again and hold every user.
        let reopened = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path + "/store"),
            logger: logger
        )
        #expect(try await reopened.userCount() == Self.users)
        try await reopened.close()
        let log = try EmbeddedLog.open(
            configuration: EmbeddedLogConfiguration(directory: directory.path + "/log"),
            logger: logger
        )
        let ends = try await log.offsets(of: Topics.usersCreated).values.reduce(0) { $0 + $1.end }
        #expect(ends == Int64(Self.users))
        try await log.close()
    }

    /// Waits until every user is stored, then counts them through the store, the Kafka listener (librdkafka's
    /// watermarks) and the HTTP listener (`/api/summary`).
    static func checkCounts(
        store: any UserStore,
        kafkaPort: Int,
        httpPort: @Sendable () -> Int?
    ) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await store.userCount() < users {
            guard ContinuousClock.now < deadline else {
                Issue.record("only \(try await store.userCount()) of \(users) users stored after 60 s")
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let stored = try await store.userCount()
        #expect(stored == users)

        // The Kafka listener: users_created holds one record per user.
        let kafka = try KafkaLog(
            configuration: KafkaLogConfiguration(bootstrap: "127.0.0.1:\(kafkaPort)"),
            logger: Logger(label: "runtime-test.kafka")
        )
        do {
            let ranges = try await kafka.offsets(of: Topics.usersCreated)
            #expect(ranges.count == 3)
            #expect(ranges.values.reduce(0) { $0 + $1.end - $1.earliest } == Int64(users))
        } catch {
            try? await kafka.close()
            throw error
        }
        try await kafka.close()

        // The HTTP listener: the dashboard's summary counts the stored and produced users.
        while httpPort() == nil {
            guard ContinuousClock.now < deadline else { throw RuntimeTestFailure("the HTTP server never listened") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let port = try #require(httpPort())
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/summary"),
                timeout: .seconds(10)
            )
            #expect(response.status == .ok)
            let body = try await response.body.collect(upTo: 1 << 20)
            let summary = try JSONDecoder().decode(DashboardModels.Summary.self, from: Data(buffer: body))
            #expect(summary.storedUsers == users)
            #expect(summary.producedTotal == users)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return stored
    }
}

struct RuntimeTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under the system's temporary directory.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/userstream-runtime-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw RuntimeTestFailure("cannot create a temporary directory") }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
