import CQLClient
import CQLServerTestSupport
import CassandraStore
import Foundation
import Logging
import Testing
import UserStreamContracts

let quietLogger: Logger = {
    var logger = Logger(label: "userstream.store.cassandra.tests")
    logger.logLevel = .warning
    return logger
}()

/// The contract against a CQL node over loopback, a fresh store per check: our own CQL server (`userstream store`, in
/// process), or, when `USERSTREAM_CASSANDRA` names one (`host:port`, as `make test-engines` sets it), a real Cassandra
/// node, with `USERSTREAM_CASSANDRA_USER` and `USERSTREAM_CASSANDRA_PASSWORD` when it wants credentials. On a real node
/// each check starts by dropping the `spark_streams` keyspace, so that its storage is fresh as well.
@Suite("CassandraStore passes the UserStore contract on a CQL node", .serialized)
struct CassandraStoreContractTests {
    static func configuration(
        _ contactPoint: CQLEndpoint,
        credentials: CQLClientConfiguration.Credentials? = nil
    ) -> CassandraStoreConfiguration {
        CassandraStoreConfiguration(
            client: CQLClientConfiguration(
                contactPoints: [contactPoint],
                credentials: credentials,
                requestTimeout: .seconds(30),
                connectTimeout: .seconds(30)
            ),
            // The checks' queries name spark_streams.
            keyspace: "spark_streams"
        )
    }

    @Test(arguments: StoreContract.checks(.cql))
    func contract(_ check: StoreContractCheck) async throws {
        if let node = try ExternalCassandra.fromEnvironment() {
            let configuration = Self.configuration(node.endpoint, credentials: node.credentials)
            try await node.dropKeyspace("spark_streams")
            try await check.run {
                try await CassandraStore.open(configuration: configuration, logger: quietLogger)
            }
            return
        }
        try await withTestCQLServer { server in
            let contactPoint = try #require(CQLEndpoint(parsing: server.contactPoint))
            let configuration = Self.configuration(contactPoint)
            try await check.run {
                try await CassandraStore.open(configuration: configuration, logger: quietLogger)
            }
        }
    }
}

/// A real Cassandra node named by the environment (`make test-engines` starts one).
struct ExternalCassandra {
    let endpoint: CQLEndpoint
    let credentials: CQLClientConfiguration.Credentials?

    /// `USERSTREAM_CASSANDRA` (`host:port`), with `USERSTREAM_CASSANDRA_USER`/`_PASSWORD`; `nil` when unset.
    static func fromEnvironment() throws -> ExternalCassandra? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["USERSTREAM_CASSANDRA"], !text.isEmpty else { return nil }
        let endpoint = try #require(CQLEndpoint(parsing: text), "USERSTREAM_CASSANDRA=\(text) is not host:port")
        var credentials: CQLClientConfiguration.Credentials?
        if let user = environment["USERSTREAM_CASSANDRA_USER"], !user.isEmpty {
            credentials = .init(username: user, password: environment["USERSTREAM_CASSANDRA_PASSWORD"] ?? "")
        }
        return ExternalCassandra(endpoint: endpoint, credentials: credentials)
    }

    /// Drops `keyspace` and everything in it (nothing when it does not exist).
    func dropKeyspace(_ keyspace: String) async throws {
        let client = try CQLClient(
            configuration: CQLClientConfiguration(
                contactPoints: [endpoint],
                credentials: credentials,
                requestTimeout: .seconds(60),
                connectTimeout: .seconds(30)
            ),
            logger: quietLogger
        )
        do {
            try await client.query("DROP KEYSPACE IF EXISTS \(keyspace)")
        } catch {
            try? await client.close()
            throw error
        }
        try await client.close()
    }
}
