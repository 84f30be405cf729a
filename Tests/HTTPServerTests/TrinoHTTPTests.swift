import Foundation
import HTTPServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Trino's client protocol through HTTP, the way the `trino` Python client drives it.
@Suite("Trino over HTTP: submit, page through nextUri, cancel, errors")
struct TrinoHTTPTests {
    static let session: HTTPFields = [
        HTTPField.Name("X-Trino-User")!: "trino",
        HTTPField.Name("X-Trino-Catalog")!: "cassandra",
        HTTPField.Name("X-Trino-Schema")!: "spark_streams",
        // As behind a proxy; without it nextUri follows the Host header (the interop tests' real sockets check that).
        HTTPField.Name("X-Forwarded-Host")!: "trino:8080",
    ]

    /// Submits `sql` and follows `nextUri` to the end; returns the columns, rows and the last document.
    static func run(
        _ sql: String,
        client: some TestClientProtocol
    ) async throws -> (columns: [[String: Any]], rows: [[Any]], last: [String: Any], setSession: [String]) {
        var setSession: [String] = []
        let setSessionName = HTTPField.Name("X-Trino-Set-Session")!
        var document = try await client.execute(
            uri: "/v1/statement",
            method: .post,
            headers: session,
            body: ByteBuffer(string: sql)
        ) { response -> [String: Any] in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            setSession += response.headers[values: setSessionName]
            return try #require(response.json)
        }
        var columns: [[String: Any]] = []
        var rows: [[Any]] = []
        var pages = 0
        while true {
            if let c = document["columns"] as? [[String: Any]] { columns = c }
            rows += (document["data"] as? [[Any]]) ?? []
            guard let next = document["nextUri"] as? String else { break }
            // nextUri is built from the request's host.
            #expect(next.hasPrefix("http://trino:8080/v1/statement/"))
            let path = String(next.dropFirst("http://trino:8080".count))
            document = try await client.execute(uri: path, method: .get, headers: session) { response in
                #expect(response.status == .ok)
                setSession += response.headers[values: setSessionName]
                return try #require(response.json)
            }
            pages += 1
            #expect(pages < 1000)
        }
        return (columns, rows, document, setSession)
    }

    @Test func theSchemaIsTheStoresKeyspace() async throws {
        try await withHTTPTestStore(users: 7, keyspace: "other_ks") { fixture in
            try await fixture.application().test(.router) { client in
                let schemas = try await Self.run("SHOW SCHEMAS", client: client)
                #expect(schemas.rows.compactMap { $0.first as? String }.contains("other_ks"), "\(schemas.rows)")
                let count = try await Self.run("SELECT count(*) FROM cassandra.other_ks.created_users", client: client)
                #expect(count.rows.first?.first as? Int == 7, "\(count.last)")
            }
        }
    }

    @Test func groupByGenderThroughNextUri() async throws {
        try await withHTTPTestStore(users: 40) { fixture in
            try await fixture.application().test(.router) { client in
                let result = try await Self.run(
                    "SELECT gender, count(*) AS n FROM created_users GROUP BY gender ORDER BY gender",
                    client: client
                )
                #expect(result.columns.map { $0["name"] as? String } == ["gender", "n"])
                #expect(result.columns.map { $0["type"] as? String } == ["varchar", "bigint"])
                #expect(result.rows.count == 2)
                let total = result.rows.compactMap { $0.last as? Int }.reduce(0, +)
                #expect(total == 40)
                #expect((result.last["stats"] as? [String: Any])?["state"] as? String == "FINISHED")
            }
        }
    }

    @Test func failedQueryCarriesTrinoErrorShape() async throws {
        try await withHTTPTestStore(users: 1) { fixture in
            try await fixture.application().test(.router) { client in
                let result = try await Self.run("SELECT nope FROM no_such_table", client: client)
                let error = try #require(result.last["error"] as? [String: Any])
                #expect(error["errorName"] as? String != nil)
                #expect(error["errorType"] as? String != nil)
                #expect((result.last["stats"] as? [String: Any])?["state"] as? String == "FAILED")
            }
        }
    }

    @Test func deleteCancelsAndUnknownQueriesAre404() async throws {
        try await withHTTPTestStore(users: 5) { fixture in
            try await fixture.application().test(.router) { client in
                let next = try await client.execute(
                    uri: "/v1/statement",
                    method: .post,
                    headers: Self.session,
                    body: ByteBuffer(string: "SELECT * FROM created_users")
                ) { response in
                    try #require(response.json?["nextUri"] as? String)
                }
                let path = String(next.dropFirst("http://trino:8080".count))
                try await client.execute(uri: path, method: .delete, headers: Self.session) { response in
                    #expect(response.status == .noContent)
                }
                try await client.execute(
                    uri: "/v1/statement/executing/20240101_000000_00000_zzzzz/yabc/1",
                    method: .get,
                    headers: Self.session
                ) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/v1/statement/not/a/path", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test func sessionHeadersAreAnswered() async throws {
        try await withHTTPTestStore(users: 1) { fixture in
            try await fixture.application().test(.router) { client in
                let result = try await Self.run("SET SESSION query_max_run_time = '10m'", client: client)
                #expect(result.setSession == ["query_max_run_time=10m"])
                let version = try await Self.run("SELECT version()", client: client)
                #expect(version.rows.count == 1)
            }
        }
    }
}
