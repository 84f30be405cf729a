import CQLEngine
import CQLServer
import EmbeddedLog
import HTTPServer
import KafkaBroker
import Logging
import Pipeline
import ServiceLifecycle
import UserStreamCore

/// Builds the services of a userstream process (`run`, `serve`, `broker`, `store`, `ingest`, `process`) from a
/// `RuntimeConfiguration`: opens the log and store, binds the listeners, and closes what it opened afterwards.
public enum UserStreamRuntime {
    /// Opens the configuration's log and store, builds and binds its services, runs `body` with them, then closes
    /// everything it opened, whatever happens. `body` runs the services (`RuntimeServices.run(logger:)`, or a
    /// `ServiceGroup` of its own).
    public static func withServices<T: Sendable>(
        _ configuration: RuntimeConfiguration,
        logger: Logger,
        _ body: (RuntimeServices) async throws -> T
    ) async throws -> T {
        // Metrics go to the Prometheus registry /metrics serves; installed before the pipeline records anything.
        if configuration.listeners.http != nil { HTTPMetrics.bootstrap() }
        let engines = try await Engines.open(log: configuration.log, store: configuration.store, logger: logger)
        let result: T
        do {
            result = try await withServices(configuration, engines: engines, logger: logger, body)
        } catch {
            try? await engines.close()
            throw error
        }
        try await engines.close()
        return result
    }

    /// Builds the services over opened engines.
    private static func withServices<T: Sendable>(
        _ configuration: RuntimeConfiguration,
        engines: Engines,
        logger: Logger,
        _ body: (RuntimeServices) async throws -> T
    ) async throws -> T {
        let outcome = RuntimeOutcome()
        // The work's services run last, so that a group shuts them down first.
        var work: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var scheduler: JobScheduler? = nil
        switch configuration.work {
        case .serve:
            break
        case .pipeline(let pipeline):
            let (log, store) = try engines.pipelineEngines()
            try await interruptAbandonedRuns(log: log, store: store, logger: logger)
            var ingest = pipeline.ingest
            if let maxPending = pipeline.maxPending {
                ingest.backpressure = .consumerLag(
                    log: log,
                    store: store,
                    group: pipeline.processor.group,
                    topic: pipeline.processor.topic,
                    maxPending: maxPending
                )
            }
            let ingestor = Ingestor(
                log: log,
                store: store,
                source: pipeline.source.makeSource(logger: logger),
                configuration: ingest,
                logger: logger
            )
            let jobs = JobScheduler(ingestor: ingestor, schedule: pipeline.schedule, logger: logger)
            scheduler = jobs
            let processor = Processor(log: log, store: store, configuration: pipeline.processor, logger: logger)
            work = [.init(service: processor), .init(service: jobs)]
        case .ingestOnce(let source, let ingest):
            let (log, store) = try engines.pipelineEngines()
            try await interruptAbandonedRuns(log: log, store: store, logger: logger)
            let ingestor = Ingestor(
                log: log,
                store: store,
                source: source.makeSource(logger: logger),
                configuration: ingest,
                logger: logger
            )
            work = [
                oneShot {
                    let run = try await ingestor.runOnce(trigger: "manual")
                    outcome.record(run)
                }
            ]
        case .processOnce(let processorConfiguration):
            let (log, store) = try engines.pipelineEngines()
            try await interruptAbandonedRuns(log: log, store: store, logger: logger)
            let processor = Processor(log: log, store: store, configuration: processorConfiguration, logger: logger)
            work = [
                oneShot {
                    let totals = try await processor.runUntilDone()
                    outcome.record(totals)
                }
            ]
        }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if !configuration.work.isOneShot, let embedded = engines.embeddedLog {
            services.append(.init(service: RetentionService(log: embedded, logger: logger)))
        }
        // The embedded log is served to Kafka clients unless a Kafka cluster is the log.
        var kafkaPort: Int? = nil
        if let brokerConfiguration = configuration.listeners.kafka, let embedded = engines.embeddedLog {
            let broker = KafkaBroker(log: embedded, configuration: brokerConfiguration, logger: logger)
            kafkaPort = try await broker.bind()
            services.append(.init(service: broker))
        }
        // The embedded store is served to CQL clients (cqlsh, drivers) unless a Cassandra cluster is the store.
        var cqlPort: Int? = nil
        if let cql = configuration.listeners.cql, let sqlite = engines.embeddedStore {
            let engine = try CQLEngine(store: sqlite, configuration: cql.engine, logger: logger)
            let server = CQLServer(engine: engine, configuration: cql.server, logger: logger)
            cqlPort = try await server.bind()
            services.append(.init(service: server))
        }
        let listeners = services
        func built(_ http: [ServiceGroupConfiguration.ServiceConfiguration]) -> RuntimeServices {
            RuntimeServices(
                services: listeners + http + work,
                log: engines.log?.log,
                store: engines.store?.store,
                kafkaPort: kafkaPort,
                cqlPort: cqlPort,
                scheduler: scheduler,
                outcome: outcome
            )
        }
        guard let http = configuration.listeners.http, let store = engines.store else {
            return try await body(built([]))
        }
        // HTTP: Trino's protocol, /metrics, /healthz, /readyz and the dashboard, over the embedded store or a local
        // copy of the Cassandra keyspace.
        return try await HTTPServices.with(
            store: store,
            log: engines.log?.log,
            scheduler: scheduler,
            listener: http,
            logger: logger
        ) { http in
            try await body(built(http))
        }
    }

    /// Runs left `running` by a process that died (SIGKILL, a crash, power loss) become `interrupted` when `run`,
    /// `ingest` or `process` starts. Only on the embedded log: its writer lock proves no other process is ingesting,
    /// so every such run is abandoned. On Kafka, other ingestors may be running, and their runs are left alone.
    private static func interruptAbandonedRuns(log: any Log, store: any UserStore, logger: Logger) async throws {
        guard log is EmbeddedLog else { return }
        let abandoned = try await store.interruptAbandonedRuns(
            message: "its process stopped before the run ended (killed or crashed); counts completed by the processor"
        )
        guard !abandoned.isEmpty else { return }
        logger.warning(
            "job.runs_abandoned",
            metadata: ["job.runs": "\(abandoned.joined(separator: ","))", "job.count": "\(abandoned.count)"]
        )
    }

    /// A service that runs `body`; the group shuts down gracefully when it returns.
    private static func oneShot(
        _ body: @escaping @Sendable () async throws -> Void
    ) -> ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: OneShotService(body: body), successTerminationBehavior: .gracefullyShutdownGroup)
    }
}

extension Engines {
    /// The log and store the pipeline's work needs.
    fileprivate func pipelineEngines() throws -> (any Log, any UserStore) {
        guard let log, let store else {
            throw RuntimeConfigurationError("the pipeline's work needs both a log and a store")
        }
        return (log.log, store.store)
    }
}
