import ArgumentParser
import CQLClient
import CQLWire
import CassandraStore

/// Selects a Cassandra cluster (through our CQL client) instead of the embedded store.
struct CassandraOptions: ParsableArguments {
    @Option(
        name: .customLong("cassandra"),
        help: """
            Use a Cassandra cluster instead of the embedded store: contact points host[:port][,host[:port]…] \
            (port 9042 by default). (env: USERSTREAM_CASSANDRA)
            """
    )
    var cassandraOption: String?

    @Option(help: "Cassandra username (PasswordAuthenticator). (env: USERSTREAM_CASSANDRA_USER)")
    var cassandraUser: String?

    @Option(help: "Cassandra password. (env: USERSTREAM_CASSANDRA_PASSWORD)")
    var cassandraPassword: String?

    @Option(help: "The Cassandra keyspace of the tables. (env: USERSTREAM_KEYSPACE)")
    var keyspace: String = Env.string("KEYSPACE", CassandraStoreConfiguration.defaultKeyspace)

    @Option(
        help: """
            Replication of the keyspace when it is created: a replication factor (SimpleStrategy) or dc:rf,… \
            (NetworkTopologyStrategy). (env: USERSTREAM_CASSANDRA_REPLICATION)
            """
    )
    var cassandraReplication: String = Env.string("CASSANDRA_REPLICATION", "1")

    @Option(
        help: """
            Consistency of the store's reads and writes: one, local_one, quorum, local_quorum, each_quorum, all. \
            (env: USERSTREAM_CASSANDRA_CONSISTENCY)
            """
    )
    var cassandraConsistency: String = Env.string("CASSANDRA_CONSISTENCY", "local_quorum")

    @Flag(name: .customLong("cassandra-tls"), help: "Connect to Cassandra with TLS. (env: USERSTREAM_CASSANDRA_TLS)")
    var tlsFlag: Bool = false

    @Option(
        help: "CA certificate file (PEM) for Cassandra's TLS; implies --cassandra-tls. (env: USERSTREAM_CASSANDRA_CA)"
    )
    var cassandraCa: String?

    @Option(
        help: "Client certificate (PEM) for Cassandra's TLS; implies --cassandra-tls. (env: USERSTREAM_CASSANDRA_CERT)"
    )
    var cassandraCert: String?

    @Option(help: "Client private key (PEM) for Cassandra's TLS. (env: USERSTREAM_CASSANDRA_KEY)")
    var cassandraKey: String?

    var cassandra: String? { cassandraOption ?? Env.optionalString("CASSANDRA") }
    var user: String? { cassandraUser ?? Env.optionalString("CASSANDRA_USER") }
    var password: String? { cassandraPassword ?? Env.optionalString("CASSANDRA_PASSWORD") }
    var ca: String? { cassandraCa ?? Env.optionalString("CASSANDRA_CA") }
    var certificate: String? { cassandraCert ?? Env.optionalString("CASSANDRA_CERT") }
    var key: String? { cassandraKey ?? Env.optionalString("CASSANDRA_KEY") }
    var tls: Bool { tlsFlag || Env.bool("CASSANDRA_TLS", false) || ca != nil || certificate != nil }

    static func consistency(_ name: String) -> CQLConsistency? {
        switch name.lowercased() {
        case "one": .one
        case "two": .two
        case "three": .three
        case "local_one": .localOne
        case "quorum": .quorum
        case "local_quorum": .localQuorum
        case "each_quorum": .eachQuorum
        case "all": .all
        default: nil
        }
    }

    func validate() throws {
        if let cassandra, CQLEndpoint.list(parsing: cassandra) == nil {
            throw ValidationError("--cassandra: '\(cassandra)' is not host[:port][,host[:port]…]")
        }
        if (user == nil) != (password == nil) {
            throw ValidationError("--cassandra-user and --cassandra-password go together")
        }
        guard CassandraStoreConfiguration.Replication(parsing: cassandraReplication) != nil else {
            throw ValidationError("--cassandra-replication must be a replication factor or dc:rf,…")
        }
        guard Self.consistency(cassandraConsistency) != nil else {
            throw ValidationError("--cassandra-consistency: '\(cassandraConsistency)' is not a consistency level")
        }
        guard !keyspace.isEmpty, keyspace.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }),
            !keyspace.first!.isNumber
        else {
            throw ValidationError("--keyspace must be letters, digits and underscores")
        }
        if certificate != nil, key == nil {
            throw ValidationError("--cassandra-cert needs --cassandra-key")
        }
    }

    /// The store configuration, or `nil` when `--cassandra` is not given (the embedded store is used).
    func configuration() -> CassandraStoreConfiguration? {
        guard let cassandra, let contactPoints = CQLEndpoint.list(parsing: cassandra) else { return nil }
        let consistency = Self.consistency(cassandraConsistency) ?? .localQuorum
        var client = CQLClientConfiguration(contactPoints: contactPoints, defaultConsistency: consistency)
        if let user, let password {
            client.credentials = CQLClientConfiguration.Credentials(username: user, password: password)
        }
        if tls {
            client.tls = CQLClientConfiguration.TLS(caFile: ca, certificateFile: certificate, privateKeyFile: key)
        }
        return CassandraStoreConfiguration(
            client: client,
            keyspace: keyspace,
            replication: CassandraStoreConfiguration.Replication(parsing: cassandraReplication)
                ?? .simple(replicationFactor: 1),
            writeConsistency: consistency,
            readConsistency: consistency
        )
    }
}
