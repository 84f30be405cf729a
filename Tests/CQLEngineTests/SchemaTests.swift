import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL engine: schema")
struct SchemaTests {
    @Test("DDL round trip: schema changes, system_schema rows, survives a restart, schema version moves")
    func roundTrip() async throws {
        try await withEngineHarness { h in
            let initialVersion = h.engine.schemaVersion
            let hostID = h.engine.hostID
            let created = try await h.run(
                "CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3} AND durable_writes = false"
            )
            #expect(
                created == .schemaChange(CQLSchemaChange(changeType: .created, target: .keyspace, keyspace: "shop"))
            )
            #expect(h.engine.schemaVersion != initialVersion)
            let table = try await h.run(
                """
                CREATE TABLE shop.orders (customer text, placed timestamp, id uuid, total decimal, items list<text>,
                    PRIMARY KEY ((customer), placed, id)) WITH CLUSTERING ORDER BY (placed DESC, id ASC) AND comment = 'orders'
                """
            )
            #expect(
                table
                    == .schemaChange(
                        CQLSchemaChange(changeType: .created, target: .table, keyspace: "shop", name: "orders")
                    )
            )
            let keyspaces = try await h.rows(
                "SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = 'shop'"
            )
            #expect(
                keyspaces == [
                    [
                        .text("shop"), .boolean(false),
                        .map([
                            (.text("class"), .text("org.apache.cassandra.locator.NetworkTopologyStrategy")),
                            (.text("datacenter1"), .text("3")),
                        ]),
                    ]
                ]
            )
            let columns = try await h.rows(
                "SELECT column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = 'shop' AND table_name = 'orders'"
            )
            #expect(
                columns == [
                    [.text("customer"), .text("partition_key"), .int(0), .text("none"), .text("text")],
                    [.text("id"), .text("clustering"), .int(1), .text("asc"), .text("uuid")],
                    [.text("items"), .text("regular"), .int(-1), .text("none"), .text("list<text>")],
                    [.text("placed"), .text("clustering"), .int(0), .text("desc"), .text("timestamp")],
                    [.text("total"), .text("regular"), .int(-1), .text("none"), .text("decimal")],
                ]
            )
            try await h.run(
                "INSERT INTO shop.orders (customer, placed, id, total, items) VALUES ('ann', '2024-05-01 10:00:00+0000', 123e4567-e89b-12d3-a456-426614174000, 12.50, ['a', 'b'])"
            )
            let version = h.engine.schemaVersion

            try await h.restart()
            #expect(h.engine.schemaVersion == version)
            #expect(h.engine.hostID == hostID)
            let rows = try await h.rows("SELECT customer, placed, total, items FROM shop.orders WHERE customer = 'ann'")
            #expect(
                rows == [
                    [
                        .text("ann"), .timestamp(1_714_557_600_000), .decimal(scale: 2, unscaled: [0x04, 0xE2]),
                        .list([.text("a"), .text("b")]),
                    ]
                ]
            )
            let comment = try await h.rows(
                "SELECT comment FROM system_schema.tables WHERE keyspace_name = 'shop' AND table_name = 'orders'"
            )
            #expect(comment == [[.text("orders")]])

            #expect(
                try await h.run("DROP TABLE shop.orders")
                    == .schemaChange(
                        CQLSchemaChange(changeType: .dropped, target: .table, keyspace: "shop", name: "orders")
                    )
            )
            #expect(await h.error("SELECT * FROM shop.orders")?.message == "unconfigured table orders")
            #expect(
                try await h.run("DROP KEYSPACE shop")
                    == .schemaChange(CQLSchemaChange(changeType: .dropped, target: .keyspace, keyspace: "shop"))
            )
            #expect(h.engine.schemaVersion == initialVersion)
            try await h.restart()
            #expect(await h.error("USE shop")?.message == "Keyspace 'shop' does not exist")
        }
    }

    @Test("tables of the store's keyspace live in spark_streams.sqlite, others in the CQL file")
    func storage() async throws {
        try await withEngineHarness { h in
            try await h.run("CREATE TABLE spark_streams.notes (k int PRIMARY KEY, v text)")
            try await h.run(
                "CREATE KEYSPACE other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await h.run("CREATE TABLE other.notes (k int PRIMARY KEY, v text)")
            try await h.run("INSERT INTO spark_streams.notes (k, v) VALUES (1, 'native keyspace')")
            try await h.run("INSERT INTO other.notes (k, v) VALUES (1, 'other keyspace')")
            let inStore = try await h.store.query("SELECT v FROM spark_streams.notes", limit: 5)
            #expect(inStore.rows == [["native keyspace"]])
            let inCQLFile = try await h.store.query("SELECT v FROM cqlks.\"other.notes\"", limit: 5)
            #expect(inCQLFile.rows == [["other keyspace"]])
        }
    }

    @Test("IF NOT EXISTS, already exists, drop of missing things, invalid definitions")
    func errors() async throws {
        try await withEngineHarness { h in
            try await h.run(
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}"
            )
            #expect(
                try await h.run(
                    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}"
                ) == .void
            )
            let exists = await h.error(
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}"
            )
            #expect(exists?.code == .alreadyExists)
            #expect(exists?.alreadyExists?.keyspace == "ks")
            #expect(exists?.alreadyExists?.table == "")
            try await h.run("USE ks")
            try await h.run("CREATE TABLE t (k int PRIMARY KEY)")
            #expect(try await h.run("CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)") == .void)
            let tableExists = await h.error("CREATE TABLE ks.t (k int PRIMARY KEY)")
            #expect(tableExists?.code == .alreadyExists)
            #expect(tableExists?.alreadyExists?.table == "t")
            #expect(tableExists?.message == "Cannot add already existing table \"t\" to keyspace \"ks\"")

            let cases: [(String, CQLErrorCode, String)] = [
                ("DROP KEYSPACE nope", .configError, "Cannot drop non existing keyspace 'nope'."),
                ("DROP TABLE ks.nope", .configError, "Cannot drop non existing table 'nope' in keyspace 'ks'."),
                (
                    "CREATE KEYSPACE x WITH replication = {'class': 'FooStrategy'}", .configError,
                    "Unable to find replication strategy class 'org.apache.cassandra.locator.FooStrategy'"
                ),
                (
                    "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy'}", .configError,
                    "SimpleStrategy requires a replication_factor strategy option."
                ),
                (
                    "CREATE KEYSPACE x WITH durable_writes = true", .configError,
                    "Missing mandatory option 'replication'"
                ),
                (
                    "CREATE KEYSPACE x WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND foo = 1",
                    .syntaxError, "Unknown property 'foo'"
                ),
                ("CREATE TABLE nope.t (k int PRIMARY KEY)", .invalid, "Keyspace 'nope' does not exist"),
                (
                    "CREATE TABLE t2 (k int, v int, PRIMARY KEY (x))", .invalid,
                    "Unknown definition x referenced in PRIMARY KEY"
                ),
                ("CREATE TABLE t2 (k int PRIMARY KEY, k text)", .invalid, "Multiple definition of identifier k"),
                (
                    "CREATE TABLE t2 (k list<int> PRIMARY KEY)", .invalid,
                    "Invalid non-frozen collection type for PRIMARY KEY component k"
                ),
                (
                    "CREATE TABLE t2 (k int PRIMARY KEY, c counter, v int)", .invalid,
                    "Cannot mix counter and non counter columns in the same table"
                ),
                (
                    "CREATE TABLE t2 (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (k DESC)", .invalid,
                    "Only clustering key columns can be defined in CLUSTERING ORDER directive: k is not a clustering column"
                ),
                ("CREATE TABLE t2 (k int PRIMARY KEY) WITH bogus = 1", .syntaxError, "Unknown property 'bogus'"),
                (
                    "CREATE TABLE system.t2 (k int PRIMARY KEY)", .unauthorized,
                    "system keyspace is not user-modifiable."
                ),
                ("DROP KEYSPACE system_schema", .unauthorized, "system_schema keyspace is not user-modifiable."),
                (
                    "DROP KEYSPACE spark_streams", .invalid,
                    "Keyspace spark_streams holds the pipeline's tables and cannot be dropped"
                ),
                (
                    "DROP TABLE spark_streams.created_users", .invalid,
                    "Table spark_streams.created_users is the pipeline's table and cannot be dropped"
                ),
                (
                    "CREATE TABLE \"bad-name\" (k int PRIMARY KEY)", .invalid,
                    "Table name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got \"bad-name\")"
                ),
            ]
            for (query, code, message) in cases {
                let error = await h.error(query)
                #expect(error?.code == code, "\(query): \(String(describing: error))")
                #expect(error?.message == message, "\(query)")
            }
            #expect(try await h.run("DROP KEYSPACE IF EXISTS nope") == .void)
            #expect(try await h.run("DROP TABLE IF EXISTS ks.nope") == .void)
            try await withEngineHarness { noKeyspace in
                #expect(
                    await noKeyspace.error("CREATE TABLE t (k int PRIMARY KEY)")?.message
                        == "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
                )
            }
        }
    }

    @Test("the pipeline's tables: compatible CREATE TABLE IF NOT EXISTS is a no-op, an incompatible one fails")
    func nativeTables() async throws {
        try await withEngineHarness { h async throws in
            #expect(
                try await h.run(
                    "CREATE KEYSPACE IF NOT EXISTS spark_streams WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};"
                ) == .void
            )
            // The seeds' statement.
            let seeds = """
                CREATE TABLE IF NOT EXISTS spark_streams.created_users (
                    id UUID PRIMARY KEY,
                    first_name TEXT,
                    last_name TEXT,
                    gender TEXT,
                    address TEXT,
                    post_code TEXT,
                    email TEXT,
                    username TEXT,
                    dob TEXT,
                    registered_date TEXT,
                    phone TEXT,
                    picture TEXT);
                """
            #expect(try await h.run(seeds) == .void)
            #expect(
                try await h.run(
                    "CREATE TABLE IF NOT EXISTS spark_streams.user_counts (minute bigint, dimension text, value text, count bigint, PRIMARY KEY ((minute), dimension, value))"
                ) == .void
            )
            let wrongType = await h.error(
                "CREATE TABLE IF NOT EXISTS spark_streams.created_users (id uuid PRIMARY KEY, age text)"
            )
            #expect(wrongType?.code == .invalid)
            #expect(
                wrongType?.message
                    == "Table spark_streams.created_users is the pipeline's table and already exists with a different definition: column age is int, not text"
            )
            let wrongKey = await h.error(
                "CREATE TABLE IF NOT EXISTS spark_streams.created_users (id uuid, email text, PRIMARY KEY (email))"
            )
            #expect(
                wrongKey?.message
                    == "Table spark_streams.created_users is the pipeline's table and already exists with a different definition: its PRIMARY KEY is ((id))"
            )
            let unknownColumn = await h.error(
                "CREATE TABLE IF NOT EXISTS spark_streams.created_users (id uuid PRIMARY KEY, shoe_size int)"
            )
            #expect(
                unknownColumn?.message
                    == "Table spark_streams.created_users is the pipeline's table and already exists with a different definition: it has no column shoe_size"
            )
            #expect(
                await h.error("CREATE TABLE spark_streams.created_users (id uuid PRIMARY KEY)")?.code == .alreadyExists
            )
        }
    }
}
