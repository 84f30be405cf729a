import CQLClient
import CassandraStore
import Foundation
import Logging
import Testing
import UserStreamTestSupport

let quietLogger: Logger = {
    var logger = Logger(label: "userstream.store.cassandra.tests")
    logger.logLevel = .warning
    return logger
}()

/// The contract against our own CQL server (`userstream store`, in process) over loopback, a fresh store per check.
@Suite("CassandraStore passes the UserStore contract on our CQL server", .serialized)
struct CassandraStoreContractTests {
    static func configuration(_ contactPoint: CQLEndpoint) -> CassandraStoreConfiguration {
        CassandraStoreConfiguration(
            client: CQLClientConfiguration(
                contactPoints: [contactPoint],
                requestTimeout: .seconds(30),
                connectTimeout: .seconds(30)
            ),
            // The checks' queries name spark_streams.
            keyspace: "spark_streams"
        )
    }

    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        let server = try await TestCQLServer()
        defer { Task { await server.stop() } }
        let contactPoint = try #require(CQLEndpoint(parsing: server.contactPoint))
        let configuration = Self.configuration(contactPoint)
        try await check.run {
            try await CassandraStore.open(configuration: configuration, logger: quietLogger)
        }
    }
}
