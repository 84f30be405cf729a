import Foundation
import RandomUser
import Testing
import UserStreamBench
import UserStreamCore

@Suite("UserStreamBench: the insert ceiling")
struct InsertCeilingTests {
    @Test("the insert ceiling measures raw inserts and removes its file")
    func insertCeiling() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = SyntheticUserGenerator(seed: 7)
        let rows = try generator.next(count: 2_000).map {
            try UserRecord(flattening: $0, ingestedAt: "2026-01-01T00:00:00.000Z")
        }
        let result = try InsertCeiling.measure(rows: rows, transactionSize: 500, directory: directory.path)
        #expect(result.rows == 2_000)
        #expect(result.transactionSize == 500)
        #expect(result.rowsPerSecond > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
