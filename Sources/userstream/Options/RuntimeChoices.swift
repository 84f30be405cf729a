import ArgumentParser
import CQLEngine
import EmbeddedLog
import Pipeline
import SQLiteStore
import UserStreamRuntime

// What the options choose, as the runtime's configuration.

extension DataOptions {
    /// The embedded store in `--data-dir`. It always carries the CQL engine's file, which `run` and `store` serve and
    /// `query` reads.
    func storeConfiguration(readOnly: Bool = false) -> SQLiteStoreConfiguration {
        var configuration = SQLiteStoreConfiguration(directory: storeDirectory).attaching(CQLEngine.storeAttachment)
        configuration.readOnly = readOnly
        return configuration
    }

    /// The embedded store, or the Cassandra cluster of `--cassandra`.
    func store(_ cassandra: CassandraOptions, readOnly: Bool = false) -> StoreChoice {
        if let configuration = cassandra.configuration() { return .cassandra(configuration) }
        return .embedded(storeConfiguration(readOnly: readOnly))
    }

    /// The embedded log in `--data-dir`, as `options` configure it.
    func embeddedLog(_ options: LogOptions) throws -> EmbeddedLogConfiguration {
        var configuration = EmbeddedLogConfiguration(directory: logDirectory)
        configuration.defaultPartitions = options.partitions
        configuration.fsync = try options.fsyncPolicy()
        configuration.retentionMilliseconds = DurationText.parse(options.logRetention)?.milliseconds
        configuration.retentionBytes = options.logRetentionBytes > 0 ? Int64(options.logRetentionBytes) : nil
        configuration.maxBatchBytes = options.maxBatchBytes
        return configuration
    }

    /// The embedded log, or the Kafka cluster of `--kafka`.
    func log(_ options: LogOptions, kafka: KafkaClientOptions) throws -> LogChoice {
        if let configuration = kafka.configuration(partitions: options.partitions) { return .kafka(configuration) }
        return .embedded(try embeddedLog(options))
    }
}

extension LogOptions {
    func fsyncPolicy() throws -> FsyncPolicy {
        try Self.fsyncPolicy(parsing: logFsync)
    }

    /// `--log-fsync`, with an unreadable value reported as an argument error.
    static func fsyncPolicy(parsing logFsync: String) throws -> FsyncPolicy {
        do {
            return try FsyncPolicy(parsing: logFsync)
        } catch let error as RuntimeConfigurationError {
            throw ValidationError(error.message)
        }
    }
}

extension SourceOptions {
    /// `--source`, with an unreadable value reported as an argument error.
    var sourceSpec: SourceSpec {
        get throws {
            do {
                return try SourceSpec(parsing: source)
            } catch let error as RuntimeConfigurationError {
                throw ValidationError(error.message)
            }
        }
    }

    /// The source `--source`, `--api-url`, `--nat` and `--seed` choose.
    func sourceChoice() throws -> SourceChoice {
        SourceChoice(try sourceSpec, apiURL: apiURL, nat: nat, seed: seed)
    }
}
