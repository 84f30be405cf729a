import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL engine smoke")
struct SmokeTests {
    @Test("create, insert, select")
    func basic() async throws {
        let h = try EngineHarness()
        defer { Task { await h.close() } }
        try await h.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await h.run("CREATE TABLE ks.t (k int, c text, v text, PRIMARY KEY (k, c))")
        try await h.run("INSERT INTO ks.t (k, c, v) VALUES (1, 'a', 'x')")
        let rows = try await h.rows("SELECT * FROM ks.t WHERE k = 1")
        #expect(rows == [[.int(1), .text("a"), .text("x")]])
        let local = try await h.rows("SELECT * FROM system.local WHERE key='local'")
        #expect(local.count == 1)
    }
}
