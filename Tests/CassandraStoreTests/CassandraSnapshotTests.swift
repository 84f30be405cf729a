import CQLClient
import CQLServerTestSupport
import CassandraSnapshot
import CassandraStore
import Foundation
import SQLiteStore
import Testing
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

/// The snapshot the dashboard and Trino read under `--cassandra`: a `CassandraStore` on our CQL server, copied into
/// an embedded store; the copy must answer as the source does.
@Suite("CassandraSnapshot copies the keyspace's pipeline tables", .serialized)
struct CassandraSnapshotTests {
    static let run = JobRun(
        runID: "manual__2024-05-01T12:00:00+00:00",
        trigger: "manual",
        source: "synthetic",
        startedAt: Date(timeIntervalSince1970: 1_714_564_800),
        endedAt: Date(timeIntervalSince1970: 1_714_564_860),
        state: .success,
        requests: 3,
        usersFetched: 300,
        produced: 300,
        deadLettered: 1,
        errors: ["timeout": 2]
    )

    func withSource(
        _ body: (CassandraStore, TemporaryDirectory) async throws -> Void
    ) async throws {
        try await withTestCQLServer { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let contactPoint = try #require(CQLEndpoint(parsing: server.contactPoint))
            let source = try await CassandraStore.open(
                configuration: CassandraStoreContractTests.configuration(contactPoint),
                logger: quietLogger
            )
            do {
                try await body(source, directory)
            } catch {
                try? await source.close()
                throw error
            }
            try await source.close()
        }
    }

    func configuration(_ directory: TemporaryDirectory) -> CassandraSnapshotConfiguration {
        var configuration = CassandraSnapshotConfiguration()
        configuration.parentDirectory = directory.path
        configuration.pageSize = 64  // several pages per table
        return configuration
    }

    @Test("every table arrives, in ingestion order, and answers as the source does")
    func copiesTables() async throws {
        try await withSource { source, directory in
            _ = try await source.commit(StoreFixtures.batch(0..<150, deadLetteredByRun: [Self.run.runID: 1]))
            _ = try await source.commit(StoreFixtures.batch(150..<300, nextOffsets: [0: 300, 1: 7]))
            try await source.saveRun(Self.run)

            let snapshot = try await CassandraSnapshot.open(
                source: source,
                configuration: configuration(directory),
                logger: quietLogger
            )
            #expect(snapshot.status().refreshes == 0)
            #expect(try await snapshot.store.userCount() == 0)
            try await snapshot.refresh()
            let status = snapshot.status()
            #expect(status.lastError == nil)
            #expect(status.refreshes == 1)
            #expect(status.rows["created_users"] == 300)
            #expect(status.rows["job_runs"] == 1)

            let copy = snapshot.store
            #expect(try await copy.userCount() == 300)
            for dimension in [AggregateDimension.gender, .nat, .ageBucket] {
                #expect(try await copy.aggregateTotals(dimension) == (try await source.aggregateTotals(dimension)))
            }
            #expect(
                try await copy.committedOffsets(group: "userstream", topic: "users_created")
                    == (try await source.committedOffsets(group: "userstream", topic: "users_created"))
            )
            let runs = try await copy.runs(limit: 5)
            #expect(runs.count == 1)
            #expect(runs.first?.run == Self.run)
            #expect(runs.first?.processed == RunProcessingStats(stored: 300, duplicates: 0, deadLettered: 1))
            #expect(try await copy.user(id: StoreFixtures.id(42)) == (try await source.user(id: StoreFixtures.id(42))))

            // rowid order is ingestion order, as in the embedded store ("newest users").
            let newest = try await copy.query(
                "SELECT id, ingested_at FROM spark_streams.created_users ORDER BY rowid DESC",
                limit: 1000
            ).rows
            let times = newest.map { $0[1] ?? "" }
            #expect(times == times.sorted(by: >))

            // Nothing committed since: the small tables are read again, created_users is not.
            try await snapshot.refresh()
            #expect(snapshot.status().refreshes == 2)
            #expect(snapshot.status().usersCopies == 1)
            #expect(snapshot.status().rows["created_users"] == 300)
            #expect(try await copy.userCount() == 300)

            // A commit changes the pipeline's tables: the next refresh copies the users too.
            _ = try await source.commit(StoreFixtures.batch(300..<320, nextOffsets: [0: 320, 1: 7]))
            try await snapshot.refresh()
            #expect(try await copy.userCount() == 320)
            #expect(snapshot.status().refreshes == 3)
            #expect(snapshot.status().usersCopies == 2)
            #expect(
                try await copy.query("SELECT count(*) FROM spark_streams.created_users", limit: 1).rows == [["320"]]
            )
            let children = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(children.count == 1)
            try await snapshot.close()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    @Test("an unchanged pipeline is not rescanned until the users' copy is due")
    func recopyInterval() async throws {
        try await withSource { source, directory in
            _ = try await source.commit(StoreFixtures.batch(0..<10))
            var configuration = configuration(directory)
            configuration.usersRecopyInterval = .zero
            let snapshot = try await CassandraSnapshot.open(
                source: source,
                configuration: configuration,
                logger: quietLogger
            )
            try await snapshot.refresh()
            try await snapshot.refresh()
            #expect(snapshot.status().refreshes == 2)
            #expect(snapshot.status().usersCopies == 2)
            #expect(try await snapshot.store.userCount() == 10)
            try await snapshot.close()
        }
    }

    @Test("a table over the row limit fails the refresh with a clear error and keeps the previous snapshot")
    func rowLimit() async throws {
        try await withSource { source, directory in
            _ = try await source.commit(StoreFixtures.batch(0..<50))
            var configuration = configuration(directory)
            configuration.maxRowsPerTable = 60
            let snapshot = try await CassandraSnapshot.open(
                source: source,
                configuration: configuration,
                logger: quietLogger
            )
            try await snapshot.refresh()
            #expect(try await snapshot.store.userCount() == 50)
            _ = try await source.commit(StoreFixtures.batch(50..<100, nextOffsets: [0: 100]))
            let error = await #expect(throws: CassandraSnapshotError.self) { try await snapshot.refresh() }
            #expect(error?.code == .tooManyRows)
            #expect(
                error?.message.contains("has more than 60 rows; raise the snapshot's row limit") == true,
                "\(String(describing: error))"
            )
            #expect(try await snapshot.store.userCount() == 50)
            try await snapshot.close()
        }
    }
}
