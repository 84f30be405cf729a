import CQLClient
import CQLWire
import Foundation

/// How `CassandraStore` connects, where it keeps its tables and how it writes.
public struct CassandraStoreConfiguration: Sendable {
    /// The keyspace's replication, as `CREATE KEYSPACE IF NOT EXISTS` sets it (an existing keyspace is left as it is).
    public enum Replication: Sendable, Hashable {
        /// `SimpleStrategy` with this replication factor (one data center).
        case simple(replicationFactor: Int)
        /// `NetworkTopologyStrategy` with a replication factor per data center.
        case networkTopology([String: Int])

        /// The CQL map literal.
        public var cql: String {
            switch self {
            case .simple(let factor):
                return "{'class': 'SimpleStrategy', 'replication_factor': \(factor)}"
            case .networkTopology(let factors):
                let entries = factors.sorted { $0.key < $1.key }.map {
                    "'\($0.key.replacingOccurrences(of: "'", with: "''"))': \($0.value)"
                }
                return "{'class': 'NetworkTopologyStrategy'\(entries.map { ", " + $0 }.joined())}"
            }
        }

        /// Parses `simple:N` / `N`, or `dc1:3,dc2:2` (NetworkTopologyStrategy).
        public init?(parsing text: String) {
            if let factor = Int(text), factor > 0 {
                self = .simple(replicationFactor: factor)
                return
            }
            if text.hasPrefix("simple:"), let factor = Int(text.dropFirst(7)), factor > 0 {
                self = .simple(replicationFactor: factor)
                return
            }
            var factors: [String: Int] = [:]
            for entry in text.split(separator: ",") {
                let parts = entry.split(separator: ":")
                guard parts.count == 2, !parts[0].isEmpty, let factor = Int(parts[1]), factor > 0 else { return nil }
                factors[String(parts[0])] = factor
            }
            guard !factors.isEmpty else { return nil }
            self = .networkTopology(factors)
        }
    }

    /// The cluster: contact points, credentials, TLS, timeouts, retries.
    public var client: CQLClientConfiguration
    /// The keyspace the tables live in. Default `spark_streams`.
    public var keyspace: String
    /// Replication of a keyspace the store creates. Default `SimpleStrategy` with a replication factor of 1 (what the
    /// classic pipeline uses; set a `networkTopology` map for a real cluster).
    public var replication: Replication
    /// Consistency of every write. Default `LOCAL_QUORUM`: with reads at the same level, a read sees every write
    /// that completed before it, which the aggregate refresh relies on (see `CassandraStore`).
    public var writeConsistency: CQLConsistency
    /// Consistency of reads. Default `LOCAL_QUORUM`.
    public var readConsistency: CQLConsistency
    /// Statements of one commit in flight at once (row reads and upserts). Default 64.
    public var concurrency: Int
    /// Create the keyspace and tables when missing. Default `true`.
    public var createSchema: Bool

    public static let defaultKeyspace = "spark_streams"

    public init(
        client: CQLClientConfiguration,
        keyspace: String = CassandraStoreConfiguration.defaultKeyspace,
        replication: Replication = .simple(replicationFactor: 1),
        writeConsistency: CQLConsistency = .localQuorum,
        readConsistency: CQLConsistency = .localQuorum,
        concurrency: Int = 64,
        createSchema: Bool = true
    ) {
        self.client = client
        self.keyspace = keyspace
        self.replication = replication
        self.writeConsistency = writeConsistency
        self.readConsistency = readConsistency
        self.concurrency = concurrency
        self.createSchema = createSchema
    }
}
