import CQLClient
import CassandraStore
import Foundation
import Logging
import Testing
import UserStreamTestSupport

/// The contact point of the Cassandra (or CQL server) the contract runs against: `USERSTREAM_TEST_CASSANDRA`
/// (`host[:port]`); `nil` skips the suite. The checks drop and recreate the `spark_streams` keyspace there.
func cqlTestContactPoint() -> CQLEndpoint? {
    guard let text = ProcessInfo.processInfo.environment["USERSTREAM_TEST_CASSANDRA"], !text.isEmpty else {
        return nil
    }
    return CQLEndpoint(parsing: text)
}

let quietLogger: Logger = {
    var logger = Logger(label: "userstream.store.cassandra.tests")
    logger.logLevel = .warning
    return logger
}()

@Suite(
    "CassandraStore passes the UserStore contract",
    .serialized,
    .enabled(if: cqlTestContactPoint() != nil, "set USERSTREAM_TEST_CASSANDRA=host[:port] to run")
)
struct CassandraStoreContractTests {
    static func configuration(_ contactPoint: CQLEndpoint) -> CassandraStoreConfiguration {
        CassandraStoreConfiguration(
            client: CQLClientConfiguration(contactPoints: [contactPoint], requestTimeout: .seconds(30)),
            // The checks' queries name spark_streams.
            keyspace: "spark_streams"
        )
    }

    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        let contactPoint = try #require(cqlTestContactPoint())
        // Fresh, empty storage for each check.
        let client = try CQLClient(configuration: CQLClientConfiguration(contactPoints: [contactPoint]))
        try await client.query("DROP KEYSPACE IF EXISTS spark_streams", idempotent: true)
        try await client.close()
        let configuration = Self.configuration(contactPoint)
        try await check.run {
            try await CassandraStore.open(configuration: configuration, logger: quietLogger)
        }
    }
}
