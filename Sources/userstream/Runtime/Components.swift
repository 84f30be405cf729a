import ArgumentParser
import CQLEngine
import CassandraStore
import EmbeddedLog
import Foundation
import KafkaLog
import Logging
import Pipeline
import RandomUser
import SQLiteStore
import ServiceLifecycle
import UserStreamCore

/// Opens the embedded engines and sources from CLI options. Commands only build configuration and run services.
enum Components {
    static func openLog(_ data: DataOptions, _ options: LogOptions, logger: Logger) throws -> EmbeddedLog {
        var configuration = EmbeddedLogConfiguration(directory: data.logDirectory)
        configuration.defaultPartitions = options.partitions
        configuration.fsync = try options.fsyncPolicy()
        configuration.retentionMilliseconds = DurationText.parse(options.logRetention)?.milliseconds
        configuration.retentionBytes = options.logRetentionBytes > 0 ? Int64(options.logRetentionBytes) : nil
        configuration.maxBatchBytes = options.maxBatchBytes
        return try EmbeddedLog.open(configuration: configuration, logger: logger)
    }

    static func openStore(_ data: DataOptions, readOnly: Bool = false, logger: Logger) throws -> SQLiteStore {
        // The data directory's store always carries the CQL engine's file, which `run` and `store` serve.
        var configuration = SQLiteStoreConfiguration(directory: data.storeDirectory)
            .attaching(CQLEngine.storeAttachment)
        configuration.readOnly = readOnly
        return try SQLiteStore(configuration: configuration, logger: logger)
    }

    static func makeSource(_ options: SourceOptions, logger: Logger) throws -> any UserSource {
        switch try SourceSpec(parsing: options.source) {
        case .randomuser:
            var configuration = RandomUserAPIConfiguration()
            configuration.apiURL = options.apiURL
            configuration.nat = options.nat
            configuration.seed = options.seed
            return RandomUserAPISource(configuration: configuration, logger: logger)
        case .synthetic:
            let nats = options.nat.map { $0.split(separator: ",").map { $0.uppercased() } }
            let generator: SyntheticUserGenerator
            switch options.seed {
            case .none: generator = SyntheticUserGenerator(seed: UInt64.random(in: 0...UInt64.max), nats: nats)
            case .some(let text):
                generator =
                    UInt64(text).map { SyntheticUserGenerator(seed: $0, nats: nats) }
                    ?? SyntheticUserGenerator(seed: text, nats: nats)
            }
            return SyntheticSource(generator: generator)
        case .replay(let path):
            return ReplaySource(path: path)
        }
    }
}

extension LogOptions {
    func fsyncPolicy() throws -> FsyncPolicy {
        try Self.fsyncPolicy(parsing: logFsync)
    }

    static func fsyncPolicy(parsing logFsync: String) throws -> FsyncPolicy {
        switch logFsync {
        case "batch", "always": return .everyBatch
        case "never": return .never
        default:
            if logFsync.hasPrefix("interval:"), let duration = DurationText.parse(String(logFsync.dropFirst(9))),
                duration.milliseconds > 0
            {
                return .interval(milliseconds: duration.milliseconds)
            }
            throw ValidationError("--log-fsync must be batch, interval:<duration> or never (got '\(logFsync)')")
        }
    }
}

extension Components {
    /// The log and store a command works with: the embedded log, or a Kafka cluster with `--kafka`.
    struct Engines {
        let log: any Log
        /// The embedded log when it is the log in use (for the broker and retention), else `nil`.
        let embedded: EmbeddedLog?
        /// The embedded store, or a `CassandraStore` with `--cassandra`.
        let store: any UserStore
    }

    /// Opens the log (embedded, or Kafka with `--kafka`) and the store (embedded, or Cassandra with `--cassandra`),
    /// runs `body` with them, and closes both whatever happens.
    static func withEngines<T: Sendable>(
        _ data: DataOptions,
        _ logOptions: LogOptions,
        kafka: KafkaClientOptions? = nil,
        cassandra: CassandraOptions? = nil,
        logger: Logger,
        _ body: (Engines) async throws -> T
    ) async throws -> T {
        let log: any Log
        let embedded: EmbeddedLog?
        if let configuration = kafka?.configuration(partitions: logOptions.partitions) {
            log = try KafkaLog(configuration: configuration, logger: logger)
            embedded = nil
            logger.info("kafka.connecting", metadata: ["kafka.bootstrap": "\(configuration.bootstrapServers)"])
        } else {
            let opened = try openLog(data, logOptions, logger: logger)
            log = opened
            embedded = opened
        }
        let store: any UserStore
        do {
            if let configuration = cassandra?.configuration() {
                store = try await openCassandra(configuration, logger: logger)
            } else {
                store = try openStore(data, logger: logger)
            }
        } catch {
            try? await log.close()
            throw error
        }
        let result: T
        do {
            result = try await body(Engines(log: log, embedded: embedded, store: store))
        } catch {
            try? await store.close()
            try? await log.close()
            throw error
        }
        try await store.close()
        try await log.close()
        return result
    }

    /// Connects to a Cassandra cluster as the store.
    static func openCassandra(
        _ configuration: CassandraStoreConfiguration,
        logger: Logger
    ) async throws -> CassandraStore {
        logger.info(
            "cassandra.connecting",
            metadata: [
                "cql.contact_points": "\(configuration.client.contactPoints.map(\.description))",
                "cql.keyspace": "\(configuration.keyspace)",
            ]
        )
        return try await CassandraStore.open(configuration: configuration, logger: logger)
    }

    /// Runs services in one group, with graceful shutdown on SIGTERM and SIGINT.
    static func runServices(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Runs one piece of work as a service: SIGTERM/SIGINT trigger its graceful shutdown, and the group ends with it.
    static func runOneShot(logger: Logger, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await runServices(
            [.init(service: OneShotService(body: body), successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger
        )
    }
}
