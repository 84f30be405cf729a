import CQLWire
import Foundation
import Testing

@testable import CQLEngine

@Suite("CQL engine: prepared statements")
struct PreparedTests {
    @Test("bind variables, partition key indexes, result columns, stable ids")
    func metadata() async throws {
        try await withEngineHarness { h in
            try await h.run(
                "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await h.run(
                "CREATE TABLE ks.t (a int, b text, c timestamp, v list<int>, m map<text, int>, PRIMARY KEY ((a, b), c))"
            )
            func spec(_ name: String, _ type: CQLType) -> CQLColumnSpec {
                CQLColumnSpec(keyspace: "ks", table: "t", name: name, type: type)
            }
            let insert = try h.engine.prepare(
                "INSERT INTO ks.t (c, b, a, v) VALUES (?, ?, ?, ?) USING TTL ?",
                session: h.session
            )
            #expect(insert.id.count == 16)
            #expect(
                insert.id
                    == CQLEngine.preparedID(
                        query: "INSERT INTO ks.t (c, b, a, v) VALUES (?, ?, ?, ?) USING TTL ?",
                        keyspace: nil
                    )
            )
            #expect(
                insert.boundColumns == [
                    spec("c", .timestamp), spec("b", .text), spec("a", .int), spec("v", .list(.int)),
                    spec("[ttl]", .int),
                ]
            )
            #expect(insert.partitionKeyIndexes == [2, 1])
            #expect(insert.resultColumns == [])

            let select = try h.engine.prepare(
                "SELECT c, v AS values FROM ks.t WHERE a = :a AND b = ? AND c IN ? LIMIT ?",
                session: h.session
            )
            #expect(
                select.boundColumns == [
                    spec("a", .int), spec("b", .text), spec("in(c)", .list(.timestamp)), spec("[limit]", .int),
                ]
            )
            #expect(select.partitionKeyIndexes == [0, 1])
            #expect(select.resultColumns == [spec("c", .timestamp), spec("values", .list(.int))])

            let update = try h.engine.prepare(
                "UPDATE ks.t SET m[?] = ?, v = v + ? WHERE a = 1 AND b = ? AND c = ?",
                session: h.session
            )
            #expect(
                update.boundColumns == [
                    spec("key(m)", .text), spec("value(m)", .int), spec("v", .list(.int)), spec("b", .text),
                    spec("c", .timestamp),
                ]
            )
            #expect(update.partitionKeyIndexes == [])

            // Unqualified names resolve against the session keyspace at prepare time; the id depends on it.
            try await h.run("USE ks")
            let unqualified = try h.engine.prepare("SELECT * FROM t", session: h.session)
            #expect(unqualified.id == CQLEngine.preparedID(query: "SELECT * FROM t", keyspace: "ks"))
            #expect(unqualified.resultColumns.map(\.name) == ["a", "b", "c", "m", "v"])
            h.session.keyspace = nil
            #expect(throws: CQLEngineError.self) { try h.engine.prepare("SELECT * FROM t", session: h.session) }
            let again = try h.engine.prepare("SELECT * FROM t", session: CQLSession(keyspace: "ks"))
            #expect(again.id == unqualified.id)
        }
    }

    @Test("executing: positional and named values, unset, wrong sizes, unknown ids")
    func execute() async throws {
        try await withEngineHarness { h in
            try await h.run("CREATE TABLE spark_streams.kv (k text PRIMARY KEY, n int, t timestamp)")
            let insert = try h.engine.prepare(
                "INSERT INTO spark_streams.kv (k, n, t) VALUES (?, ?, ?)",
                session: h.session
            )
            _ = try await h.engine.execute(
                prepared: insert.id,
                values: [bound(.text("a"), .text), bound(.int(1), .int), bound(.timestamp(1000), .timestamp)],
                session: &h.session
            )
            _ = try await h.engine.execute(
                prepared: insert.id,
                values: [bound(.int(2), .int), bound(.text("a"), .text)],
                names: ["n", "k"],
                session: &h.session
            )
            let select = try h.engine.prepare("SELECT n, t FROM spark_streams.kv WHERE k = ?", session: h.session)
            let result = try await h.engine.execute(
                prepared: select.id,
                values: [bound(.text("a"), .text)],
                session: &h.session
            )
            #expect(
                result == .rows(columns: select.resultColumns, rows: [[.int(2), .timestamp(1000)]], pagingState: nil)
            )

            let wrongSize = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(
                    prepared: insert.id,
                    values: [bound(.text("b"), .text), .bytes([0, 1, 2]), .null],
                    session: &h.session
                )
            }
            #expect(wrongSize?.code == .invalid)
            #expect(wrongSize?.message == "Invalid value for n of type int: int value of 3 bytes (expected 4)")
            let count = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(prepared: insert.id, values: [bound(.text("b"), .text)], session: &h.session)
            }
            #expect(count?.message == "There were 3 markers(?) in CQL but 1 bound variables")
            let unsetKey = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(prepared: insert.id, values: [.unset, .null, .null], session: &h.session)
            }
            #expect(unsetKey?.message == "Invalid unset value for column k")

            let unknown: [UInt8] = Array(repeating: 0xAB, count: 16)
            let unprepared = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(prepared: unknown, values: [], session: &h.session)
            }
            #expect(unprepared?.code == .unprepared)
            #expect(unprepared?.unpreparedID == unknown)
            let inBatch = await #expect(throws: CQLEngineError.self) {
                try await h.engine.batch([.prepared(unknown, [])], session: &h.session)
            }
            #expect(inBatch?.unpreparedID == unknown)

            // Simple statements take values too (QUERY with values), typed by their markers.
            try await h.run(
                "UPDATE spark_streams.kv SET n = :n WHERE k = :k",
                [bound(.text("a"), .text), bound(.int(9), .int)],
                names: ["k", "n"]
            )
            #expect(try await h.rows("SELECT n FROM spark_streams.kv WHERE k = 'a'") == [[.int(9)]])
            #expect(
                await h.error("SELECT * FROM spark_streams.kv WHERE k = ?", [.bytes([0xFF, 0xFE])])?.message.hasPrefix(
                    "Invalid value for k of type text"
                ) == true
            )
        }
    }

    @Test("prepared statements on a dropped table fail with Invalid; the cache is bounded")
    func lifecycle() async throws {
        try await withEngineHarness(configuration: CQLEngineConfiguration(maxPreparedStatements: 2)) { h in
            try await h.run("CREATE TABLE spark_streams.gone (k int PRIMARY KEY)")
            let select = try h.engine.prepare("SELECT * FROM spark_streams.gone", session: h.session)
            try await h.run("DROP TABLE spark_streams.gone")
            let dropped = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(prepared: select.id, values: [], session: &h.session)
            }
            #expect(dropped?.message == "unconfigured table gone")
            let first = try h.engine.prepare("SELECT * FROM system.local", session: h.session)
            _ = try h.engine.prepare("SELECT * FROM system.peers", session: h.session)
            _ = try h.engine.prepare("SELECT * FROM system.peers_v2", session: h.session)
            let evicted = await #expect(throws: CQLEngineError.self) {
                try await h.engine.execute(prepared: first.id, values: [], session: &h.session)
            }
            #expect(evicted?.code == .unprepared)
        }
    }

    @Test("MD5 matches RFC 1321's test vectors")
    func md5() {
        func hex(_ text: String) -> String {
            MD5.digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(hex(String(repeating: "1234567890", count: 8)) == "57edf4a22be3c955ac49da2e2107b67a")
    }
}
