import CQLServer
import KafkaBroker
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization
import UserStreamCore

/// The services of one process, built by `UserStreamRuntime.withServices`, with what they opened and bound.
public struct RuntimeServices: Sendable {
    /// The services, in start order; a group shuts them down in reverse order (the scheduler stops fetching first,
    /// then the processor drains, then the listeners close).
    public let services: [ServiceGroupConfiguration.ServiceConfiguration]
    /// The log in use, if the process has one.
    public let log: (any Log)?
    /// The store in use, if the process has one.
    public let store: (any UserStore)?
    /// The Kafka listener's bound port, when it is on.
    public let kafkaPort: Int?
    /// The CQL listener's bound port, when it is on.
    public let cqlPort: Int?
    /// The `user_automation` scheduler, under `RuntimeWork.pipeline`.
    public let scheduler: JobScheduler?
    /// What one-shot work produced, once the services have run.
    public let outcome: RuntimeOutcome

    /// Runs the services in one group with graceful shutdown on SIGTERM and SIGINT.
    public func run(logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// What one-shot work produced: the ingest run of `RuntimeWork.ingestOnce`, the processor's totals of
/// `RuntimeWork.processOnce`; `nil` until that work finished.
public final class RuntimeOutcome: Sendable {
    private let state = Mutex<(run: JobRun?, totals: Processor.Totals?)>((nil, nil))

    init() {}

    /// The ingest run, once it ended (with `JobRun.state` telling how).
    public var ingestRun: JobRun? { state.withLock { $0.run } }
    /// The processor's totals, once it is done.
    public var processed: Processor.Totals? { state.withLock { $0.totals } }

    func record(_ run: JobRun) { state.withLock { $0.run = run } }
    func record(_ totals: Processor.Totals) { state.withLock { $0.totals = totals } }
}
