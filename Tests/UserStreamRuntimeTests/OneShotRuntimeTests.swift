import EmbeddedLog
import Logging
import Pipeline
import SQLiteStore
import Testing
import UserStreamCore
import UserStreamRuntime

@Suite("UserStreamRuntime: ingest and process once")
struct OneShotRuntimeTests {
    @Test("ingestOnce produces N users and ends; processOnce stores them and reports its totals")
    func ingestThenProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let logger = Logger(label: "runtime-test")
        var log = EmbeddedLogConfiguration(directory: directory.path + "/log")
        log.fsync = .never
        let store = SQLiteStoreConfiguration(directory: directory.path + "/store")

        let ingest = RuntimeConfiguration(
            log: .embedded(log),
            store: .embedded(store),
            work: .ingestOnce(
                source: SourceChoice(.synthetic, apiURL: "", nat: nil, seed: "7"),
                ingest: IngestConfiguration(duration: nil, count: 250, batchSize: 50, usersPerSecond: 0)
            )
        )
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
