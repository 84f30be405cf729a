import EmbeddedLog
import Logging
import Pipeline
import SQLiteStore
import Testing
import UserStreamContracts
import UserStreamCore
import UserStreamRuntime

@Suite("UserStreamRuntime: ingest and process once")
struct OneShotRuntimeTests {
    /// The embedded log (no fsync) and store under `directory`.
    static func engines(
        in directory: TemporaryDirectory
    ) -> (log: EmbeddedLogConfiguration, store: SQLiteStoreConfiguration) {
        var log = EmbeddedLogConfiguration(directory: directory.path + "/log")
        log.fsync = .never
        return (log, SQLiteStoreConfiguration(directory: directory.path + "/store"))
    }

    /// One ingest run of `users` synthetic users into the engines under `directory`.
    static func ingestOnce(users: Int, batchSize: Int, in directory: TemporaryDirectory) -> RuntimeConfiguration {
        let (log, store) = engines(in: directory)
        return RuntimeConfiguration(
            log: .embedded(log),
            store: .embedded(store),
            work: .ingestOnce(
                source: SourceChoice(.synthetic, apiURL: "", nat: nil, seed: "7"),
                ingest: IngestConfiguration(duration: nil, count: users, batchSize: batchSize, usersPerSecond: 0)
            )
        )
    }

    @Test("ingestOnce produces N users and ends; processOnce stores them and reports its totals")
    func ingestThenProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logger = Logger(label: "runtime-test")
        let (log, store) = Self.engines(in: directory)
        let ingest = Self.ingestOnce(users: 250, batchSize: 50, in: directory)
        let run = try await UserStreamRuntime.withServices(ingest, logger: logger) { runtime in
            #expect(runtime.services.count == 1)
            #expect(runtime.kafkaPort == nil && runtime.cqlPort == nil)
            #expect(runtime.outcome.ingestRun == nil)
            try await runtime.run(logger: logger)
            return runtime.outcome.ingestRun
        }
        let ingested = try #require(run)
        #expect(ingested.produced == 250)
        #expect(ingested.state != .failed)

        let process = RuntimeConfiguration(
            log: .embedded(log),
            store: .embedded(store),
            work: .processOnce(ProcessorConfiguration(pollTimeout: .milliseconds(20), untilIdle: true))
        )
        let totals = try await UserStreamRuntime.withServices(process, logger: logger) { runtime in
            try await runtime.run(logger: logger)
            return runtime.outcome.processed
        }
        let processed = try #require(totals)
        #expect(processed.records == 250)
        #expect(processed.inserted == 250)
        #expect(processed.duplicates == 0)

        let reopened = try SQLiteStore(configuration: store, logger: logger)
        #expect(try await reopened.userCount() == 250)
        try await reopened.close()
    }

    /// A run whose process was SIGKILLed stays `running` with the counts it saved last. The next start on the same
    /// embedded log marks it `interrupted`, and its report takes the produced count from what the processor handled.
    @Test("a run left running by a dead process is interrupted at the next start; its report counts what was processed")
    func abandonedRunIsInterrupted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logger = Logger(label: "runtime-test")
        let store = Self.engines(in: directory).store
        let killed = "scheduled__2026-12-04T10:00:00.000Z"
        do {
            // What a killed run leaves: `running`, counts from its last save, and rows the processor stored for it.
            let opened = try SQLiteStore(configuration: store, logger: logger)
            try await opened.saveRun(
                JobRun(
                    runID: killed,
                    trigger: "scheduled",
                    source: "synthetic",
                    startedAt: .now,
                    usersFetched: 40,
                    produced: 40
                )
            )
            var batch = StoreFixtures.batch(0..<100)
            for index in batch.users.indices { batch.users[index].runID = killed }
            try await opened.commit(batch)
            try await opened.close()
        }
        let ingest = Self.ingestOnce(users: 10, batchSize: 10, in: directory)
        try await UserStreamRuntime.withServices(ingest, logger: logger) { try await $0.run(logger: logger) }
        let reopened = try SQLiteStore(configuration: store, logger: logger)
        let reports = try await reopened.runs(limit: 10)
        try await reopened.close()
        let report = try #require(reports.first { $0.run.runID == killed })
        #expect(report.run.state == .interrupted)
        #expect(report.run.message?.contains("killed or crashed") == true)
        #expect(report.run.produced == 40)
        #expect(report.produced == 100 && report.fetched == 100 && report.pending == 0)
        #expect(reports.filter { $0.run.state == .running }.isEmpty)
    }

    @Test("pipeline work without a store is refused before anything runs")
    func pipelineNeedsAStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var log = EmbeddedLogConfiguration(directory: directory.path + "/log")
        log.fsync = .never
        let configuration = RuntimeConfiguration(
            log: .embedded(log),
            work: .processOnce(ProcessorConfiguration())
        )
        await #expect(throws: RuntimeConfigurationError.self) {
            try await UserStreamRuntime.withServices(configuration, logger: Logger(label: "runtime-test")) { _ in }
        }
    }
}
