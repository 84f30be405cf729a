import Foundation
import Testing

@testable import TrinoFrontEnd

@Suite("Query lifecycle: submit, pages, cancel, expiry, limits")
struct QueryLifecycleTests {
    @Test("submit queues; next pages through the rows; the last page has no nextUri and is FINISHED")
    func pages() async throws {
        try await withTrinoTestStore { fixture in
            var configuration = TrinoQueryManagerConfiguration()
            configuration.pageRowLimit = 2
            let manager = fixture.manager(configuration)

            let first = manager.submit(
                sql: "SELECT username FROM created_users ORDER BY username",
                session: sparkStreams,
                baseURL: TrinoTestStore.baseURL
            )
            #expect(first.results.stats.state == "QUEUED")
            #expect(first.results.stats.queued)
            #expect(first.results.columns == nil)
            #expect(first.results.error == nil)
            let id = first.results.id
            #expect(id.wholeMatch(of: /\d{8}_\d{6}_\d{5}_[a-z]{5}/) != nil)
            #expect(first.results.infoUri == "http://localhost:8080/ui/query.html?\(id)")
            let queued = try #require(first.results.nextUri)
            #expect(queued.hasPrefix("http://localhost:8080/v1/statement/queued/\(id)/"))
            #expect(queued.hasSuffix("/1"))

            let result = try await manager.run("SELECT username FROM created_users ORDER BY username")
            #expect(result.error == nil)
            #expect(result.rows == (0..<5).map { [.string("user\($0)")] })
            let pages = result.responses.dropFirst()
            #expect(pages.map { $0.results.data?.count ?? 0 } == [2, 2, 1])
            #expect(pages.dropLast().allSatisfy { $0.results.stats.state == "RUNNING" && $0.results.nextUri != nil })
            #expect(pages.last?.results.stats.state == "FINISHED")
            #expect(pages.last?.results.nextUri == nil)
            #expect(pages.allSatisfy { $0.results.columns?.map(\.name) == ["username"] })
        }
    }

