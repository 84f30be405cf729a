import CQLWire
import Foundation
import GRDB
import Testing

@testable import CQLEngine

@Suite("CQL engine: write timestamps and TTL")
struct CQLWriteTimestampTests {
    /// Runs `body` with a fresh harness holding the suite's keyspace and tables; closes it also when `body` throws.
    func withHarness(_ body: (EngineHarness) async throws -> Void) async throws {
        try await withEngineHarness { h in
            try await h.run(
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await h.run("USE ks")
            try await h.run("CREATE TABLE t (k int, c int, a text, b int, PRIMARY KEY (k, c))")
            try await h.run("CREATE TABLE kv (k int PRIMARY KEY, v text, n int)")
            try await body(h)
        }
    }

    func single(_ h: EngineHarness, _ query: String) async throws -> CQLValue? {
        try await h.rows(query).first?.first
    }

    @Test("an older USING TIMESTAMP does not overwrite a newer cell; per cell, not per row")
    func olderLoses() async throws {
        try await withHarness { h in
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'new', 2) USING TIMESTAMP 200")
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'old', 1) USING TIMESTAMP 100")
            #expect(try await h.rows("SELECT v, n FROM kv WHERE k = 1") == [[.text("new"), .int(2)]])
            // One cell newer, the other older: only the newer one lands.
            try await h.run("UPDATE kv USING TIMESTAMP 300 SET v = 'v300' WHERE k = 1")
            try await h.run("UPDATE kv USING TIMESTAMP 250 SET v = 'v250', n = 250 WHERE k = 1")
            #expect(try await h.rows("SELECT v, n FROM kv WHERE k = 1") == [[.text("v300"), .int(250)]])
            #expect(
                try await h.rows("SELECT writetime(v), writetime(n) FROM kv WHERE k = 1") == [
                    [.bigint(300), .bigint(250)]
                ]
            )
            // A null written with an older timestamp deletes nothing.
            try await h.run("UPDATE kv USING TIMESTAMP 10 SET v = null WHERE k = 1")
            #expect(try await single(h, "SELECT v FROM kv WHERE k = 1") == .text("v300"))
            // A newer null does, and an older value does not come back.
            try await h.run("UPDATE kv USING TIMESTAMP 400 SET v = null WHERE k = 1")
            try await h.run("UPDATE kv USING TIMESTAMP 350 SET v = 'back' WHERE k = 1")
            #expect(try await h.rows("SELECT v, writetime(v) FROM kv WHERE k = 1") == [[.null, .null]])
        }
    }

    @Test("two interleaved writers with explicit timestamps: the highest timestamp wins, whatever the arrival order")
    func interleavedWriters() async throws {
        try await withHarness { h in
            let engine = h.engine
            // Writer A writes odd timestamps, writer B even ones, each in a shuffled order, concurrently.
            let stamps = Array(1...200)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for parity in 0..<2 {
                    let mine = stamps.filter { $0 % 2 == parity }.shuffled()
                    group.addTask {
                        var session = CQLSession(keyspace: "ks")
                        for stamp in mine {
                            _ = try await engine.execute(
                                "UPDATE kv USING TIMESTAMP \(stamp) SET v = 'w\(stamp)', n = \(stamp) WHERE k = 7",
                                session: &session
                            )
                            _ = try await engine.execute(
                                "INSERT INTO t (k, c, a, b) VALUES (7, 1, 'w\(stamp)', \(stamp)) USING TIMESTAMP \(stamp)",
                                session: &session
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(
                try await h.rows("SELECT v, n, writetime(v) FROM kv WHERE k = 7") == [
                    [.text("w200"), .int(200), .bigint(200)]
                ]
            )
            #expect(try await h.rows("SELECT a, b FROM t WHERE k = 7 AND c = 1") == [[.text("w200"), .int(200)]])
        }
    }

    @Test("a DELETE shadows later-arriving writes with an older or equal timestamp, not newer ones")
    func deleteThenOlderInsert() async throws {
        try await withHarness { h in
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'a') USING TIMESTAMP 100")
            try await h.run("DELETE FROM kv USING TIMESTAMP 200 WHERE k = 1")
            #expect(try await h.rows("SELECT * FROM kv WHERE k = 1") == [])
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'older') USING TIMESTAMP 150")
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'tie') USING TIMESTAMP 200")
            #expect(try await h.rows("SELECT * FROM kv WHERE k = 1") == [])
            #expect(try await single(h, "SELECT count(*) FROM kv") == .bigint(0))
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'newer') USING TIMESTAMP 201")
            #expect(try await h.rows("SELECT v FROM kv WHERE k = 1") == [[.text("newer")]])
            // A delete of a row that never existed is a tombstone too.
            try await h.run("DELETE FROM kv USING TIMESTAMP 500 WHERE k = 2")
            try await h.run("INSERT INTO kv (k, v) VALUES (2, 'late') USING TIMESTAMP 499")
            #expect(try await h.rows("SELECT * FROM kv WHERE k = 2") == [])
            // Cells newer than the deletion survive it.
            try await h.run("INSERT INTO kv (k, v, n) VALUES (3, 'x', 1) USING TIMESTAMP 100")
            try await h.run("UPDATE kv USING TIMESTAMP 300 SET n = 3 WHERE k = 3")
            try await h.run("DELETE FROM kv USING TIMESTAMP 200 WHERE k = 3")
            #expect(try await h.rows("SELECT k, v, n FROM kv WHERE k = 3") == [[.int(3), .null, .int(3)]])
            // A partition deletion shadows older writes to every row of the partition.
            try await h.run("INSERT INTO t (k, c, a) VALUES (5, 1, 'x') USING TIMESTAMP 10")
            try await h.run("DELETE FROM t USING TIMESTAMP 20 WHERE k = 5")
            try await h.run("INSERT INTO t (k, c, a) VALUES (5, 2, 'older') USING TIMESTAMP 15")
            #expect(try await h.rows("SELECT * FROM t WHERE k = 5") == [])
            try await h.run("INSERT INTO t (k, c, a) VALUES (5, 3, 'newer') USING TIMESTAMP 25")
            #expect(try await h.rows("SELECT c, a FROM t WHERE k = 5") == [[.int(3), .text("newer")]])
            // A range deletion shadows older writes into its range, not outside it.
            try await h.run("INSERT INTO t (k, c, a) VALUES (6, 1, 'x') USING TIMESTAMP 10")
            try await h.run("DELETE FROM t USING TIMESTAMP 20 WHERE k = 6 AND c >= 2 AND c < 4")
            try await h.run("INSERT INTO t (k, c, a) VALUES (6, 2, 'in range, older') USING TIMESTAMP 15")
            try await h.run("INSERT INTO t (k, c, a) VALUES (6, 3, 'in range, tie') USING TIMESTAMP 20")
            try await h.run("INSERT INTO t (k, c, a) VALUES (6, 4, 'past the range') USING TIMESTAMP 15")
            try await h.run("INSERT INTO t (k, c, a) VALUES (6, 3, 'in range, newer') USING TIMESTAMP 21")
            #expect(
                try await h.rows("SELECT c, a FROM t WHERE k = 6") == [
                    [.int(1), .text("x")], [.int(3), .text("in range, newer")], [.int(4), .text("past the range")],
                ]
            )
            // DELETE of a column with a timestamp.
            try await h.run("DELETE a FROM t USING TIMESTAMP 24 WHERE k = 5 AND c = 3")
            #expect(try await single(h, "SELECT a FROM t WHERE k = 5 AND c = 3") == .text("newer"))
            try await h.run("DELETE a FROM t USING TIMESTAMP 26 WHERE k = 5 AND c = 3")
            #expect(try await h.rows("SELECT c, a FROM t WHERE k = 5") == [[.int(3), .null]])
        }
    }

    @Test("ties: a tombstone beats a live cell, and between live cells the greater serialized value wins")
    func ties() async throws {
        try await withHarness { h in
            // Delete first, then a write with the same timestamp: stays deleted.
            try await h.run("DELETE FROM kv USING TIMESTAMP 50 WHERE k = 1")
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'x') USING TIMESTAMP 50")
            #expect(try await h.rows("SELECT * FROM kv WHERE k = 1") == [])
            // Write first, then a deletion with the same timestamp.
            try await h.run("INSERT INTO kv (k, v) VALUES (2, 'x') USING TIMESTAMP 50")
            try await h.run("DELETE v FROM kv USING TIMESTAMP 50 WHERE k = 2")
            #expect(try await h.rows("SELECT k, v FROM kv WHERE k = 2") == [[.int(2), .null]])
            // Live against live: 'b' > 'a' in either order.
            try await h.run("INSERT INTO kv (k, v) VALUES (3, 'b') USING TIMESTAMP 60")
            try await h.run("INSERT INTO kv (k, v) VALUES (3, 'a') USING TIMESTAMP 60")
            try await h.run("INSERT INTO kv (k, v) VALUES (4, 'a') USING TIMESTAMP 60")
            try await h.run("INSERT INTO kv (k, v) VALUES (4, 'b') USING TIMESTAMP 60")
            #expect(try await h.rows("SELECT v FROM kv WHERE k IN (3, 4)") == [[.text("b")], [.text("b")]])
            // Bytes compare signed, as Java's ByteBuffer.compareTo: 1 (0x00000001) beats -1 (0xffffffff).
            try await h.run("INSERT INTO kv (k, n) VALUES (5, 1) USING TIMESTAMP 70")
            try await h.run("INSERT INTO kv (k, n) VALUES (5, -1) USING TIMESTAMP 70")
            try await h.run("INSERT INTO kv (k, n) VALUES (6, -1) USING TIMESTAMP 70")
            try await h.run("INSERT INTO kv (k, n) VALUES (6, 1) USING TIMESTAMP 70")
            #expect(try await h.rows("SELECT n FROM kv WHERE k IN (5, 6)") == [[.int(1)], [.int(1)]])
        }
    }

    @Test("BATCH USING TIMESTAMP applies to every statement; one timestamp per batch otherwise")
    func batchTimestamp() async throws {
        try await withHarness { h in
            try await h.run(
                """
                BEGIN BATCH USING TIMESTAMP 1000
                INSERT INTO kv (k, v) VALUES (1, 'b1');
                UPDATE t SET a = 'b2' WHERE k = 1 AND c = 1;
                APPLY BATCH
                """
            )
            #expect(try await single(h, "SELECT writetime(v) FROM kv WHERE k = 1") == .bigint(1000))
            #expect(try await single(h, "SELECT writetime(a) FROM t WHERE k = 1 AND c = 1") == .bigint(1000))
            try await h.run("INSERT INTO kv (k, v) VALUES (1, 'older') USING TIMESTAMP 999")
            #expect(try await single(h, "SELECT v FROM kv WHERE k = 1") == .text("b1"))
            let error = await h.error(
                "BEGIN BATCH USING TIMESTAMP 5 INSERT INTO kv (k, v) VALUES (2, 'x') USING TIMESTAMP 6; APPLY BATCH"
            )
            #expect(error?.code == .invalid)
            #expect(error?.message == "Timestamp must be set either on BATCH or individual statements")
            // Without a timestamp every statement of a batch gets the same server timestamp.
            try await h.run(
                "BEGIN BATCH INSERT INTO kv (k, v) VALUES (3, 'x'); INSERT INTO kv (k, v) VALUES (4, 'y'); APPLY BATCH"
            )
            let stamps = try await h.rows("SELECT writetime(v) FROM kv WHERE k IN (3, 4)")
            #expect(stamps.count == 2 && stamps[0] == stamps[1])
            // A BATCH message with the protocol's default timestamp.
            try await h.engine.batch(
                [.query("INSERT INTO ks.kv (k, v) VALUES (5, 'm')", [])],
                session: &h.session,
                options: CQLExecutionOptions(defaultTimestamp: 4242)
            )
            #expect(try await single(h, "SELECT writetime(v) FROM kv WHERE k = 5") == .bigint(4242))
        }
    }

    @Test("server timestamps: microseconds now, strictly increasing; the request's default timestamp wins over them")
    func serverTimestamps() async throws {
        try await withHarness { h in
            let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
            for i in 0..<20 { try await h.run("INSERT INTO kv (k, v) VALUES (\(i), 'x')") }
            let after = Int64(Date().timeIntervalSince1970 * 1_000_000)
            var previous = Int64.min
            for i in 0..<20 {
                guard case .bigint(let stamp) = try await single(h, "SELECT writetime(v) FROM kv WHERE k = \(i)") else {
                    Issue.record("no writetime")
                    return
                }
                #expect(stamp > previous && stamp >= before && stamp <= after + 1_000)
                previous = stamp
            }
            _ = try await h.engine.execute(
                "INSERT INTO kv (k, v) VALUES (100, 'd')",
                session: &h.session,
                options: CQLExecutionOptions(defaultTimestamp: 77)
            )
            #expect(try await single(h, "SELECT writetime(v) FROM kv WHERE k = 100") == .bigint(77))
            // USING TIMESTAMP beats the request's default.
            _ = try await h.engine.execute(
                "INSERT INTO kv (k, v) VALUES (101, 'd') USING TIMESTAMP 88",
                session: &h.session,
                options: CQLExecutionOptions(defaultTimestamp: 77)
            )
            #expect(try await single(h, "SELECT writetime(v) FROM kv WHERE k = 101") == .bigint(88))
        }
    }

    @Test("USING TTL: ttl() counts down; expired cells and rows are gone from SELECT, COUNT and conditions")
    func ttlExpiry() async throws {
        try await withHarness { h in
            // Expiry is at (now in seconds) + TTL: a TTL of 3 leaves at least two seconds to read the row back, even on a
            // loaded machine.
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'short', 1) USING TTL 3")
            guard case .int(let left) = try await single(h, "SELECT ttl(v) FROM kv WHERE k = 1") else {
                Issue.record("no ttl")
                return
            }
            #expect((2...3).contains(left))
            try await h.run("INSERT INTO kv (k, v) VALUES (2, 'stays')")
            try await h.run("UPDATE kv USING TTL 3 SET n = 5 WHERE k = 2")
            try await h.run("INSERT INTO kv (k, v) VALUES (3, 'long') USING TTL 100")
            #expect(try await single(h, "SELECT ttl(v) FROM kv WHERE k = 2") == .null)
            guard case .int(let long) = try await single(h, "SELECT ttl(v) FROM kv WHERE k = 3") else {
                Issue.record("no ttl")
                return
            }
            #expect((99...100).contains(long))
            #expect(try await single(h, "SELECT count(*) FROM kv") == .bigint(3))
            try await Task.sleep(for: .milliseconds(4_100))
            #expect(try await h.rows("SELECT * FROM kv WHERE k = 1") == [])
            #expect(try await h.rows("SELECT k, v, n FROM kv WHERE k = 2") == [[.int(2), .text("stays"), .null]])
            #expect(try await single(h, "SELECT count(*) FROM kv") == .bigint(2))
            // A condition no longer sees the expired row.
            guard
                case .rows(_, let rows, _) = try await h.run("INSERT INTO kv (k, v) VALUES (1, 'again') IF NOT EXISTS")
            else {
                Issue.record("no LWT answer")
                return
            }
            #expect(rows == [[.boolean(true)]])
            #expect(try await single(h, "SELECT v FROM kv WHERE k = 1") == .text("again"))
        }
    }

    @Test("a table's default_time_to_live applies when a write gives no TTL; USING TTL 0 means forever")
    func defaultTimeToLive() async throws {
        try await withHarness { h in
            try await h.run("CREATE TABLE short (k int PRIMARY KEY, v text) WITH default_time_to_live = 3")
            try await h.run("INSERT INTO short (k, v) VALUES (1, 'x')")
            try await h.run("INSERT INTO short (k, v) VALUES (2, 'y') USING TTL 0")
            #expect(try await single(h, "SELECT ttl(v) FROM short WHERE k = 2") == .null)
            #expect(try await h.rows("SELECT k FROM short") == [[.int(1)], [.int(2)]])
            try await Task.sleep(for: .milliseconds(4_100))
            #expect(try await h.rows("SELECT k FROM short") == [[.int(2)]])
        }
    }

    @Test("errors: custom timestamps on counters and conditions, TTL bounds, writetime of key columns")
    func errors() async throws {
        try await withHarness { h in
            try await h.run("CREATE TABLE counts (k int PRIMARY KEY, c counter)")
            let cases: [(String, String)] = [
                (
                    "UPDATE counts USING TIMESTAMP 5 SET c = c + 1 WHERE k = 1",
                    "Cannot provide custom timestamp for counter updates"
                ),
                (
                    "UPDATE counts USING TTL 5 SET c = c + 1 WHERE k = 1",
                    "Cannot provide custom TTL for counter updates"
                ),
                (
                    "INSERT INTO kv (k, v) VALUES (1, 'x') IF NOT EXISTS USING TIMESTAMP 5",
                    "Cannot provide custom timestamp for conditional updates"
                ),
                (
                    "INSERT INTO kv (k, v) VALUES (1, 'x') USING TTL -1",
                    "A TTL must be greater or equal to 0, but was -1"
                ),
                (
                    "INSERT INTO kv (k, v) VALUES (1, 'x') USING TTL 630720001",
                    "ttl is too large. requested (630720001) maximum (630720000)"
                ),
                ("SELECT writetime(k) FROM kv", "Cannot use selection function writeTime on PRIMARY KEY part k"),
                ("SELECT ttl(k) FROM kv", "Cannot use selection function ttl on PRIMARY KEY part k"),
            ]
            for (query, message) in cases {
                let error = await h.error(query)
                #expect(error?.code == .invalid, "\(query)")
                #expect(error?.message == message, "\(query)")
            }
        }
    }

    @Test("the pipeline's table: USING TIMESTAMP orders CQL writes; rows the pipeline wrote are older than any")
    func nativeTable() async throws {
        try await withHarness { h in
            try await h.store.commit(Users.batch(0..<2))
            let id = Users.id(0)
            // The pipeline's row has no CQL timestamps: any CQL write wins over it.
            try await h.run(
                "UPDATE spark_streams.created_users USING TIMESTAMP 5 SET first_name = 'five' WHERE id = \(id)"
            )
            try await h.run(
                "UPDATE spark_streams.created_users USING TIMESTAMP 3 SET first_name = 'three' WHERE id = \(id)"
            )
            #expect(
                try await single(h, "SELECT first_name FROM spark_streams.created_users WHERE id = \(id)")
                    == .text("five")
            )
            #expect(
                try await single(h, "SELECT writetime(first_name) FROM spark_streams.created_users WHERE id = \(id)")
                    == .bigint(5)
            )
            #expect(
                try await single(h, "SELECT writetime(last_name) FROM spark_streams.created_users WHERE id = \(id)")
                    == .null
            )
            // user_counts rewritten by concurrent aggregate writers: the highest version wins.
            try await h.run(
                "INSERT INTO spark_streams.user_counts (minute, dimension, value, count) VALUES (28000000, 'gender', 'female', 7) USING TIMESTAMP 7"
            )
            try await h.run(
                "INSERT INTO spark_streams.user_counts (minute, dimension, value, count) VALUES (28000000, 'gender', 'female', 6) USING TIMESTAMP 6"
            )
            #expect(
                try await single(
                    h,
                    "SELECT count FROM spark_streams.user_counts WHERE minute = 28000000 AND dimension = 'gender' AND value = 'female'"
                ) == .bigint(7)
            )
            // A deletion of a pipeline row shadows older writes.
            try await h.run("DELETE FROM spark_streams.created_users USING TIMESTAMP 100 WHERE id = \(Users.id(1))")
            #expect(try await h.rows("SELECT id FROM spark_streams.created_users WHERE id = \(Users.id(1))") == [])
        }
    }

    /// The stored metadata text of `ks.kv`'s row with key `k`.
    func storedMeta(_ h: EngineHarness, _ k: Int) async throws -> String? {
        let key = CQLCellStore.encodeKey([k.databaseValue])
        return try await h.engine.database.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT meta FROM cqlks.cql_cells WHERE tbl LIKE '%ks.kv%' AND key = ?",
                arguments: [key]
            )
        }
    }

    func cells(_ h: EngineHarness, _ k: Int) async throws -> [[CQLValue]] {
        try await h.rows("SELECT v, n, writetime(v), writetime(n) FROM kv WHERE k = \(k)")
    }

    @Test("a row written whole keeps one timestamp for all its cells; later writes still win or lose cell by cell")
    func compactRowTimestamp() async throws {
        try await withHarness { h in
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'a', 1) USING TIMESTAMP 100")
            #expect(try await storedMeta(h, 1) == #"{"m":{"t":100},"a":{"t":100},"c":{}}"#)
            #expect(try await cells(h, 1) == [[.text("a"), .int(1), .bigint(100), .bigint(100)]])
            // One cell newer, then an older write of both: only the cell it beats changes.
            try await h.run("UPDATE kv USING TIMESTAMP 200 SET v = 'b' WHERE k = 1")
            try await h.run("UPDATE kv USING TIMESTAMP 50 SET v = 'old', n = 50 WHERE k = 1")
            #expect(try await cells(h, 1) == [[.text("b"), .int(1), .bigint(200), .bigint(100)]])
            #expect(try await storedMeta(h, 1)?.contains(#""a":"#) == true)
            // A column deletion between the two: a later-arriving whole-row write older than it leaves the null.
            try await h.run("DELETE n FROM kv USING TIMESTAMP 150 WHERE k = 1")
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'c', 3) USING TIMESTAMP 120")
            #expect(try await cells(h, 1) == [[.text("b"), .null, .bigint(200), .null]])
            // The same after a reopen of the data directory.
            try await h.restart()
            try await h.run("USE ks")
            #expect(try await cells(h, 1) == [[.text("b"), .null, .bigint(200), .null]])
            // A newer whole-row write makes every cell equal again: one timestamp stored.
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'd', 4) USING TIMESTAMP 300")
            #expect(try await cells(h, 1) == [[.text("d"), .int(4), .bigint(300), .bigint(300)]])
            #expect(try await storedMeta(h, 1) == #"{"m":{"t":300},"a":{"t":300},"c":{}}"#)
            // A whole-row write with a null keeps a tombstone for that cell.
            try await h.run("INSERT INTO kv (k, v, n) VALUES (3, null, 3) USING TIMESTAMP 10")
            try await h.run("INSERT INTO kv (k, v, n) VALUES (3, 'late', 5) USING TIMESTAMP 5")
            #expect(try await cells(h, 3) == [[.null, .int(3), .null, .bigint(10)]])
            // TTL: the row's expiry holds for every cell until one is rewritten.
            try await h.run("INSERT INTO kv (k, v, n) VALUES (2, 'x', 2) USING TTL 1000")
            let ttls = try await h.rows("SELECT ttl(v), ttl(n) FROM kv WHERE k = 2")
            for value in ttls.first ?? [] {
                guard case .int(let left) = value else {
                    Issue.record("no TTL: \(ttls)")
                    continue
                }
                #expect(left > 990 && left <= 1000)
            }
            try await h.run("UPDATE kv USING TTL 0 SET v = 'y' WHERE k = 2")
            let after = try await h.rows("SELECT ttl(v), ttl(n) FROM kv WHERE k = 2")
            #expect(after.first?.first == .null)
            #expect(after.first?.last != .null)
        }
    }

    @Test("metadata stored one entry per cell, as earlier versions wrote it, still reads and orders after a reopen")
    func perCellMetadataStillReads() async throws {
        try await withHarness { h in
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'a', 1) USING TIMESTAMP 100")
            let key = CQLCellStore.encodeKey([1.databaseValue])
            try await h.engine.database.write { db in
                try db.execute(
                    sql: "UPDATE cqlks.cql_cells SET meta = ? WHERE tbl LIKE '%ks.kv%' AND key = ?",
                    arguments: [#"{"m":{"t":100},"c":{"n":{"t":100},"v":{"t":90}}}"#, key]
                )
            }
            try await h.restart()
            try await h.run("USE ks")
            #expect(try await cells(h, 1) == [[.text("a"), .int(1), .bigint(90), .bigint(100)]])
            try await h.run("INSERT INTO kv (k, v, n) VALUES (1, 'b', 2) USING TIMESTAMP 95")
            #expect(try await cells(h, 1) == [[.text("b"), .int(1), .bigint(95), .bigint(100)]])
            try await h.run("DELETE FROM kv USING TIMESTAMP 97 WHERE k = 1")
            #expect(try await cells(h, 1) == [[.null, .int(1), .null, .bigint(100)]])
        }
    }

    @Test("cell metadata and keys survive their text form: quotes, backslashes, control characters, every storage")
    func metadataText() throws {
        var meta = CQLRowMetadata()
        meta.m = CQLRowMetadata.Cell(t: -5, e: 1_700_000_000, x: nil)
        meta.d = Int64.max
        meta.c["plain"] = CQLRowMetadata.Cell(t: 1, e: nil, x: true)
        meta.c["we\"ird\\name\n\u{1}é"] = CQLRowMetadata.Cell(t: Int64.min + 1, e: 3, x: nil)
        let decoded = try JSONDecoder().decode(CQLRowMetadata.self, from: Data(meta.jsonText.utf8))
        #expect(decoded == meta)
        #expect(try JSONDecoder().decode(CQLRowMetadata.self, from: Data(CQLRowMetadata().jsonText.utf8)).isEmpty)
        let key: [DatabaseValue] = [
            .null, 42.databaseValue, (-1.5).databaseValue, "a\"b\\c\u{0}☃".databaseValue,
            Data([0, 255, 16]).databaseValue,
        ]
        #expect(CQLCellStore.decodeKey(CQLCellStore.encodeKey(key)) == key)
        #expect(CQLCellStore.encodeKey(key, partition: true).hasPrefix("P["))
    }
}
