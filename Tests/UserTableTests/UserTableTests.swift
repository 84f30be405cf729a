import CQLEngine
import CQLWire
import Foundation
import GRDB
import Logging
import SQLiteStore
import Testing
import TrinoFrontEnd
import UserStreamCore

@testable import CassandraSnapshot
@testable import CassandraStore

/// `UserTable` is the one definition of `created_users`: every engine's table and every column list follows it.
@Suite struct UserTableTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func recordColumnsFollowTheTable() throws {
        #expect(UserRecord.columnNames == UserTable.columnNames)
        #expect(UserRecord.seedColumnNames.count == 12)
        // The JSON codec writes every column of a full record.
        let record = UserRecord(
            id: "5d9c3b0a-2f1e-4c7d-9a8b-1e2f3a4b5c6d",
            firstName: "a",
            lastName: "b",
            gender: "female",
            address: "1 x, y, z, w",
            postCode: "1",
            email: "e",
            username: "u",
            dob: "d",
            registeredDate: "r",
            phone: "p",
            picture: "q",
            nat: "FR",
            country: "France",
            city: "c",
            state: "s",
            age: 30,
            latitude: 1,
            longitude: 2,
            cell: "m",
            ingestedAt: "2026-12-04T10:00:00.000Z"
        )
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(record.jsonBytes())) as? [String: Any]
        )
        #expect(Set(object.keys) == Set(UserTable.columnNames))
    }

    @Test func embeddedStoreTableFollowsTheTable() async throws {
        try await withEngine { store, _ in
            let columns = try await store.query(
                "SELECT name, type, \"notnull\" FROM pragma_table_info('created_users', 'spark_streams')",
                limit: 100
            )
            let expected = UserTable.columns.map { column -> [String] in
                [column.name, column.sqlType, column.notNullInStore ? "1" : "0"]
            }
            #expect(columns.rows.map { $0.map { $0 ?? "" } } == expected)
        }
    }

    @Test func cqlCatalogAndCassandraSchemaFollowTheTable() async throws {
        try await withEngine { _, engine in
            var session = CQLSession()
            // The Cassandra store's CREATE TABLE, run by our CQL engine in a keyspace of its own.
            _ = try await engine.execute(
                "CREATE KEYSPACE cassandra_like WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                session: &session
            )
            _ = try await engine.execute(CassandraSchema.createdUsers("cassandra_like"), session: &session)
            for keyspace in ["spark_streams", "cassandra_like"] {
                let result = try await engine.execute(
                    """
                    SELECT column_name, type, kind FROM system_schema.columns \
                    WHERE keyspace_name = '\(keyspace)' AND table_name = 'created_users'
                    """,
                    session: &session
                )
                guard case .rows(_, let rows, _) = result else {
                    Issue.record("system_schema.columns answered \(result)")
                    return
                }
                let columns = Dictionary(
                    uniqueKeysWithValues: rows.map { row in
                        (text(row[0]), [text(row[1]), text(row[2])])
                    }
                )
                let expected = Dictionary(
                    uniqueKeysWithValues: UserTable.columns.map { column in
                        (column.name, [column.cqlType, column.role == .key ? "partition_key" : "regular"])
                    }
                )
                #expect(columns == expected, "keyspace \(keyspace)")
            }
        }
    }

    @Test func snapshotAndTrinoFollowTheTable() {
        #expect(SnapshotTable.users.columns.map(\.name) == UserTable.columnNames)
        for (copied, column) in zip(SnapshotTable.users.columns, UserTable.columns) {
            #expect((copied.whenNull != nil) == (column.notNullInStore && column.role != .key), "\(column.name)")
        }
        let trino = TrinoCatalog().tables.first { $0.name == UserTable.name }
        #expect(trino?.columns.map(\.name) == UserTable.columnNames)
    }

    private func text(_ value: CQLValue) -> String {
        if case .text(let text) = value { return text }
        return "\(value)"
    }

    private func withEngine(_ body: (SQLiteStore, CQLEngine) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usertable-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path).attaching(CQLEngine.storeAttachment),
            logger: Self.logger
        )
        do {
            let engine = try CQLEngine(store: store, logger: Self.logger)
            try await body(store, engine)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }
}
