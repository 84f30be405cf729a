import CassandraSnapshot
import CassandraStore
import Dashboard
import HTTPServer
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import TrinoFrontEnd
import UserStreamCore

/// The services of the HTTP server: Trino's protocol, /metrics, /healthz, /readyz, the dashboard.
enum HTTPServices {
    /// Runs `body` with the HTTP server's services over `store`, then closes what it opened.
    ///
    /// With the embedded store, the server reads it directly. With `CassandraStore`, it reads a `CassandraSnapshot`
    /// of the keyspace, refreshed every `listener.snapshot.interval`, and `/readyz` reports the snapshot. With a log,
    /// it also measures the consumer lag of `listener.group` and follows `users_created.dlq` for the dashboard's
    /// latest dead-letter reasons, and `/readyz` checks the log answers.
    static func with<T: Sendable>(
        store: Engines.OpenedStore,
        log: (any Log)?,
        scheduler: JobScheduler?,
        listener: HTTPListener,
        logger: Logger,
        _ body: ([ServiceGroupConfiguration.ServiceConfiguration]) async throws -> T
    ) async throws -> T {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var readiness: [ReadinessCheck] = []
        let readStore: SQLiteStore
        var snapshot: CassandraSnapshot? = nil
        switch store {
        case .embedded(let sqlite):
            readStore = sqlite
        case .cassandra(let cassandra):
            let opened = try await CassandraSnapshot.open(
                source: cassandra,
                configuration: listener.snapshot,
                logger: logger
            )
            snapshot = opened
            readStore = opened.store
            services.append(.init(service: opened))
            readiness.append(
                ReadinessCheck("cassandra") {
                    let status = opened.status()
                    if let error = status.lastError { throw SnapshotFailure(message: error) }
                    if status.refreshes == 0 { throw SnapshotFailure(message: nil) }
                }
            )
        }
        var logOffsets: (@Sendable () async throws -> [TopicPartition: ClosedOffsetRange])? = nil
        var deadLetters: DeadLetterMonitor? = nil
        if let log {
            // userstream_consumer_lag{partition} for /metrics.
            services.append(
                .init(
                    service: ConsumerLagMonitor(log: log, store: store.store, group: listener.group, logger: logger)
                )
            )
            let monitor = DeadLetterMonitor(log: log, logger: logger)
            deadLetters = monitor
            services.append(.init(service: monitor))
            let topic = Topics.usersCreated
            logOffsets = {
                let ranges = try await log.offsets(of: topic)
                return Dictionary(
                    uniqueKeysWithValues: ranges.map { (TopicPartition(topic: topic, partition: $0.key), $0.value) }
                )
            }
            readiness.append(ReadinessCheck("log") { _ = try await log.partitionCount(of: topic) })
        }
        let dashboard = DashboardController(
            store: readStore,
            scheduler: scheduler,
            logOffsets: logOffsets,
            deadLetters: deadLetters,
            logger: logger
        )
        let app = buildApplication(
            HTTPServerContext(store: readStore, scheduler: scheduler, readiness: readiness),
            configuration: HTTPServerConfiguration(host: listener.host, port: listener.port),
            extraRoutes: [{ dashboard.addRoutes(to: $0) }],
            logger: logger,
            onServerRunning: listener.onListening
        )
        services.append(.init(service: app))
        let result: T
        do {
            result = try await body(services)
        } catch {
            try? await snapshot?.close()
            throw error
        }
        try await snapshot?.close()
        return result
    }
}

/// The Cassandra snapshot is not ready (reported by `/readyz`): its last refresh failed, or the first copy is still
/// being made (`message` nil).
struct SnapshotFailure: Error, CustomStringConvertible {
    var message: String?
    var description: String {
        message.map { "the last refresh of the local copy failed: \($0)" }
            ?? "the first copy of the keyspace is being made"
    }
}
