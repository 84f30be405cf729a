import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL engine: system tables and DESCRIBE")
struct SystemTableTests {
    /// Every query docs/protocols/cql-driver-connect.md lists (python driver 3.29 and cqlsh), verbatim.
    static let connectQueries = [
        "SELECT * FROM system.peers",
        "SELECT host_id, peer, data_center, rack, rpc_address, rpc_address, release_version, schema_version FROM system.peers",
        "SELECT host_id, peer, data_center, rack, rpc_address, native_transport_address, release_version, schema_version FROM system.peers",
        "SELECT * FROM system.local WHERE key='local'",
        "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, schema_version FROM system.local WHERE key='local'",
        "SELECT rpc_address FROM system.local WHERE key='local'",
        "SELECT peer, host_id, rpc_address, schema_version FROM system.peers",
        "SELECT schema_version FROM system.local WHERE key='local'",
        "SELECT * FROM system.peers_v2",
        "SELECT host_id, peer, peer_port, data_center, rack, native_address, native_port, release_version, schema_version FROM system.peers_v2",
        "SELECT host_id, peer, peer_port, native_address, native_port, schema_version FROM system.peers_v2",
        "SELECT * FROM system_schema.keyspaces",
        "SELECT * FROM system_schema.tables",
        "SELECT * FROM system_schema.columns",
        "SELECT * FROM system_schema.indexes",
        "SELECT * FROM system_schema.triggers",
        "SELECT * FROM system_schema.types",
        "SELECT * FROM system_schema.functions",
        "SELECT * FROM system_schema.aggregates",
        "SELECT * FROM system_schema.views",
        "SELECT * from system_virtual_schema.keyspaces",
        "SELECT * from system_virtual_schema.tables",
        "SELECT * from system_virtual_schema.columns",
        "SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'spark_streams'",
        "SELECT * FROM system_schema.tables WHERE keyspace_name = 'spark_streams' AND table_name = 'created_users'",
        "SELECT * FROM system_schema.columns WHERE keyspace_name = 'spark_streams' AND table_name = 'created_users'",
        "SELECT * FROM system_schema.indexes WHERE keyspace_name = 'spark_streams' AND table_name = 'created_users'",
        "SELECT * FROM system_schema.triggers WHERE keyspace_name = 'spark_streams' AND table_name = 'created_users'",
        "SELECT * FROM system_schema.views WHERE keyspace_name = 'spark_streams' AND view_name = 'created_users'",
        "SELECT * FROM system_schema.types WHERE keyspace_name = 'spark_streams' AND type_name = 't'",
        "SELECT * FROM system_schema.functions WHERE keyspace_name = 'spark_streams' AND function_name = 'f' AND argument_types = ['int']",
        "SELECT * FROM system_schema.aggregates WHERE keyspace_name = 'spark_streams' AND aggregate_name = 'a' AND argument_types = ['int', 'text']",
        "select * from system.local where key = 'local'",
    ]