    @Test("the same token again returns the same page; skipping ahead is 410, a wrong slug or id 404")
    func tokens() async throws {
        try await withTrinoTestStore { fixture in
            var configuration = TrinoQueryManagerConfiguration()
            configuration.pageRowLimit = 2
            let manager = fixture.manager(configuration)
            let submitted = manager.submit(
                sql: "SELECT id FROM created_users",
                session: sparkStreams,
                baseURL: "http://h"
            )
            let path = try #require(
                TrinoStatementPath(path: String(submitted.results.nextUri!.dropFirst("http://h".count)))
            )

            let page1 = try await manager.next(queryID: path.queryID, slug: path.slug, token: 1, baseURL: "http://h")
            let again = try await manager.next(queryID: path.queryID, slug: path.slug, token: 1, baseURL: "http://h")
            #expect(page1 == again)
            #expect(page1.results.data?.count == 2)
            await #expect(throws: TrinoRequestError.gone(path.queryID, token: 5)) {
                try await manager.next(queryID: path.queryID, slug: path.slug, token: 5, baseURL: "http://h")
            }
            await #expect(throws: TrinoRequestError.notFound(path.queryID)) {
                try await manager.next(queryID: path.queryID, slug: "wrong", token: 2, baseURL: "http://h")
            }
            await #expect(throws: TrinoRequestError.notFound("nope")) {
                try await manager.next(queryID: "nope", slug: path.slug, token: 2, baseURL: "http://h")
            }
            let page2 = try await manager.next(queryID: path.queryID, slug: path.slug, token: 2, baseURL: "http://h")
            #expect(page2.results.data?.count == 2)
            #expect(page2.results.data != page1.results.data)
        }
    }

    @Test("cancel forgets the query: its nextUri is then 404")
    func cancel() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let submitted = manager.submit(sql: "SELECT 1", session: sparkStreams, baseURL: "http://h")
            let path = try #require(
                TrinoStatementPath(path: String(submitted.results.nextUri!.dropFirst("http://h".count)))
            )
            #expect(manager.queryCount == 1)
            #expect(!manager.cancel(queryID: path.queryID, slug: "wrong"))
            #expect(manager.cancel(queryID: path.queryID, slug: path.slug))
            #expect(manager.queryCount == 0)
            await #expect(throws: TrinoRequestError.notFound(path.queryID)) {
                try await manager.next(queryID: path.queryID, slug: path.slug, token: 1, baseURL: "http://h")
            }
        }
    }

    @Test("a running query is interrupted by cancel and by the time limit (EXCEEDED_TIME_LIMIT)")
    func interrupts() async throws {
        try await withTrinoTestStore { fixture in
            var configuration = TrinoQueryManagerConfiguration()
            configuration.queryTimeLimit = .milliseconds(200)
            let manager = fixture.manager(configuration)
            let slow = """
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)
                SELECT count(*) FROM c
                """
            let started = ContinuousClock.now
            let result = try await manager.run(slow)
            #expect(ContinuousClock.now - started < .seconds(10))
            let error = try #require(result.error)
            #expect(error.errorName == "EXCEEDED_TIME_LIMIT")
            #expect(error.errorCode == 131_075)
            #expect(error.errorType == "INSUFFICIENT_RESOURCES")
            #expect(error.message == "Query exceeded the maximum execution time limit of 0.20s")
            #expect(result.responses.last?.results.stats.state == "FAILED")
            #expect(result.responses.last?.results.nextUri == nil)

            // Cancel from another task while the query runs.
            var unlimited = TrinoQueryManagerConfiguration()
            unlimited.queryTimeLimit = .seconds(600)
            let patient = fixture.manager(unlimited)
            let submitted = patient.submit(sql: slow, session: sparkStreams, baseURL: "http://h")
            let path = try #require(
                TrinoStatementPath(path: String(submitted.results.nextUri!.dropFirst("http://h".count)))
            )
            async let page = patient.next(queryID: path.queryID, slug: path.slug, token: 1, baseURL: "http://h")
            try await Task.sleep(for: .milliseconds(100))
            #expect(patient.cancel(queryID: path.queryID, slug: path.slug))
            let cancelled = try await page
            #expect(cancelled.results.error?.errorName == "USER_CANCELED")
            #expect(cancelled.results.nextUri == nil)
        }
    }

    @Test("queries not polled within the abandoned-query timeout are dropped; finished ones after their retention")
    func expiry() async throws {
        try await withTrinoTestStore { fixture in
            let clock = ManualClock()
            var configuration = TrinoQueryManagerConfiguration()
            configuration.abandonedQueryTimeout = .seconds(60)
            configuration.finishedQueryRetention = .seconds(5)
            let manager = fixture.manager(configuration, now: clock.now)
            let abandoned = manager.submit(sql: "SELECT 1", session: sparkStreams, baseURL: "http://h")
            let path = try #require(
                TrinoStatementPath(path: String(abandoned.results.nextUri!.dropFirst("http://h".count)))
            )
            clock.advance(.seconds(59))
            manager.expireAbandonedQueries()
            #expect(manager.queryCount == 1)
            clock.advance(.seconds(2))
            manager.expireAbandonedQueries()
            #expect(manager.queryCount == 0)
            await #expect(throws: TrinoRequestError.notFound(path.queryID)) {
                try await manager.next(queryID: path.queryID, slug: path.slug, token: 1, baseURL: "http://h")
            }

            // A finished query stays for retries of its last page, then goes.
            _ = try await manager.run("SELECT 1")
            #expect(manager.queryCount == 1)
            clock.advance(.seconds(6))
            manager.expireAbandonedQueries()
            #expect(manager.queryCount == 0)
        }
    }

    @Test("at most maxLiveQueries queries at once: more fail with QUERY_QUEUE_FULL")
    func liveQueryLimit() async throws {
        try await withTrinoTestStore { fixture in
            var configuration = TrinoQueryManagerConfiguration()
            configuration.maxLiveQueries = 2
            let manager = fixture.manager(configuration)
            let one = manager.submit(sql: "SELECT 1", session: sparkStreams, baseURL: "http://h")
            _ = manager.submit(sql: "SELECT 2", session: sparkStreams, baseURL: "http://h")
            let third = manager.submit(sql: "SELECT 3", session: sparkStreams, baseURL: "http://h")
            #expect(third.results.error?.errorName == "QUERY_QUEUE_FULL")
            #expect(third.results.nextUri == nil)
            #expect(third.results.stats.state == "FAILED")
            // Reading one to the end frees its slot.
            var next = one.results.nextUri
            while let uri = next {
                let path = try #require(TrinoStatementPath(path: String(uri.dropFirst("http://h".count))))
                next = try await manager.next(
                    queryID: path.queryID,
                    slug: path.slug,
                    token: path.token,
                    baseURL: "http://h"
                )
                .results.nextUri
            }
            #expect(manager.submit(sql: "SELECT 4", session: sparkStreams, baseURL: "http://h").results.error == nil)
        }
    }

    @Test("a result larger than maxResultRows fails clearly instead of being cut")
    func rowLimit() async throws {
        try await withTrinoTestStore { fixture in
            var configuration = TrinoQueryManagerConfiguration()
            configuration.maxResultRows = 3
            let manager = fixture.manager(configuration)
            let tooMany = try await manager.run("SELECT * FROM created_users")
            #expect(tooMany.error?.errorName == "GENERIC_INSUFFICIENT_RESOURCES")
            #expect(tooMany.error?.message.contains("3 rows") == true)
            #expect(tooMany.rows.isEmpty)
            let fits = try await manager.run("SELECT * FROM created_users LIMIT 3")
            #expect(fits.error == nil)
            #expect(fits.rows.count == 3)
        }
    }
}
