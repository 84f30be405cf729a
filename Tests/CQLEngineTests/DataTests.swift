import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL engine: data")
struct DataTests {
    /// Runs `body` with a fresh harness holding the suite's keyspace and tables; closes it also when `body` throws.
    func withHarness(_ body: (EngineHarness) async throws -> Void) async throws {
        try await withEngineHarness { h in
            try await h.run(
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await h.run("USE ks")
            try await h.run("CREATE TABLE t (k int, c int, a text, b int, PRIMARY KEY (k, c))")
            try await body(h)
        }
    }

    @Test("upsert: INSERT and UPDATE write only their columns; unset keeps, null deletes")
    func upsert() async throws {
        try await withHarness { h in
            try await h.run("INSERT INTO t (k, c, a, b) VALUES (1, 1, 'x', 10)")
            try await h.run("INSERT INTO t (k, c, a) VALUES (1, 1, 'y')")
            #expect(try await h.rows("SELECT a, b FROM t WHERE k = 1 AND c = 1") == [[.text("y"), .int(10)]])
            try await h.run("UPDATE t SET b = 11 WHERE k = 1 AND c = 1")
            #expect(try await h.rows("SELECT a, b FROM t WHERE k = 1 AND c = 1") == [[.text("y"), .int(11)]])
            // UPDATE of a row that does not exist creates it.
            try await h.run("UPDATE t SET a = 'new' WHERE k = 2 AND c = 1")
            #expect(try await h.rows("SELECT * FROM t WHERE k = 2") == [[.int(2), .int(1), .text("new"), .null]])
            // Unset leaves the column alone, null deletes it.
            try await h.run(
                "INSERT INTO t (k, c, a, b) VALUES (?, ?, ?, ?)",
                [bound(.int(1), .int), bound(.int(1), .int), .unset, .null]
            )
            #expect(try await h.rows("SELECT a, b FROM t WHERE k = 1 AND c = 1") == [[.text("y"), .null]])
            try await h.run("UPDATE t SET a = ? WHERE k = 1 AND c = 1", [.unset])
            #expect(try await h.rows("SELECT a FROM t WHERE k = 1 AND c = 1") == [[.text("y")]])
            try await h.run("UPDATE t SET a = null WHERE k = 1 AND c = 1")
            #expect(try await h.rows("SELECT a FROM t WHERE k = 1 AND c = 1") == [[.null]])
            // DELETE of columns, of a row, of a partition.
            try await h.run("INSERT INTO t (k, c, a, b) VALUES (3, 1, 'p', 1)")
            try await h.run("INSERT INTO t (k, c, a, b) VALUES (3, 2, 'q', 2)")
            try await h.run("INSERT INTO t (k, c, a, b) VALUES (3, 3, 'r', 3)")
            try await h.run("DELETE b FROM t WHERE k = 3 AND c = 1")
            #expect(try await h.rows("SELECT a, b FROM t WHERE k = 3 AND c = 1") == [[.text("p"), .null]])
            try await h.run("DELETE FROM t WHERE k = 3 AND c = 2")
            #expect(try await h.rows("SELECT c FROM t WHERE k = 3") == [[.int(1)], [.int(3)]])
            try await h.run("DELETE FROM t WHERE k = 3 AND c > 2")
            #expect(try await h.rows("SELECT c FROM t WHERE k = 3") == [[.int(1)]])
            try await h.run("DELETE FROM t WHERE k = 3")
            #expect(try await h.rows("SELECT c FROM t WHERE k = 3") == [])
            try await h.run("TRUNCATE t")
            #expect(try await h.rows("SELECT * FROM t") == [])
        }
    }

    @Test("SELECT: IN, clustering ranges, ORDER BY DESC, LIMIT, COUNT(*), aliases, DISTINCT")
    func select() async throws {
        try await withHarness { h in
            for k in 1...3 {
                for c in 1...5 {
                    try await h.run("INSERT INTO t (k, c, a, b) VALUES (\(k), \(c), 'v\(k)\(c)', \(k * 10 + c))")
                }
            }
            #expect(
                try await h.rows("SELECT c FROM t WHERE k = 2 AND c > 1 AND c <= 4") == [
                    [.int(2)], [.int(3)], [.int(4)],
                ]
            )
            #expect(try await h.rows("SELECT c FROM t WHERE k = 2 AND c >= 4") == [[.int(4)], [.int(5)]])
            #expect(try await h.rows("SELECT c FROM t WHERE k = 2 AND c < 2") == [[.int(1)]])
            #expect(
                try await h.rows("SELECT k, c FROM t WHERE k IN (3, 1) AND c IN (2, 5)") == [
                    [.int(1), .int(2)], [.int(1), .int(5)], [.int(3), .int(2)], [.int(3), .int(5)],
                ]
            )
            #expect(
                try await h.rows("SELECT c FROM t WHERE k = 1 ORDER BY c DESC LIMIT 3") == [
                    [.int(5)], [.int(4)], [.int(3)],
                ]
            )
            #expect(try await h.rows("SELECT c FROM t WHERE k = 1 ORDER BY c ASC LIMIT 2") == [[.int(1)], [.int(2)]])
            #expect(try await h.rows("SELECT k FROM t LIMIT 2") == [[.int(1)], [.int(1)]])
            let count = try await h.run("SELECT COUNT(*) FROM t")
            guard case .rows(let countColumns, let countRows, nil) = count else { Issue.record("count"); return }
            #expect(countColumns == [CQLColumnSpec(keyspace: "ks", table: "t", name: "count", type: .bigint)])
            #expect(countRows == [[.bigint(15)]])
            #expect(try await h.rows("SELECT count(1) AS n FROM t WHERE k = 2") == [[.bigint(5)]])
            #expect(try await h.rows("SELECT count(*) FROM t WHERE k = 2 LIMIT 3") == [[.bigint(3)]])
            #expect(try await h.rows("SELECT count(a) FROM t WHERE k = 9") == [[.bigint(0)]])
            let aliased = try await h.run("SELECT a AS label, b FROM t WHERE k = 1 AND c = 1")
            guard case .rows(let columns, let rows, _) = aliased else { Issue.record("alias"); return }
            #expect(columns.map(\.name) == ["label", "b"])
            #expect(columns.map(\.type) == [.text, .int])
            #expect(columns.allSatisfy { $0.keyspace == "ks" && $0.table == "t" })
            #expect(rows == [[.text("v11"), .int(11)]])
            #expect(try await h.rows("SELECT DISTINCT k FROM t") == [[.int(1)], [.int(2)], [.int(3)]])
            #expect(try await h.rows("SELECT k FROM t WHERE b = 23 ALLOW FILTERING") == [[.int(2)]])
            #expect(
                try await h.rows("SELECT c FROM t WHERE c = 4 ALLOW FILTERING") == [[.int(4)], [.int(4)], [.int(4)]]
            )
            let star = try await h.columns("SELECT * FROM t")
            #expect(star.map(\.name) == ["k", "c", "a", "b"])
        }
    }

    @Test("clustering order DESC in the table definition, and its reversal")
    func clusteringOrder() async throws {
        try await withHarness { h in
            try await h.run(
                "CREATE TABLE events (k text, at timestamp, seq int, v text, PRIMARY KEY (k, at, seq)) WITH CLUSTERING ORDER BY (at DESC, seq ASC)"
            )
            for (at, seq) in [(1, 1), (2, 1), (2, 2), (3, 1)] {
                try await h.run("INSERT INTO events (k, at, seq, v) VALUES ('a', \(at), \(seq), 'x')")
            }
            let natural = try await h.rows("SELECT at, seq FROM events WHERE k = 'a'")
            #expect(
                natural == [
                    [.timestamp(3), .int(1)], [.timestamp(2), .int(1)], [.timestamp(2), .int(2)],
                    [.timestamp(1), .int(1)],
                ]
            )
            let reversed = try await h.rows("SELECT at, seq FROM events WHERE k = 'a' ORDER BY at ASC")
            #expect(reversed == natural.reversed())
            #expect(
                await h.error("SELECT * FROM events WHERE k = 'a' ORDER BY at ASC, seq ASC")?.message
                    == "Unsupported order by relation"
            )
            #expect(
                await h.error("SELECT * FROM events ORDER BY at DESC")?.message
                    == "ORDER BY is only supported when the partition key is restricted by an EQ or an IN."
            )
            #expect(
                await h.error("SELECT * FROM events WHERE k = 'a' ORDER BY v DESC")?.message
                    == "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v"
            )
        }
    }

    @Test("restrictions that need ALLOW FILTERING, and other invalid queries")
    func invalidQueries() async throws {
        try await withHarness { h in
            let filtering = CQLSelectPlanner.filteringMessage
            let cases: [(String, String)] = [
                ("SELECT * FROM t WHERE a = 'x'", filtering),
                ("SELECT * FROM t WHERE c = 1", filtering),
                ("SELECT * FROM t WHERE k > 1", filtering),
                ("SELECT * FROM t WHERE nope = 1", "Undefined column name nope in table ks.t"),
                ("SELECT nope FROM t", "Undefined column name nope in table ks.t"),
                ("SELECT * FROM nope", "unconfigured table nope"),
                ("SELECT * FROM nope.t", "Keyspace nope does not exist"),
                ("SELECT * FROM t WHERE k = 'x'", "Invalid STRING constant (x) for \"k\" of type int"),
                ("SELECT * FROM t WHERE k = 1 LIMIT 0", "LIMIT must be strictly positive"),
                ("SELECT * FROM t WHERE k = null", "Invalid null value in condition for column k"),
                ("INSERT INTO t (k, a) VALUES (1, 'x')", "Some clustering keys are missing: c"),
                ("INSERT INTO t (c, a) VALUES (1, 'x')", "Some partition key parts are missing: k"),
                ("INSERT INTO t (k, c, a) VALUES (1, 1, 5)", "Invalid INTEGER constant (5) for \"a\" of type text"),
                (
                    "INSERT INTO t (k, c, b) VALUES (1, 1, 3000000000)",
                    "Unable to make int from '3000000000'"
                ),
                ("INSERT INTO t (k, c, a) VALUES (1, 1)", "Unmatched column names/values"),
                ("INSERT INTO t (k, c, k) VALUES (1, 1, 1)", "The column names contains duplicates"),
                ("UPDATE t SET a = 'x' WHERE k = 1", "Some clustering keys are missing: c"),
                (
                    "UPDATE t SET a = 'x' WHERE k = 1 AND c > 1",
                    "Slice restrictions are not supported on the clustering columns in UPDATE statements"
                ),
                ("UPDATE t SET k = 2 WHERE k = 1 AND c = 1", "PRIMARY KEY part k found in SET part"),
                (
                    "UPDATE t SET a = 'x' WHERE k = 1 AND c = 1 AND b = 2",
                    "Non PRIMARY KEY columns found in where clause: b "
                ),
                (
                    "UPDATE t SET b = b + 1 WHERE k = 1 AND c = 1",
                    "Invalid operation (b = b + ?) for non counter column b"
                ),
                ("DELETE FROM t WHERE c = 1", "Some partition key parts are missing: k"),
                ("SELECT * FROM t WHERE k = 1 AND c != 1", "Unsupported \"!=\" relation: c != ..."),
            ]
            for (query, message) in cases {
                let error = await h.error(query)
                #expect(error?.code == .invalid, "\(query): \(String(describing: error))")
                #expect(error?.message == message, "\(query)")
            }
            for query in [
                "INSERT INTO system.local (key) VALUES ('x')",
                "DELETE FROM system_schema.tables WHERE keyspace_name = 'ks'", "TRUNCATE system.peers",
            ] {
                #expect(await h.error(query)?.code == .unauthorized, "\(query)")
            }
        }
    }

    @Test("every scalar type round-trips through literals and bound values")
    func types() async throws {
        try await withHarness { h in
            try await h.run(
                """
                CREATE TABLE types (k int PRIMARY KEY, t text, a ascii, u uuid, tu timeuuid, i int, bi bigint, si smallint,
                    ti tinyint, bo boolean, d double, f float, de decimal, vi varint, ts timestamp, da date, tm time, bl blob,
                    ip inet, ip6 inet)
                """
            )
            try await h.run(
                """
                INSERT INTO types (k, t, a, u, tu, i, bi, si, ti, bo, d, f, de, vi, ts, da, tm, bl, ip, ip6) VALUES (
                    1, 'héllo', 'plain', 123E4567-E89B-12D3-A456-426614174000, 50554d6e-29bb-11e5-b345-feff819cdc9f, -5,
                    9223372036854775807, -32768, 127, true, 1.5, 2.25, -123.456, 123456789012345678901234567890,
                    '2024-05-01T12:00:00.123Z', '2024-05-01', '12:34:56.789', 0xcafe, '10.0.0.1', '::1')
                """
            )
            let row = try await h.rows("SELECT * FROM types WHERE k = 1")
            #expect(
                row == [
                    [
                        .int(1), .text("plain"), .bigint(Int64.max), .blob([0xCA, 0xFE]), .boolean(true), .double(1.5),
                        .date(19844), .decimal(scale: 3, unscaled: CQLTextFormats.varintBytes("-123456")!),
                        .float(2.25),
                        .int(-5),
                        .inet([10, 0, 0, 1]), .inet(Array(repeating: 0, count: 15) + [1]), .smallint(-32768),
                        .text("héllo"),
                        .tinyint(127), .bigint(45_296_789_000_000), .timestamp(1_714_564_800_123),
                        .uuid(CQLUUID(string: "50554d6e-29bb-11e5-b345-feff819cdc9f")!),
                        .uuid(CQLUUID(string: "123e4567-e89b-12d3-a456-426614174000")!),
                        .varint(CQLTextFormats.varintBytes("123456789012345678901234567890")!),
                    ]
                ]
            )
            #expect(
                CQLTextFormats.varintText(CQLTextFormats.varintBytes("-98765432109876543210")!)
                    == "-98765432109876543210"
            )
            #expect(CQLTextFormats.varintBytes("128") == [0x00, 0x80])
            #expect(CQLTextFormats.varintBytes("-129") == [0xFF, 0x7F])
            // Bound values, decoded with each marker's type.
            let columns = ["t", "u", "bi", "bo", "d", "ts", "bl", "ip"]
            let values: [CQLValue] = [
                .text("bound"), .uuid(CQLUUID(high: 1, low: 2)), .bigint(-7), .boolean(false), .double(-0.5),
                .timestamp(42), .blob([1, 2, 3]), .inet([192, 168, 0, 1]),
            ]
            let types: [CQLType] = [.text, .uuid, .bigint, .boolean, .double, .timestamp, .blob, .inet]
            try await h.run(
                "INSERT INTO types (k, \(columns.joined(separator: ", "))) VALUES (2, \(columns.map { _ in "?" }.joined(separator: ", ")))",
                zip(values, types).map { bound($0, $1) }
            )
            #expect(try await h.rows("SELECT \(columns.joined(separator: ", ")) FROM types WHERE k = 2") == [values])
            // Functions.
            try await h.run("INSERT INTO types (k, tu, u, ts) VALUES (3, now(), uuid(), toTimestamp(now()))")
            let generated = try await h.rows("SELECT tu, u, ts, totimestamp(tu) FROM types WHERE k = 3")[0]
            guard case .uuid(let timeuuid) = generated[0], case .uuid(let random) = generated[1],
                case .timestamp(let ts) = generated[2],
                case .timestamp(let derived) = generated[3]
            else { Issue.record("functions: \(generated)"); return }
            #expect(timeuuid.version == 1)
            #expect(random.version == 4)
            #expect(abs(ts - derived) < 5_000)
            #expect(await h.error("INSERT INTO types (k, tu) VALUES (4, uuid())")?.code == .invalid)
            #expect(
                await h.error("INSERT INTO types (k, u) VALUES (4, 'not-a-uuid')")?.message
                    == "Invalid STRING constant (not-a-uuid) for \"u\" of type uuid"
            )
            // A blob constant is a value's serialized form.
            try await h.run("INSERT INTO types (k, i) VALUES (5, 0x0000002a)")
            #expect(try await h.rows("SELECT i FROM types WHERE k = 5") == [[.int(42)]])
        }
    }

    @Test("collections: literals, append, prepend, remove, add, put, element set; CONTAINS")
    func collections() async throws {
        try await withHarness { h in
            try await h.run(
                "CREATE TABLE c (k int PRIMARY KEY, l list<int>, s set<text>, m map<text, int>, f frozen<list<int>>, tu tuple<int, text>)"
            )
            try await h.run(
                "INSERT INTO c (k, l, s, m, f, tu) VALUES (1, [3, 1], {'b', 'a', 'b'}, {'x': 1}, [9], (7, 'seven'))"
            )
            #expect(
                try await h.rows("SELECT l, s, m, f, tu FROM c WHERE k = 1") == [
                    [
                        .list([.int(3), .int(1)]), .set([.text("a"), .text("b")]), .map([(.text("x"), .int(1))]),
                        .list([.int(9)]),
                        .tuple([.int(7), .text("seven")]),
                    ]
                ]
            )
            try await h.run("UPDATE c SET l = l + [4], s = s + {'c'}, m = m + {'y': 2} WHERE k = 1")
            try await h.run("UPDATE c SET l = [0] + l WHERE k = 1")
            try await h.run("UPDATE c SET m['z'] = 3, l[1] = 30 WHERE k = 1")
            #expect(
                try await h.rows("SELECT l, s, m FROM c WHERE k = 1") == [
                    [
                        .list([.int(0), .int(30), .int(1), .int(4)]), .set([.text("a"), .text("b"), .text("c")]),
                        .map([(.text("x"), .int(1)), (.text("y"), .int(2)), (.text("z"), .int(3))]),
                    ]
                ]
            )
            try await h.run("UPDATE c SET l = l - [30, 4], s = s - {'a'}, m = m - {'x'} WHERE k = 1")
            #expect(
                try await h.rows("SELECT l, s, m FROM c WHERE k = 1") == [
                    [
                        .list([.int(0), .int(1)]), .set([.text("b"), .text("c")]),
                        .map([(.text("y"), .int(2)), (.text("z"), .int(3))]),
                    ]
                ]
            )
            // Emptied collections are null, as in Cassandra.
            try await h.run("UPDATE c SET s = s - {'b', 'c'} WHERE k = 1")
            #expect(try await h.rows("SELECT s FROM c WHERE k = 1") == [[.null]])
            #expect(try await h.rows("SELECT k FROM c WHERE l CONTAINS 1 ALLOW FILTERING") == [[.int(1)]])
            #expect(try await h.rows("SELECT k FROM c WHERE m CONTAINS KEY 'z' ALLOW FILTERING") == [[.int(1)]])
            #expect(try await h.rows("SELECT k FROM c WHERE m CONTAINS 2 ALLOW FILTERING") == [[.int(1)]])
            #expect(try await h.rows("SELECT k FROM c WHERE m CONTAINS 99 ALLOW FILTERING") == [])
            #expect(
                await h.error("UPDATE c SET l[9] = 1 WHERE k = 1")?.message
                    == "List index 9 out of bound, list has size 2"
            )
            // Bound collections.
            try await h.run(
                "UPDATE c SET s = s + ? WHERE k = ?",
                [bound(.set([.text("q")]), .set(.text)), bound(.int(1), .int)]
            )
            #expect(try await h.rows("SELECT s FROM c WHERE k = 1") == [[.set([.text("q")])]])
        }
    }

    @Test("counters")
    func counters() async throws {
        try await withHarness { h in
            try await h.run("CREATE TABLE hits (page text PRIMARY KEY, n counter)")
            try await h.run("UPDATE hits SET n = n + 1 WHERE page = 'home'")
            try await h.run("UPDATE hits SET n = n + 5 WHERE page = 'home'")
            try await h.run("UPDATE hits SET n = n - 2 WHERE page = 'home'")
            #expect(try await h.rows("SELECT n FROM hits WHERE page = 'home'") == [[.bigint(4)]])
        }
    }

    @Test("lightweight transactions return [applied] and the existing values")
    func lightweightTransactions() async throws {
        try await withHarness { h in
            let applied = CQLColumnSpec(keyspace: "ks", table: "t", name: "[applied]", type: .boolean)
            let first = try await h.run("INSERT INTO t (k, c, a, b) VALUES (1, 1, 'x', 1) IF NOT EXISTS")
            #expect(first == .rows(columns: [applied], rows: [[.boolean(true)]], pagingState: nil))
            let second = try await h.run("INSERT INTO t (k, c, a, b) VALUES (1, 1, 'y', 2) IF NOT EXISTS")
            guard case .rows(let columns, let rows, _) = second else { Issue.record("rows"); return }
            #expect(columns.map(\.name) == ["[applied]", "k", "c", "a", "b"])
            #expect(rows == [[.boolean(false), .int(1), .int(1), .text("x"), .int(1)]])
            #expect(try await h.rows("SELECT a FROM t WHERE k = 1 AND c = 1") == [[.text("x")]])

            #expect(try await h.rows("UPDATE t SET a = 'z' WHERE k = 9 AND c = 9 IF EXISTS") == [[.boolean(false)]])
            #expect(try await h.rows("SELECT * FROM t WHERE k = 9") == [])
            #expect(try await h.rows("UPDATE t SET a = 'z' WHERE k = 1 AND c = 1 IF EXISTS") == [[.boolean(true)]])
            let mismatch = try await h.run("UPDATE t SET a = 'w' WHERE k = 1 AND c = 1 IF a = 'nope' AND b = 1")
            guard case .rows(let mismatchColumns, let mismatchRows, _) = mismatch else { Issue.record("rows"); return }
            #expect(mismatchColumns.map(\.name) == ["[applied]", "a", "b"])
            #expect(mismatchRows == [[.boolean(false), .text("z"), .int(1)]])
            #expect(
                try await h.rows("UPDATE t SET a = 'w' WHERE k = 1 AND c = 1 IF a = 'z' AND b < 5") == [
                    [.boolean(true)]
                ]
            )
            #expect(
                try await h.rows("UPDATE t SET a = 'v' WHERE k = 1 AND c = 1 IF b IN (3, 4)").first?.first
                    == .boolean(false)
            )
            #expect(try await h.rows("DELETE FROM t WHERE k = 1 AND c = 1 IF b != 1").first?.first == .boolean(false))
            #expect(try await h.rows("DELETE FROM t WHERE k = 1 AND c = 1 IF a = 'w'") == [[.boolean(true)]])
            #expect(try await h.rows("SELECT * FROM t WHERE k = 1") == [])
            #expect(try await h.rows("DELETE FROM t WHERE k = 1 AND c = 1 IF EXISTS") == [[.boolean(false)]])
        }
    }

    @Test("batches apply atomically, as query strings and as BATCH messages")
    func batches() async throws {
        try await withHarness { h in
            try await h.run(
                """
                BEGIN BATCH
                  INSERT INTO t (k, c, a) VALUES (1, 1, 'one');
                  INSERT INTO t (k, c, a) VALUES (1, 2, ?);
                  UPDATE t SET b = 5 WHERE k = 1 AND c = 1;
                APPLY BATCH
                """,
                [bound(.text("two"), .text)]
            )
            #expect(
                try await h.rows("SELECT c, a, b FROM t WHERE k = 1") == [
                    [.int(1), .text("one"), .int(5)], [.int(2), .text("two"), .null],
                ]
            )
            // The last statement fails: nothing of the batch is applied.
            let failing = await h.error(
                """
                BEGIN UNLOGGED BATCH
                  INSERT INTO t (k, c, a) VALUES (2, 1, 'x');
                  UPDATE t SET b = 1 WHERE k = 2 AND c = 1;
                  INSERT INTO t (k, c, a) VALUES (2, 2, 3);
                APPLY BATCH
                """
            )
            #expect(failing?.code == .invalid)
            #expect(try await h.rows("SELECT * FROM t WHERE k = 2") == [])

            let prepared = try h.engine.prepare("INSERT INTO t (k, c, a) VALUES (?, ?, ?)", session: h.session)
            let result = try await h.engine.batch(
                [
                    .prepared(prepared.id, [bound(.int(3), .int), bound(.int(1), .int), bound(.text("p"), .text)]),
                    .query(
                        "UPDATE ks.t SET b = ? WHERE k = ? AND c = ?",
                        [bound(.int(7), .int), bound(.int(3), .int), bound(.int(1), .int)]
                    ),
                    .query("DELETE FROM t WHERE k = 1", []),
                ],
                type: .logged,
                session: &h.session
            )
            #expect(result == .void)
            #expect(try await h.rows("SELECT k, c, a, b FROM t") == [[.int(3), .int(1), .text("p"), .int(7)]])
            // A failure in a store constraint (the native table's NOT NULL) rolls the BATCH message back too.
            await #expect(throws: CQLEngineError.self) {
                try await h.engine.batch(
                    [
                        .query("INSERT INTO t (k, c, a) VALUES (4, 1, 'kept?')", []),
                        .query("INSERT INTO spark_streams.run_stats (run_id, stored) VALUES ('r', 1)", []),
                        .query(
                            "INSERT INTO spark_streams.consumer_offsets (group_id, topic, partition) VALUES ('g', 't', 0)",
                            []
                        ),
                    ],
                    session: &h.session
                )
            }
            #expect(try await h.rows("SELECT * FROM t WHERE k = 4") == [])
            #expect(try await h.rows("SELECT * FROM spark_streams.run_stats") == [])
            let select = await #expect(throws: CQLEngineError.self) {
                try await h.engine.batch([.query("SELECT * FROM t", [])], session: &h.session)
            }
            #expect(
                select?.message == "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed."
            )
        }
    }

    @Test("USE switches the session keyspace; quoted names keep their case")
    func use() async throws {
        try await withHarness { h in
            try await h.run(
                "CREATE KEYSPACE \"Mixed\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            #expect(try await h.run("USE \"Mixed\"") == .setKeyspace("Mixed"))
            #expect(h.session.keyspace == "Mixed")
            try await h.run("CREATE TABLE \"Items\" (\"Id\" int PRIMARY KEY, \"Name\" text)")
            try await h.run("INSERT INTO \"Items\" (\"Id\", \"Name\") VALUES (1, 'a')")
            #expect(try await h.columns("SELECT * FROM \"Items\"").map(\.name) == ["Id", "Name"])
            #expect(await h.error("SELECT * FROM items")?.message == "unconfigured table items")
            #expect(await h.error("USE nope")?.message == "Keyspace 'nope' does not exist")
            #expect(h.session.keyspace == "Mixed")
        }
    }
}