    @Test("every connect query of the python driver and cqlsh answers with rows", arguments: connectQueries)
    func connectQuery(_ query: String) async throws {
        try await withEngineHarness { h in
            if query.contains("native_transport_address") {
                // DSE only: a Cassandra node refuses it the same way.
                #expect(
                    await h.error(query)?.message
                        == "Undefined column name native_transport_address in table system.peers"
                )
                return
            }
            guard case .rows(let columns, _, _) = try await h.run(query, pageSize: 5_000) else {
                Issue.record("not rows")
                return
            }
            #expect(!columns.isEmpty)
        }
    }

    @Test("system.local: one row with the columns and types drivers read")
    func local() async throws {
        try await withEngineHarness(
            configuration: CQLEngineConfiguration(clusterName: "test cluster", rpcAddress: "10.1.2.3", rpcPort: 19042)
        ) { h in
            guard
                case .rows(let columns, let rows, nil) = try await h.run("SELECT * FROM system.local WHERE key='local'")
            else {
                Issue.record("not rows")
                return
            }
            let types = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.type) })
            let expectedTypes: [String: CQLType] = [
                "key": .text, "bootstrapped": .text, "broadcast_address": .inet, "broadcast_port": .int,
                "cluster_name": .text,
                "cql_version": .text, "data_center": .text, "gossip_generation": .int, "host_id": .uuid,
                "listen_address": .inet,
                "listen_port": .int, "native_protocol_version": .text, "partitioner": .text, "rack": .text,
                "release_version": .text, "rpc_address": .inet, "rpc_port": .int, "schema_version": .uuid,
                "tokens": .set(.text), "truncated_at": .map(.uuid, .blob),
            ]
            #expect(types == expectedTypes)
            #expect(columns.allSatisfy { $0.keyspace == "system" && $0.table == "local" })
            #expect(columns.first?.name == "key")
            #expect(rows.count == 1)
            let row = Dictionary(uniqueKeysWithValues: zip(columns.map(\.name), rows[0]))
            #expect(row["key"] == .text("local"))
            #expect(row["cluster_name"] == .text("test cluster"))
            #expect(row["data_center"] == .text("datacenter1"))
            #expect(row["rack"] == .text("rack1"))
            #expect(row["release_version"] == .text("4.1.5"))
            #expect(row["cql_version"] == .text("3.4.6"))
            #expect(row["partitioner"] == .text("org.apache.cassandra.dht.Murmur3Partitioner"))
            #expect(row["rpc_address"] == .inet([10, 1, 2, 3]))
            #expect(row["rpc_port"] == .int(19042))
            #expect(row["broadcast_address"] == .inet([127, 0, 0, 1]))
            #expect(row["host_id"] == .uuid(h.engine.hostID))
            #expect(row["schema_version"] == .uuid(h.engine.schemaVersion))
            #expect(row["tokens"] == .set([.text("0")]))
            #expect(try await h.rows("SELECT * FROM system.local WHERE key = 'other'") == [])
            #expect(try await h.rows("SELECT * FROM system.peers") == [])
            #expect(try await h.rows("SELECT * FROM system.peers_v2") == [])
            // The schema version moves with DDL, and system.local shows the new one.
            try await h.run("CREATE TABLE spark_streams.extra (k int PRIMARY KEY)")
            let version = try await h.rows("SELECT schema_version FROM system.local WHERE key='local'")
            #expect(version == [[.uuid(h.engine.schemaVersion)]])
            #expect(version != [[row["schema_version"]!]])
        }
    }

    @Test("system_schema tables: exact column names and types, flags, clustering_order, positions")
    func systemSchema() async throws {
        try await withEngineHarness { h in
            func names(_ query: String) async throws -> [String: CQLType] {
                Dictionary(uniqueKeysWithValues: try await h.columns(query).map { ($0.name, $0.type) })
            }
            #expect(
                try await names("SELECT * FROM system_schema.keyspaces") == [
                    "keyspace_name": .text, "durable_writes": .boolean, "replication": .map(.text, .text),
                ]
            )
            let tables = try await names("SELECT * FROM system_schema.tables")
            for (name, type) in [
                ("keyspace_name", CQLType.text), ("table_name", .text), ("bloom_filter_fp_chance", .double),
                ("caching", .map(.text, .text)), ("comment", .text), ("compaction", .map(.text, .text)),
                ("compression", .map(.text, .text)), ("crc_check_chance", .double),
                ("dclocal_read_repair_chance", .double),
                ("default_time_to_live", .int), ("extensions", .map(.text, .blob)), ("flags", .set(.text)),
                ("gc_grace_seconds", .int), ("id", .uuid), ("max_index_interval", .int),
                ("memtable_flush_period_in_ms", .int),
                ("min_index_interval", .int), ("read_repair_chance", .double), ("speculative_retry", .text),
                ("additional_write_policy", .text), ("cdc", .boolean), ("read_repair", .text),
            ] {
                #expect(tables[name] == type, "\(name)")
            }
            #expect(
                try await names("SELECT * FROM system_schema.columns") == [
                    "keyspace_name": .text, "table_name": .text, "column_name": .text, "clustering_order": .text,
                    "column_name_bytes": .blob, "kind": .text, "position": .int, "type": .text,
                ]
            )
            #expect(
                try await names("SELECT * FROM system_schema.types") == [
                    "keyspace_name": .text, "type_name": .text, "field_names": .list(.text),
                    "field_types": .list(.text),
                ]
            )
            #expect(
                try await names("SELECT * FROM system_schema.functions").keys.sorted() == [
                    "argument_names", "argument_types", "body", "called_on_null_input", "function_name",
                    "keyspace_name",
                    "language", "return_type",
                ]
            )
            #expect(
                try await names("SELECT * FROM system_schema.aggregates").keys.sorted() == [
                    "aggregate_name", "argument_types", "final_func", "initcond", "keyspace_name", "return_type",
                    "state_func", "state_type",
                ]
            )
            #expect(
                try await names("SELECT * FROM system_schema.indexes") == [
                    "keyspace_name": .text, "table_name": .text, "index_name": .text, "kind": .text,
                    "options": .map(.text, .text),
                ]
            )
            #expect(
                try await names("SELECT * FROM system_schema.triggers") == [
                    "keyspace_name": .text, "table_name": .text, "trigger_name": .text, "options": .map(.text, .text),
                ]
            )
            let views = try await names("SELECT * FROM system_schema.views")
            for name in [
                "keyspace_name", "view_name", "base_table_id", "base_table_name", "include_all_columns", "where_clause",
                "id",
            ] {
                #expect(views[name] != nil, "\(name)")
            }
            #expect(try await names("SELECT * from system_virtual_schema.keyspaces") == ["keyspace_name": .text])
            #expect(
                try await names("SELECT * from system_virtual_schema.tables") == [
                    "keyspace_name": .text, "table_name": .text, "comment": .text,
                ]
            )

            let keyspaces = try await h.rows("SELECT keyspace_name FROM system_schema.keyspaces").map { $0[0] }
            for name in [
                "system", "system_schema", "system_auth", "system_distributed", "system_traces", "spark_streams",
            ] {
                #expect(keyspaces.contains(.text(name)), "\(name)")
            }
            let virtual = try await h.rows("SELECT keyspace_name FROM system_virtual_schema.keyspaces").map { $0[0] }
            #expect(virtual == [.text("system_views"), .text("system_virtual_schema")])
            #expect(
                try await h.rows(
                    "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'spark_streams'"
                )
                    == [
                        [
                            .map([
                                (.text("class"), .text("org.apache.cassandra.locator.SimpleStrategy")),
                                (.text("replication_factor"), .text("1")),
                            ])
                        ]
                    ]
            )

            let createdUsers = try await h.rows(
                "SELECT flags, id FROM system_schema.tables WHERE keyspace_name = 'spark_streams' AND table_name = 'created_users'"
            )
            #expect(createdUsers.count == 1)
            #expect(createdUsers.first?.first == .set([.text("compound")]))
            let userCounts = try await h.rows(
                "SELECT column_name, kind, position, clustering_order, type FROM system_schema.columns WHERE keyspace_name = 'spark_streams' AND table_name = 'user_counts'"
            )
            #expect(
                userCounts == [
                    [.text("count"), .text("regular"), .int(-1), .text("none"), .text("bigint")],
                    [.text("dimension"), .text("clustering"), .int(0), .text("asc"), .text("text")],
                    [.text("minute"), .text("partition_key"), .int(0), .text("none"), .text("bigint")],
                    [.text("value"), .text("clustering"), .int(1), .text("asc"), .text("text")],
                ]
            )
            let tableNames = try await h.rows(
                "SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'spark_streams'"
            )
            #expect(
                tableNames == [
                    [.text("consumer_offsets")], [.text("created_users")], [.text("run_stats")], [.text("user_counts")],
                ]
            )
            // Every column of every table has a non-null clustering_order and kind.
            let all = try await h.rows("SELECT clustering_order, kind, position FROM system_schema.columns")
            #expect(all.allSatisfy { !$0[0].isNull && !$0[1].isNull && !$0[2].isNull })
            #expect(await h.error("SELECT * FROM system.nope")?.message == "unconfigured table nope")
            #expect(
                await h.error("SELECT * FROM system_schema.columns WHERE table_name = 'x'")?.message
                    == CQLSelectPlanner.filteringMessage
            )
        }
    }

    @Test("DESCRIBE: Cassandra 4 rows and create statements")
    func describe() async throws {
        try await withEngineHarness { h in
            guard
                case .rows(let tableColumns, let tableRows, _) = try await h.run(
                    "DESCRIBE TABLE spark_streams.created_users"
                )
            else {
                Issue.record("not rows")
                return
            }
            #expect(tableColumns.map(\.name) == ["keyspace_name", "type", "name", "create_statement"])
            #expect(tableColumns.allSatisfy { $0.type == .text })
            #expect(tableRows.count == 1)
            #expect(Array(tableRows[0].prefix(3)) == [.text("spark_streams"), .text("table"), .text("created_users")])
            let expected = """
                CREATE TABLE spark_streams.created_users (
                    id uuid PRIMARY KEY,
                    address text,
                    age int,
                    cell text,
                    city text,
                    country text,
                    dob text,
                    email text,
                    first_name text,
                    gender text,
                    ingested_at text,
                    last_name text,
                    latitude double,
                    longitude double,
                    nat text,
                    phone text,
                    picture text,
                    post_code text,
                    registered_date text,
                    state text,
                    username text
                ) WITH additional_write_policy = '99p'
                    AND bloom_filter_fp_chance = 0.01
                    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
                    AND cdc = false
                    AND comment = ''
                    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
                    AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
                    AND crc_check_chance = 1.0
                    AND default_time_to_live = 0
                    AND extensions = {}
                    AND gc_grace_seconds = 864000
                    AND max_index_interval = 2048
                    AND memtable_flush_period_in_ms = 0
                    AND min_index_interval = 128
                    AND read_repair = 'BLOCKING'
                    AND speculative_retry = '99p';
                """
            #expect(tableRows[0][3] == .text(expected))

            guard case .rows(_, let counts, _) = try await h.run("DESC TABLE spark_streams.user_counts"),
                case .text(let countsStatement) = counts.first?[3]
            else { Issue.record("user_counts"); return }
            #expect(
                countsStatement.hasPrefix(
                    """
                    CREATE TABLE spark_streams.user_counts (
                        minute bigint,
                        dimension text,
                        value text,
                        count bigint,
                        PRIMARY KEY (minute, dimension, value)
                    ) WITH CLUSTERING ORDER BY (dimension ASC, value ASC)
                        AND additional_write_policy = '99p'
                    """
                )
            )

            try await h.run(
                "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}"
            )
            try await h.run(
                "CREATE TABLE shop.\"Orders\" (a int, b int, c int, \"Note\" text, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'it''s'"
            )
            guard case .rows(let ksColumns, let ksRows, _) = try await h.run("DESCRIBE KEYSPACE shop") else {
                Issue.record("keyspace"); return
            }
            #expect(ksColumns.map(\.name) == ["keyspace_name", "type", "name", "create_statement"])
            #expect(ksRows.count == 2)
            #expect(
                ksRows[0] == [
                    .text("shop"), .text("keyspace"), .text("shop"),
                    .text(
                        "CREATE KEYSPACE shop WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '2'}  AND durable_writes = true;"
                    ),
                ]
            )
            guard case .text(let ordersStatement) = ksRows[1][3] else { Issue.record("orders"); return }
            #expect(ksRows[1][2] == .text("\"Orders\""))
            #expect(
                ordersStatement.hasPrefix(
                    """
                    CREATE TABLE shop."Orders" (
                        a int,
                        b int,
                        c int,
                        "Note" text,
                        PRIMARY KEY ((a, b), c)
                    ) WITH CLUSTERING ORDER BY (c DESC)
                    """
                )
            )
            #expect(ordersStatement.contains("    AND comment = 'it''s'\n"))
            // The create statement runs again as it is.
            try await h.run("DROP TABLE shop.\"Orders\"")
            try await h.run(ordersStatement)
            guard case .rows(_, let again, _) = try await h.run("DESCRIBE TABLE shop.\"Orders\"") else {
                Issue.record("again"); return
            }
            #expect(again.first?[3] == .text(ordersStatement))

            guard case .rows(let listColumns, let keyspaces, _) = try await h.run("DESCRIBE KEYSPACES") else {
                Issue.record("keyspaces"); return
            }
            #expect(listColumns.map(\.name) == ["keyspace_name", "type", "name"])
            let names = keyspaces.map { $0[0] }
            for name in [
                "shop", "spark_streams", "system", "system_auth", "system_distributed", "system_schema",
                "system_traces",
                "system_views", "system_virtual_schema",
            ] {
                #expect(names.contains(.text(name)), "\(name)")
            }
            try await h.run("USE spark_streams")
            #expect(
                try await h.rows("DESCRIBE TABLES").map { $0[2] } == [
                    .text("consumer_offsets"), .text("created_users"), .text("run_stats"), .text("user_counts"),
                ]
            )
            #expect(try await h.rows("DESC KEYSPACE").count == 5)
            #expect(try await h.rows("DESCRIBE created_users").count == 1)
            #expect(try await h.rows("DESCRIBE spark_streams").count == 5)
            #expect(try await h.rows("DESCRIBE ONLY KEYSPACE spark_streams").count == 1)
            let schema = try await h.rows("DESCRIBE SCHEMA").map { [$0[0], $0[1]] }
            #expect(
                schema.filter { $0[1] == .text("keyspace") }.map { $0[0] } == [.text("shop"), .text("spark_streams")]
            )
            #expect(schema.count == 7)
            #expect(try await h.rows("DESCRIBE FULL SCHEMA").count > schema.count)
            #expect(try await h.rows("DESCRIBE TYPES") == [])
            let cluster = try await h.rows("DESCRIBE CLUSTER")
            #expect(
                Array(cluster[0].prefix(2)) == [
                    .text("userstream"), .text("org.apache.cassandra.dht.Murmur3Partitioner"),
                ]
            )
            #expect(await h.error("DESCRIBE KEYSPACE nope")?.message == "'nope' not found in keyspaces")
            #expect(
                await h.error("DESCRIBE TABLE spark_streams.nope")?.message
                    == "'nope' not found in keyspace 'spark_streams'"
            )
            #expect(await h.error("DESCRIBE nope")?.code == .invalid)
        }
    }
}
