import CQLEngine
import CassandraStore
import EmbeddedLog
import KafkaLog
import Logging
import SQLiteStore
import UserStreamCore

/// The log and store a process opened, with what each concretely is: the decisions that depend on it (the broker
/// serves only the embedded log, the CQL server only the embedded store, the HTTP server reads the embedded store or
/// a copy of the Cassandra keyspace) are made on these cases once.
struct Engines: Sendable {
    enum OpenedLog: Sendable {
        case embedded(EmbeddedLog)
        case kafka(KafkaLog)

        var log: any Log {
            switch self {
            case .embedded(let log): log
            case .kafka(let log): log
            }
        }
    }

    enum OpenedStore: Sendable {
        case embedded(SQLiteStore)
        case cassandra(CassandraStore)

        var store: any UserStore {
            switch self {
            case .embedded(let store): store
            case .cassandra(let store): store
            }
        }
    }

    var log: OpenedLog?
    var store: OpenedStore?

    /// The embedded log when it is the log in use (for the broker and retention), else `nil`.
    var embeddedLog: EmbeddedLog? {
        if case .embedded(let log) = log { return log }
        return nil
    }

    /// The embedded store when it is the store in use (for the CQL server), else `nil`.
    var embeddedStore: SQLiteStore? {
        if case .embedded(let store) = store { return store }
        return nil
    }

    /// Opens the log, then the store; closes the log again when the store cannot be opened.
    static func open(log: LogChoice?, store: StoreChoice?, logger: Logger) async throws -> Engines {
        let openedLog = try log.map { try openLog($0, logger: logger) }
        do {
            var openedStore: OpenedStore? = nil
            if let store { openedStore = try await openStore(store, logger: logger) }
            return Engines(log: openedLog, store: openedStore)
        } catch {
            try? await openedLog?.log.close()
            throw error
        }
    }

    /// Closes the store, then the log; the first error is thrown after both were closed.
    func close() async throws {
        var failure: (any Error)? = nil
        do { try await store?.store.close() } catch { failure = error }
        do { try await log?.log.close() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }

    private static func openLog(_ choice: LogChoice, logger: Logger) throws -> OpenedLog {
        switch choice {
        case .embedded(let configuration):
            return .embedded(try EmbeddedLog.open(configuration: configuration, logger: logger))
        case .kafka(let configuration):
            logger.info("kafka.connecting", metadata: ["kafka.bootstrap": "\(configuration.bootstrapServers)"])
            return .kafka(try KafkaLog(configuration: configuration, logger: logger))
        }
    }

    private static func openStore(_ choice: StoreChoice, logger: Logger) async throws -> OpenedStore {
        switch choice {
        case .embedded(let configuration):
            // The CQL engine's file goes with every embedded store, served or not, so that a later `store` or `query`
            // on the same directory finds the keyspaces CQL clients created.
            let configuration = configuration.attaching(CQLEngine.storeAttachment)
            return .embedded(try SQLiteStore(configuration: configuration, logger: logger))
        case .cassandra(let configuration):
            logger.info(
                "cassandra.connecting",
                metadata: [
                    "cql.contact_points": "\(configuration.client.contactPoints.map(\.description))",
                    "cql.keyspace": "\(configuration.keyspace)",
                ]
            )
            return .cassandra(try await CassandraStore.open(configuration: configuration, logger: logger))
        }
    }
}
