import CQLWire
import Foundation
import Logging
import Testing

@testable import CQLClient

/// The client against a real Cassandra node named by `USERSTREAM_CASSANDRA` (`host:port`; `make test-engines` starts
/// one, from Apache Cassandra 3.11.12), with `USERSTREAM_CASSANDRA_USER`/`USERSTREAM_CASSANDRA_PASSWORD` when the node
/// runs `PasswordAuthenticator`. Without the variable there is no node to talk to: the suite is not run (the scripted
/// server suite covers the same paths against our expectations of a node).
@Suite(
    "CQLClient against a real Cassandra node",
    .serialized,
    .enabled(if: CQLNode.fromEnvironment != nil, "USERSTREAM_CASSANDRA names no node")
)
struct CQLClientNodeTests {
    let node = CQLNode.fromEnvironment!

    /// A keyspace of its own per test, dropped at the end.
    func withKeyspace(
        _ name: String,
        connectionsPerHost: Int = 2,
        _ body: (CQLClient, String) async throws -> Void
    ) async throws {
        let client = try node.client(connectionsPerHost: connectionsPerHost)
        let keyspace = "cqlclient_\(name)"
        do {
            try await client.query("DROP KEYSPACE IF EXISTS \(keyspace)")
            try await client.query(
                "CREATE KEYSPACE \(keyspace) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await body(client, keyspace)
            try await client.query("DROP KEYSPACE IF EXISTS \(keyspace)")
        } catch {
            try? await client.close()
            throw error
        }
        try await client.close()
    }

    @Test func handshakeAndSystemLocal() async throws {
        let client = try node.client()
        let result = try await client.query("SELECT release_version, cql_version FROM system.local")
        #expect(result.columns.map(\.name) == ["release_version", "cql_version"])
        guard case .text(let version)? = result.rows.first?.first else {
            Issue.record("no release_version: \(result.rows)")
            return
        }
        #expect(version.hasPrefix("3.11"), "\(version)")
        try await client.close()
    }

    @Test func twoHundredConcurrentWritesAndReadsOverThePool() async throws {
        try await withKeyspace("pool", connectionsPerHost: 2) { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (k int PRIMARY KEY, v text)")
            let insert = try await client.prepare("INSERT INTO \(keyspace).t (k, v) VALUES (?, ?)")
            let select = try await client.prepare("SELECT v FROM \(keyspace).t WHERE k = ?")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { try await client.execute(insert, [.int(Int32(index)), .text("value \(index)")]) }
                }
                try await group.waitForAll()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let result = try await client.execute(select, [.int(Int32(index))])
                        #expect(result.rows == [[.text("value \(index)")]], "row \(index)")
                    }
                }
                try await group.waitForAll()
            }
            let count = try await client.query("SELECT count(*) FROM \(keyspace).t")
            #expect(count.rows == [[.bigint(200)]])
        }
    }

    @Test func preparedStatementIsPreparedAgainAfterTheNodeForgetsIt() async throws {
        try await withKeyspace("reprepare", connectionsPerHost: 1) { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (k int PRIMARY KEY, v text)")
            try await client.query("INSERT INTO \(keyspace).t (k, v) VALUES (1, 'before')")
            let select = try await client.prepare("SELECT v FROM \(keyspace).t WHERE k = ?")
            #expect(select.bindColumns.map(\.type) == [.int])
            #expect(try await client.execute(select, [.int(1)]).rows == [[.text("before")]])
            // Dropping the table makes the node forget every statement prepared on it: the next EXECUTE of the old
            // id is answered UNPREPARED, and the client must prepare it again and send it once more.
            try await client.query("DROP TABLE \(keyspace).t")
            try await client.query("CREATE TABLE \(keyspace).t (k int PRIMARY KEY, v text)")
            try await client.query("INSERT INTO \(keyspace).t (k, v) VALUES (1, 'after')")
            // One connection: the client sends EXECUTE with the old id straight away (no PREPARE first).
            let connection = try await client.pool.connection()
            #expect(connection.hasPrepared(select.id), "the client still believes the connection knows the id")
            #expect(try await client.execute(select, [.int(1)]).rows == [[.text("after")]])
            // The wrong number of values is the caller's error.
            let error = await #expect(throws: CQLClientError.self) { try await client.execute(select, []) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func pagingThroughAPartition() async throws {
        try await withKeyspace("paging") { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (p int, c int, v text, PRIMARY KEY (p, c))")
            let insert = try await client.prepare("INSERT INTO \(keyspace).t (p, c, v) VALUES (?, ?, ?)")
            for index in 0..<25 {
                try await client.execute(insert, [.int(1), .int(Int32(index)), .text("v\(index)")])
            }
            var values: [Int32] = []
            var pages = 0
            for try await page in client.queryPages("SELECT c FROM \(keyspace).t WHERE p = 1", pageSize: 7) {
                pages += 1
                #expect(page.rows.count <= 7)
                for row in page.rows { if case .int(let value) = row[0] { values.append(value) } }
            }
            #expect(values == Array(0..<25), "clustering order, every row once")
            #expect(pages >= 4)
            let select = try await client.prepare("SELECT c FROM \(keyspace).t WHERE p = ?")
            var prepared: [Int32] = []
            for try await row in client.executePages(select, [.int(1)], pageSize: 10).rows {
                if case .int(let value) = row[0] { prepared.append(value) }
            }
            #expect(prepared == Array(0..<25))
        }
    }

    @Test func batchesOfPreparedAndQueryStatements() async throws {
        try await withKeyspace("batches") { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (k bigint PRIMARY KEY, v text)")
            let insert = try await client.prepare("INSERT INTO \(keyspace).t (k, v) VALUES (?, ?)")
            try await client.batch([
                .prepared(insert, [.bigint(1), .text("one")]), .prepared(insert, [.bigint(2), .text("two")]),
                .query("INSERT INTO \(keyspace).t (k, v) VALUES (?, ?)", [.bigint(3), .text("three")]),
            ])
            try await client.batch(
                [
                    .query("DELETE FROM \(keyspace).t WHERE k = ?", [.bigint(2)]),
                    .prepared(insert, [.bigint(4), .text("four")]),
                ],
                type: .logged
            )
            let rows = try await client.query("SELECT k, v FROM \(keyspace).t").rows
            let stored = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[1]) })
            #expect(stored == [.bigint(1): .text("one"), .bigint(3): .text("three"), .bigint(4): .text("four")])
        }
    }

    @Test func lightweightTransactionsSayWhetherTheyApplied() async throws {
        try await withKeyspace("lwt") { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (k int PRIMARY KEY, v text)")
            let first = try await client.query("INSERT INTO \(keyspace).t (k, v) VALUES (1, 'a') IF NOT EXISTS")
            #expect(first.wasApplied == true)
            let second = try await client.query("INSERT INTO \(keyspace).t (k, v) VALUES (1, 'b') IF NOT EXISTS")
            #expect(second.wasApplied == false)
            #expect(second.columnIndex("v").map { second.rows.first?[$0] } == .text("a"), "the existing value")
            let update = try await client.query("UPDATE \(keyspace).t SET v = 'c' WHERE k = 1 IF v = 'a'")
            #expect(update.wasApplied == true)
            let stale = try await client.query("UPDATE \(keyspace).t SET v = 'd' WHERE k = 1 IF v = 'a'")
            #expect(stale.wasApplied == false)
            #expect(try await client.query("SELECT v FROM \(keyspace).t WHERE k = 1").rows == [[.text("c")]])
        }
    }

    @Test func errorsCarryTheNodesCodes() async throws {
        try await withKeyspace("errors") { client, keyspace in
            try await client.query("CREATE TABLE \(keyspace).t (k int PRIMARY KEY, v text)")
            let cases: [(String, CQLErrorCode)] = [
                ("SELEC v FROM \(keyspace).t", .syntaxError),
                ("SELECT v FROM \(keyspace).nope", .invalid),
                ("SELECT nope FROM \(keyspace).t", .invalid),
                ("INSERT INTO \(keyspace).t (k, v) VALUES ('text', 'v')", .invalid),
                ("CREATE TABLE \(keyspace).t (k int PRIMARY KEY)", .alreadyExists),
                (
                    "CREATE KEYSPACE \(keyspace) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                    .alreadyExists
                ),
            ]
            for (statement, code) in cases {
                let error = await #expect(throws: CQLClientError.self, "\(statement)") {
                    try await client.query(statement)
                }
                #expect(error?.code == .server, "\(statement)")
                #expect(error?.serverCode == code, "\(statement): \(String(describing: error))")
                #expect(error?.serverError?.message.isEmpty == false, "\(statement)")
            }
            let prepareError = await #expect(throws: CQLClientError.self) {
                try await client.prepare("SELECT v FROM \(keyspace).nope WHERE k = ?")
            }
            #expect(prepareError?.serverCode == .invalid)
            // The connection is still usable after every error.
            #expect(try await client.query("SELECT count(*) FROM \(keyspace).t").rows == [[.bigint(0)]])
        }
    }

    @Test(
        .enabled(if: CQLNode.fromEnvironment?.credentials != nil, "the node does not run PasswordAuthenticator")
    )
    func passwordAuthenticator() async throws {
        let credentials = try #require(node.credentials)
        let client = try node.client()
        let result = try await client.query("SELECT release_version FROM system.local")
        #expect(result.rows.count == 1)
        try await client.close()

        let wrong = try node.client(credentials: .init(username: credentials.username, password: "wrong-password"))
        let error = await #expect(throws: CQLClientError.self) { try await wrong.connect() }
        #expect(error?.code == .authentication, "\(String(describing: error))")
        #expect(error?.serverCode == .authenticationError, "\(String(describing: error))")
        let queryError = await #expect(throws: CQLClientError.self) {
            try await wrong.query("SELECT now() FROM system.local")
        }
        #expect(queryError?.code == .authentication)
        try await wrong.close()

        // `.some(nil)`: no credentials at all (a bare `nil` would mean the node's default credentials).
        let anonymous = try node.client(credentials: .some(nil))
        let missing = await #expect(throws: CQLClientError.self) { try await anonymous.connect() }
        #expect(missing?.code == .authentication, "\(String(describing: missing))")
        try await anonymous.close()
    }
}

/// The node the environment names.
struct CQLNode: Sendable {
    let endpoint: CQLEndpoint
    let credentials: CQLClientConfiguration.Credentials?

    static var fromEnvironment: CQLNode? {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["USERSTREAM_CASSANDRA"], let endpoint = CQLEndpoint(parsing: text) else {
            return nil
        }
        var credentials: CQLClientConfiguration.Credentials?
        if let user = environment["USERSTREAM_CASSANDRA_USER"], !user.isEmpty {
            credentials = .init(username: user, password: environment["USERSTREAM_CASSANDRA_PASSWORD"] ?? "")
        }
        return CQLNode(endpoint: endpoint, credentials: credentials)
    }

    func client(
        connectionsPerHost: Int = 2,
        credentials: CQLClientConfiguration.Credentials?? = .none
    ) throws -> CQLClient {
        var logger = Logger(label: "cql.node.tests")
        logger.logLevel = .warning
        return try CQLClient(
            configuration: CQLClientConfiguration(
                contactPoints: [endpoint],
                credentials: credentials ?? self.credentials,
                connectionsPerHost: connectionsPerHost,
                requestTimeout: .seconds(30),
                connectTimeout: .seconds(10),
                retryPolicy: .none
            ),
            logger: logger
        )
    }
}
