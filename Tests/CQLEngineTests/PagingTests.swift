import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL engine: paging")
struct PagingTests {
    /// Pages through a query, re-sending the same text and values with each paging state.
    func allPages(
        _ h: EngineHarness,
        _ query: String,
        _ values: [CQLBoundValue] = [],
        pageSize: Int32
    ) async throws -> (rows: [[CQLValue]], pages: [Int]) {
        var rows: [[CQLValue]] = []
        var pages: [Int] = []
        var state: [UInt8]?
        repeat {
            guard
                case .rows(_, let page, let next) = try await h.run(
                    query,
                    values,
                    pageSize: pageSize,
                    pagingState: state
                )
            else {
                throw TestFailure("not rows")
            }
            rows += page
            pages.append(page.count)
            state = next
        } while state != nil && pages.count < 1_000
        return (rows, pages)
    }

    @Test("1,050 rows in pages of 100: every row exactly once, in order")
    func thousandFifty() async throws {
        try await withEngineHarness { h in
            try await h.run("CREATE TABLE spark_streams.items (bucket int, id int, v text, PRIMARY KEY (bucket, id))")
            let prepared = try h.engine.prepare(
                "INSERT INTO spark_streams.items (bucket, id, v) VALUES (?, ?, ?)",
                session: h.session
            )
            var statements: [CQLBatchStatement] = []
            for i in 0..<1_050 {
                statements.append(
                    .prepared(
                        prepared.id,
                        [bound(.int(Int32(i % 7)), .int), bound(.int(Int32(i)), .int), bound(.text("v\(i)"), .text)]
                    )
                )
            }
            _ = try await h.engine.batch(statements, type: .unlogged, session: &h.session)

            let (rows, pages) = try await allPages(h, "SELECT bucket, id FROM spark_streams.items", pageSize: 100)
            #expect(pages == Array(repeating: 100, count: 10) + [50])
            #expect(rows.count == 1_050)
            #expect(Set(rows.map { $0[1] }).count == 1_050)
            let expected = (0..<1_050).sorted { ($0 % 7, $0) < ($1 % 7, $1) }.map {
                [CQLValue.int(Int32($0 % 7)), .int(Int32($0))]
            }
            #expect(rows == expected)

            // DESC order within a partition, pages of 100 with a LIMIT that ends mid-page.
            let (desc, descPages) = try await allPages(
                h,
                "SELECT id FROM spark_streams.items WHERE bucket = ? ORDER BY id DESC LIMIT 120",
                [bound(.int(3), .int)],
                pageSize: 100
            )
            #expect(descPages == [100, 20])
            let bucket3: [Int] = (0..<1_050).filter { $0 % 7 == 3 }
            let expectedDesc: [[CQLValue]] = bucket3.reversed().prefix(120).map { [CQLValue.int(Int32($0))] }
            #expect(desc == expectedDesc)

            // IN on the partition key, with filtering on a regular column.
            let (filtered, _) = try await allPages(
                h,
                "SELECT id FROM spark_streams.items WHERE bucket IN (1, 2) AND v > 'v5' ALLOW FILTERING",
                pageSize: 33
            )
            let expectedFiltered = (0..<1_050).filter { [1, 2].contains($0 % 7) && "v\($0)" > "v5" }
                .sorted { ($0 % 7, $0) < ($1 % 7, $1) }
            #expect(filtered == expectedFiltered.map { [CQLValue.int(Int32($0))] })

            // Exactly a multiple of the page size: no empty trailing page is needed.
            let (exact, exactPages) = try await allPages(
                h,
                "SELECT id FROM spark_streams.items WHERE bucket = 0 LIMIT 100",
                pageSize: 50
            )
            #expect(exact.count == 100)
            #expect(exactPages == [50, 50])

            // Rows written between pages after the resume point show up; the ones before do not repeat.
            guard
                case .rows(_, let first, let state?) = try await h.run(
                    "SELECT id FROM spark_streams.items WHERE bucket = 0",
                    pageSize: 10
                )
            else {
                Issue.record("no paging state")
                return
            }
            try await h.run("INSERT INTO spark_streams.items (bucket, id, v) VALUES (0, 5000, 'late')")
            guard
                case .rows(_, let second, _) = try await h.run(
                    "SELECT id FROM spark_streams.items WHERE bucket = 0",
                    pageSize: 1_000,
                    pagingState: state
                )
            else {
                Issue.record("no rows")
                return
            }
            #expect(Set(first).isDisjoint(with: Set(second)))
            #expect(first.count + second.count == 151)
        }
    }

    @Test("unpaged results are bounded; a paging state only resumes its own query")
    func bounds() async throws {
        try await withEngineHarness(configuration: CQLEngineConfiguration(maxPageSize: 20, maxResultRows: 50)) { h in
            try await h.run("CREATE TABLE spark_streams.n (k int PRIMARY KEY)")
            for k in 0..<60 { try await h.run("INSERT INTO spark_streams.n (k) VALUES (\(k))") }
            let tooMany = await h.error("SELECT * FROM spark_streams.n")
            #expect(tooMany?.code == .invalid)
            #expect(
                tooMany?.message
                    == "The query returns more than 50 rows; page through it (set a page size) or add a LIMIT"
            )
            #expect(try await h.rows("SELECT * FROM spark_streams.n LIMIT 50").count == 50)
            // Page sizes above the maximum are clamped.
            guard
                case .rows(_, let page, let state?) = try await h.run("SELECT * FROM spark_streams.n", pageSize: 5_000)
            else {
                Issue.record("no paging state")
                return
            }
            #expect(page.count == 20)
            let other = await #expect(throws: CQLEngineError.self) {
                try await h.run("SELECT k FROM spark_streams.n", pageSize: 20, pagingState: state)
            }
            #expect(other?.message == "The paging state does not belong to this query (text or values differ)")
            let garbage = await #expect(throws: CQLEngineError.self) {
                try await h.run("SELECT * FROM spark_streams.n", pageSize: 20, pagingState: [1, 2, 3])
            }
            #expect(garbage?.code == .protocolError)
        }
    }

    @Test("computed tables and DESCRIBE page by offset")
    func computedTables() async throws {
        try await withEngineHarness { h in
            let all = try await h.rows("SELECT * FROM system_schema.columns")
            #expect(all.count > 100)
            let (paged, pages) = try await allPages(h, "SELECT * FROM system_schema.columns", pageSize: 100)
            #expect(paged == all)
            #expect(pages.count == (all.count + 99) / 100)
            let (described, _) = try await allPages(h, "DESCRIBE FULL SCHEMA", pageSize: 3)
            guard case .rows(_, let full, _) = try await h.run("DESCRIBE FULL SCHEMA") else {
                Issue.record("rows"); return
            }
            #expect(described == full)
        }
    }
}
