import EmbeddedLog
import Foundation
import Logging
import Pipeline
import SQLiteStore
import UserStreamCore
import UserStreamTestSupport

/// An embedded log and store in a temporary directory, as `userstream run` wires them.
struct PipelineHarness {
    let directory: TemporaryDirectory
    let log: EmbeddedLog
    let store: SQLiteStore
    let logger: Logger

    init(partitions: Int = 3, maxBatchBytes: Int? = nil) throws {
        directory = try TemporaryDirectory()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.logger = logger
        var logConfiguration = EmbeddedLogConfiguration(directory: directory.path + "/log")
        logConfiguration.defaultPartitions = partitions
        if let maxBatchBytes { logConfiguration.maxBatchBytes = maxBatchBytes }
        log = try EmbeddedLog.open(configuration: logConfiguration, logger: logger)
        store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path + "/store"),
            logger: logger
        )
    }

    func ingestor(
        source: any UserSource,
        count: Int? = nil,
        batchSize: Int = 100,
        duration: Duration? = nil
    ) -> Ingestor {
        Ingestor(
            log: log,
            store: store,
            source: source,
            configuration: IngestConfiguration(
                duration: duration,
                count: count,
                batchSize: batchSize,
                usersPerSecond: 0
            ),
            logger: logger
        )
    }

    func processUntilIdle(group: String = "userstream", maxBatch: Int = 5000) async throws -> Processor.Totals {
        try await Processor(
            log: log,
            store: store,
            configuration: ProcessorConfiguration(
                group: group,
                maxBatchRecords: maxBatch,
                pollTimeout: .milliseconds(20),
                untilIdle: true
            ),
            logger: logger
        ).runUntilDone()
    }

    /// Every record of a topic, from the start.
    func readAll(_ topic: String) async throws -> [ConsumedRecord] {
        let consumer = try await log.makeConsumer(group: "reader-\(UUID().uuidString)", topics: [topic]) { _ in [:] }
        var records: [ConsumedRecord] = []
        while true {
            let batch = try await consumer.poll(maxRecords: 10_000, timeout: .milliseconds(50))
            if batch.isEmpty { break }
            records += batch
        }
        try await consumer.close()
        return records
    }

    func close() async throws {
        try await store.close()
        try await log.close()
        directory.remove()
    }

    /// The sample fixtures copied into the repository.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("UserStreamCoreTests/Fixtures/\(name)").path
    }
}

/// Runs `body` with a fresh ``PipelineHarness`` and closes it (store, log, directory) before returning, also when
/// `body` throws; the body's error is rethrown (an error closing the harness only when the body succeeded).
func withPipelineHarness<Result>(
    partitions: Int = 3,
    maxBatchBytes: Int? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (PipelineHarness) async throws -> Result
) async throws -> Result {
    let harness = try PipelineHarness(partitions: partitions, maxBatchBytes: maxBatchBytes)
    let result: Result
    do {
        result = try await body(harness)
    } catch {
        try? await harness.close()
        throw error
    }
    try await harness.close()
    return result
}
