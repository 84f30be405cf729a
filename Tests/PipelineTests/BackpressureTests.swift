import Pipeline
import RandomUser
import Synchronization
import Testing
import UserStreamCore

@Suite("Ingestor backpressure")
struct BackpressureTests {
    /// With no processor running, the ingestor stops fetching once `maxPending` users wait; once the processor
    /// runs, the rest flows through and every user is stored once.
    @Test func ingestorWaitsForTheProcessor() async throws {
        try await withPipelineHarness { harness in
            let total = 2_000
            let batchSize = 100
            let maxPending = 300
            var configuration = IngestConfiguration(
                duration: nil,
                count: total,
                batchSize: batchSize,
                usersPerSecond: 0
            )
            let lag = Backpressure.consumerLag(log: harness.log, store: harness.store, maxPending: maxPending)
            // Counts the checks that held the ingestor back, so the test waits until it is held back for sure.
            let heldBack = Atomic<Int>(0)
            configuration.backpressure = Backpressure(maxPending: maxPending) {
                let pending = try await lag.pending()
                if pending > maxPending { heldBack.add(1, ordering: .relaxed) }
                return pending
            }
            let ingestor = Ingestor(
                log: harness.log,
                store: harness.store,
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 11)),
                configuration: configuration,
                logger: harness.logger
            )
            let ingesting = Task { try await ingestor.runOnce(trigger: "manual") }
            let deadline = ContinuousClock.now + .seconds(30)
            while heldBack.load(ordering: .relaxed) < 5, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(heldBack.load(ordering: .relaxed) >= 5, "the ingestor was never held back")
            // Held back: at most one batch beyond the bound got produced while nothing is processed.
            let produced = try await harness.log.offsets(of: Topics.usersCreated).values.reduce(0) {
                $0 + Int($1.end)
            }
            #expect(produced > maxPending)
            #expect(produced <= maxPending + batchSize, "produced \(produced) with nothing processed")

            let processor = Processor(
                log: harness.log,
                store: harness.store,
                configuration: ProcessorConfiguration(maxBatchRecords: 150, pollTimeout: .milliseconds(20)),
                logger: harness.logger
            )
            let processing = Task { try await processor.runUntilDone() }
            let run = try await ingesting.value
            #expect(run.produced == total)
            #expect(run.state == .success)
            while try await harness.store.userCount() < total {
                try await Task.sleep(for: .milliseconds(20))
            }
            processing.cancel()
            _ = try? await processing.value
            #expect(try await harness.store.userCount() == total)
        }
    }

    /// When the pending users cannot be measured (the store is down, say), the run is not failed for it: the log is
    /// durable, so it produces without holding back.
    @Test func anUnmeasurableLagDoesNotStopTheRun() async throws {
        try await withPipelineHarness { harness in
            struct StoreDown: Error {}
            var configuration = IngestConfiguration(duration: nil, count: 300, batchSize: 50, usersPerSecond: 0)
            configuration.backpressure = Backpressure(maxPending: 10) { throw StoreDown() }
            let run = try await Ingestor(
                log: harness.log,
                store: harness.store,
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 13)),
                configuration: configuration,
                logger: harness.logger
            ).runOnce(trigger: "manual")
            #expect(run.state == .success)
            #expect(run.produced == 300)
        }
    }

    /// A run stopped by its deadline while held back ends cleanly, with what it produced.
    @Test func deadlineWhileHeldBackEndsTheRun() async throws {
        try await withPipelineHarness { harness in
            var configuration = IngestConfiguration(
                duration: .seconds(3),
                count: nil,
                batchSize: 50,
                usersPerSecond: 0
            )
            configuration.backpressure = .consumerLag(log: harness.log, store: harness.store, maxPending: 100)
            let run = try await Ingestor(
                log: harness.log,
                store: harness.store,
                source: SyntheticSource(generator: SyntheticUserGenerator(seed: 12)),
                configuration: configuration,
                logger: harness.logger
            ).runOnce(trigger: "manual")
            #expect(run.state == .success)
            #expect((100...150).contains(run.produced), "produced \(run.produced)")
            #expect(run.usersFetched == run.produced)
        }
    }
}
