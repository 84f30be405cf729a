import ArgumentParser
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

/// `--snapshot-interval` and `--snapshot-max-rows`: how the HTTP server's copy of a Cassandra keyspace is kept.
struct SnapshotOptions: ParsableArguments {
    @Option(
        help: """
            With --cassandra: how often the dashboard's and Trino's local copy of the keyspace is refreshed. \
            (env: USERSTREAM_SNAPSHOT_INTERVAL)
            """
    )
    var snapshotInterval: String = Env.string("SNAPSHOT_INTERVAL", "5s")

    @Option(
        help: """
            With --cassandra: the most rows copied from one table; a larger table is reported by /readyz and the \
            copy keeps its previous contents. (env: USERSTREAM_SNAPSHOT_MAX_ROWS)
            """
    )
    var snapshotMaxRows: Int = Env.int("SNAPSHOT_MAX_ROWS", 5_000_000)

    func validate() throws {
        guard let interval = DurationText.parse(snapshotInterval), interval > .zero else {
            throw ValidationError("--snapshot-interval: '\(snapshotInterval)' is not a duration like 5s or 1m")
        }
        guard snapshotMaxRows > 0 else { throw ValidationError("--snapshot-max-rows must be ≥ 1") }
    }

    var configuration: CassandraSnapshotConfiguration {
        var configuration = CassandraSnapshotConfiguration()
        configuration.interval = DurationText.parse(snapshotInterval) ?? configuration.interval
        configuration.maxRowsPerTable = snapshotMaxRows
        return configuration
    }
}

extension Components {
    /// What the HTTP server reads and watches.
    struct HTTPSources {
        /// The pipeline's store: the embedded store, or `CassandraStore`.
        var store: any UserStore
        /// The log, when this process has one (`run`, or `serve --kafka`): consumer lag, dead letters, readiness.
        var log: (any Log)?
        /// The `user_automation` scheduler, under `run`.
        var scheduler: JobScheduler?
        /// The processor's consumer group, whose lag is shown.
        var group: String
    }

    /// Runs `body` with the services of the HTTP server (Trino's protocol, /metrics, /healthz, /readyz, the dashboard)
    /// over `sources`, then closes what it opened.
    ///
    /// With the embedded store, the server reads it directly (`readOnly` for `serve`). With `CassandraStore`, it reads
    /// a `CassandraSnapshot` of the keyspace, refreshed every `snapshot.interval`. With a log, it also measures the
    /// consumer lag and follows `users_created.dlq` for the dashboard's latest dead-letter reasons, and `/readyz`
    /// checks the log answers.
    static func withHTTPServices<T: Sendable>(
        _ sources: HTTPSources,
        snapshot snapshotOptions: SnapshotOptions,
        host: String,
        port: Int,
        logger: Logger,
        _ body: ([ServiceGroupConfiguration.ServiceConfiguration]) async throws -> T
    ) async throws -> T {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        var readiness: [ReadinessCheck] = []
        let readStore: SQLiteStore
        var snapshot: CassandraSnapshot? = nil
        switch sources.store {
        case let sqlite as SQLiteStore:
            readStore = sqlite
        case let cassandra as CassandraStore:
            let opened = try await CassandraSnapshot.open(
                source: cassandra,
                configuration: snapshotOptions.configuration,
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
        default:
            throw ValidationError("the HTTP server cannot read this store")
        }
        var logOffsets: (@Sendable () async throws -> [TopicPartition: ClosedOffsetRange])? = nil
        var deadLetters: DeadLetterMonitor? = nil
        if let log = sources.log {
            // userstream_consumer_lag{partition} for /metrics.
            services.append(
                .init(service: ConsumerLagMonitor(log: log, store: sources.store, group: sources.group, logger: logger))
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
            scheduler: sources.scheduler,
            logOffsets: logOffsets,
            deadLetters: deadLetters,
            logger: logger
        )
        let app = buildApplication(
            HTTPServerContext(store: readStore, scheduler: sources.scheduler, readiness: readiness),
            configuration: HTTPServerConfiguration(host: host, port: port),
            extraRoutes: [{ dashboard.addRoutes(to: $0) }],
            logger: logger
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
