import CQLWire
import Logging
import NIOCore
import Synchronization
import Testing

@testable import CQLClient

/// The client against `ScriptedCQLServer` over loopback.
@Suite("CQLClient against a scripted server")
struct CQLClientTests {
    static func client(
        _ server: ScriptedCQLServer,
        credentials: CQLClientConfiguration.Credentials? = nil,
        connectionsPerHost: Int = 1,
        maximumInFlight: Int = 1024,
        requestTimeout: Duration = .seconds(10),
        retryPolicy: CQLClientConfiguration.RetryPolicy = .init(),
        keyspace: String? = nil
    ) throws -> CQLClient {
        var logger = Logger(label: "cql.tests")
        logger.logLevel = .warning
        return try CQLClient(
            configuration: CQLClientConfiguration(
                contactPoints: [CQLEndpoint(host: "127.0.0.1", port: server.port)],
                credentials: credentials,
                connectionsPerHost: connectionsPerHost,
                maximumInFlightPerConnection: maximumInFlight,
                requestTimeout: requestTimeout,
                connectTimeout: .seconds(5),
                retryPolicy: retryPolicy,
                keyspace: keyspace
            ),
            logger: logger
        )
    }

    /// Answers `SELECT …` with one row holding the query text, everything else with Void.
    static let echo: ScriptedCQLServer.Script = { request in
        if case .query(let query) = request.request {
            return .respond(.rows(["q"], [[.text(query.query)]]))
        }
        return .respond(.void)
    }

    @Test func handshakeWithoutAuthentication() async throws {
        let server = try await ScriptedCQLServer(script: Self.echo)
        let client = try Self.client(server, keyspace: "spark_streams")
        try await client.connect()
        let result = try await client.query("SELECT release_version FROM system.local")
        #expect(result.rows == [[.text("SELECT release_version FROM system.local")]])
        #expect(result.columns.map(\.name) == ["q"])
        #expect(server.authTokens.isEmpty)
        try await client.close()
        await server.shutdown()
    }

    @Test func handshakeWithPasswordAuthenticator() async throws {
        let server = try await ScriptedCQLServer(credentials: ("cassandra", "s3cret"), script: Self.echo)
        let client = try Self.client(server, credentials: .init(username: "cassandra", password: "s3cret"))
        let result = try await client.query("SELECT 1")
        #expect(result.rows.count == 1)
        #expect(server.authTokens == [[0] + Array("cassandra".utf8) + [0] + Array("s3cret".utf8)])
        try await client.close()
        await server.shutdown()
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let server = try await ScriptedCQLServer(credentials: ("cassandra", "s3cret"), script: Self.echo)
        let client = try Self.client(server, credentials: .init(username: "cassandra", password: "wrong"))
        let error = await #expect(throws: CQLClientError.self) { try await client.connect() }
        #expect(error?.code == .authentication)
        #expect(error?.serverCode == .authenticationError)
        #expect(error?.message.contains("incorrect") == true)
        // A query fails the same way, without retrying forever.
        let queryError = await #expect(throws: CQLClientError.self) { try await client.query("SELECT 1") }
        #expect(queryError?.code == .authentication)
        try await client.close()
        await server.shutdown()
    }

    @Test func missingCredentialsIsAnAuthenticationError() async throws {
        let server = try await ScriptedCQLServer(credentials: ("cassandra", "s3cret"), script: Self.echo)
        let client = try Self.client(server)
        let error = await #expect(throws: CQLClientError.self) { try await client.connect() }
        #expect(error?.code == .authentication)
        #expect(error?.message.contains("PasswordAuthenticator") == true)
        try await client.close()
        await server.shutdown()
    }

    @Test func unreachableNodeIsNoHostAvailable() async throws {
        // Bind a server, note its port, shut it down: nothing listens there any more.
        let server = try await ScriptedCQLServer(script: Self.echo)
        let port = server.port
        await server.shutdown()
        let client = try CQLClient(
            configuration: CQLClientConfiguration(contactPoints: [CQLEndpoint(host: "127.0.0.1", port: port)])
        )
        let error = await #expect(throws: CQLClientError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .noHostAvailable)
        try await client.close()
    }

    @Test func twoHundredConcurrentQueriesShareOneConnection() async throws {
        // Replies come back in a shuffled order: each must reach its own caller.
        let server = try await ScriptedCQLServer { request in
            guard case .query(let query) = request.request else { return .respond(.void) }
            let delay = Duration.milliseconds(Int.random(in: 0...40))
            return .respondAfter(
                delay,
                .rows(["q", "stream"], [[.text(query.query), .int(Int32(request.stream))]], types: [.text, .int])
            )
        }
        let client = try Self.client(server, connectionsPerHost: 1, maximumInFlight: 128)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let result = try await client.query("SELECT \(index)")
                    #expect(result.rows.first?.first == .text("SELECT \(index)"))
                }
            }
            try await group.waitForAll()
        }
        #expect(server.accepted == 1, "one connection carried every request")
        #expect(server.maximumInFlight > 1, "requests overlapped on the connection")
        #expect(server.maximumInFlight <= 128, "at most maximumInFlightPerConnection stream ids in use")
        try await client.close()
        await server.shutdown()
    }

    @Test func pagingThroughThreePages() async throws {
        let server = try await ScriptedCQLServer { request in
            guard case .query(let query) = request.request else { return .respond(.void) }
            #expect(query.parameters.pageSize == 3)
            let page = Int(query.parameters.pagingState?.first ?? 0)
            let rows = (0..<3).map { [CQLValue.int(Int32(page * 3 + $0))] }
            return .respond(
                .rows(["n"], rows, pagingState: page < 2 ? [UInt8(page + 1)] : nil, types: [.int])
            )
        }
        let client = try Self.client(server)
        var values: [Int32] = []
        for try await row in client.queryPages("SELECT n FROM ks.t", pageSize: 3).rows {
            if case .int(let value) = row[0] { values.append(value) }
        }
        #expect(values == Array(0..<9))
        var pages = 0
        for try await page in client.queryPages("SELECT n FROM ks.t", pageSize: 3) {
            pages += 1
            #expect(page.hasMorePages == (pages < 3))
        }
        #expect(pages == 3)
        try await client.close()
        await server.shutdown()
    }

    @Test func unpreparedStatementIsPreparedAgainAndRetried() async throws {
        let known = Mutex<Set<[UInt8]>>([])
        let counts = Mutex<(prepares: Int, executes: Int)>((0, 0))
        let id: [UInt8] = [0xAB, 0xCD]
        let server = try await ScriptedCQLServer { request in
            switch request.request {
            case .prepare(let prepare):
                counts.withLock { $0.prepares += 1 }
                known.withLock { _ = $0.insert(id) }
                #expect(prepare.query == "SELECT name FROM ks.t WHERE id = ?")
                let marker = CQLColumnSpec(keyspace: "ks", table: "t", name: "id", type: .int)
                let result = CQLColumnSpec(keyspace: "ks", table: "t", name: "name", type: .text)
                return .respond(
                    .result(
                        .prepared(
                            CQLPrepared(
                                id: id,
                                metadata: CQLPreparedMetadata(columns: [marker], partitionKeyIndexes: [0]),
                                resultMetadata: CQLRowsMetadata(columns: [result])
                            )
                        )
                    )
                )
            case .execute(let execute):
                let executes = counts.withLock { counts in
                    counts.executes += 1
                    return counts.executes
                }
                // The node "restarts" after the first execution: it forgets the statement once.
                if executes == 2 { known.withLock { $0.removeAll() } }
                guard known.withLock({ $0.contains(execute.id) }) else {
                    return .respond(
                        .error(CQLError(code: .unprepared, message: "unknown id", details: .unprepared(id: execute.id)))
                    )
                }
                let value = try! CQLValue(decoding: execute.parameters.values[0], as: .int)
                return .respond(.rows(["name"], [[.text("user \(value)")]]))
            default:
                return .respond(.void)
            }
        }
        let client = try Self.client(server)
        let statement = try await client.prepare("SELECT name FROM ks.t WHERE id = ?")
        #expect(statement.bindColumns.map(\.type) == [.int])
        #expect(statement.isIdempotent)
        #expect(try await client.execute(statement, [.int(1)]).rows == [[.text("user int(1)")]])
        // Second execution: UNPREPARED → PREPARE → EXECUTE again.
        #expect(try await client.execute(statement, [.bigint(2)]).rows == [[.text("user int(2)")]])
        #expect(counts.withLock { $0.prepares } == 2)
        #expect(counts.withLock { $0.executes } == 3)
        // The same text is served from the cache.
        _ = try await client.prepare("SELECT name FROM ks.t WHERE id = ?")
        #expect(counts.withLock { $0.prepares } == 2)
        // Wrong number of values is the caller's error, nothing is sent.
        let error = await #expect(throws: CQLClientError.self) { try await client.execute(statement, []) }
        #expect(error?.code == .invalidArgument)
        try await client.close()
        await server.shutdown()
    }

    @Test func requestTimeoutLeavesTheConnectionUsable() async throws {
        let server = try await ScriptedCQLServer { request in
            guard case .query(let query) = request.request else { return .respond(.void) }
            if query.query.contains("slow") { return .ignore }
            return .respond(.rows(["q"], [[.text(query.query)]]))
        }
        let client = try Self.client(server, requestTimeout: .milliseconds(300), retryPolicy: .none)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: CQLClientError.self) { try await client.query("SELECT slow") }
        #expect(error?.code == .timeout)
        #expect(clock.now - start >= .milliseconds(250))
        #expect(try await client.query("SELECT fast").rows == [[.text("SELECT fast")]])
        #expect(server.accepted == 1)
        try await client.close()
        await server.shutdown()
    }

    @Test func idempotentRequestIsRetriedAfterATimeout() async throws {
        let attempts = Mutex(0)
        let server = try await ScriptedCQLServer { request in
            guard case .query = request.request else { return .respond(.void) }
            let attempt = attempts.withLock { attempts in
                attempts += 1
                return attempts
            }
            return attempt == 1 ? .ignore : .respond(.rows(["q"], [[.text("ok")]]))
        }
        let client = try Self.client(server, requestTimeout: .milliseconds(200))
        #expect(try await client.query("SELECT x").rows == [[.text("ok")]])
        #expect(attempts.withLock { $0 } == 2)
        // A write is not retried.
        attempts.withLock { $0 = 0 }
        let error = await #expect(throws: CQLClientError.self) {
            try await client.query("INSERT INTO ks.t (a) VALUES (1)")
        }
        #expect(error?.code == .timeout)
        #expect(attempts.withLock { $0 } == 1)
        try await client.close()
        await server.shutdown()
    }

    @Test func connectionLossFailsInFlightRequestsAndThePoolReconnects() async throws {
        let server = try await ScriptedCQLServer { request in
            guard case .query(let query) = request.request else { return .respond(.void) }
            if query.query.hasPrefix("INSERT") { return .ignore }
            return .respond(.rows(["q"], [[.text(query.query)]]))
        }
        let client = try Self.client(server, connectionsPerHost: 1)
        try await client.connect()
        let failures = try await withThrowingTaskGroup(of: CQLClientError?.self) { group in
            for index in 0..<5 {
                group.addTask {
                    do {
                        try await client.query("INSERT INTO ks.t (a) VALUES (\(index))")
                        return nil
                    } catch let error as CQLClientError {
                        return error
                    }
                }
            }
            // Wait until the server holds all five, then cut the connection.
            while server.requests.count < 5 { try await Task.sleep(for: .milliseconds(5)) }
            await server.dropConnections()
            var failures: [CQLClientError] = []
            for try await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        #expect(failures.count == 5)
        for failure in failures {
            #expect(failure.code == .connection)
            #expect(failure.message.contains("closed"))
            #expect(failure.mayHaveBeenSent)
            #expect(failure.endpoint?.port == server.port)
        }
        // The next request opens a new connection.
        #expect(try await client.query("SELECT again").rows == [[.text("SELECT again")]])
        #expect(server.accepted == 2)
        try await client.close()
        await server.shutdown()
    }

    @Test func serverErrorsCarryTheirCode() async throws {
        let server = try await ScriptedCQLServer { _ in
            .respond(.error(CQLError(code: .invalid, message: "unconfigured table nope")))
        }
        let client = try Self.client(server)
        let error = await #expect(throws: CQLClientError.self) { try await client.query("SELECT * FROM ks.nope") }
        #expect(error?.code == .server)
        #expect(error?.serverCode == .invalid)
        #expect(error?.serverError?.message == "unconfigured table nope")
        #expect(server.requests.count == 1, "an Invalid error is not retried")
        try await client.close()
        await server.shutdown()
    }

    @Test func batchCarriesPreparedIdsAndQueries() async throws {
        let server = try await ScriptedCQLServer { request in
            switch request.request {
            case .prepare:
                let marker = CQLColumnSpec(keyspace: "ks", table: "t", name: "a", type: .bigint)
                return .respond(
                    .result(.prepared(CQLPrepared(id: [7], metadata: CQLPreparedMetadata(columns: [marker]))))
                )
            case .batch(let batch):
                #expect(batch.type == .unlogged)
                #expect(batch.statements.count == 3)
                #expect(batch.statements[0].kind == .prepared(id: [7]))
                #expect(batch.statements[0].values == [.bytes([0, 0, 0, 0, 0, 0, 0, 5])])
                #expect(batch.statements[2].kind == .query("DELETE FROM ks.t WHERE a = ?"))
                #expect(batch.statements[2].values == [.bytes([0, 0, 0, 9])])
                return .respond(.void)
            default:
                return .respond(.void)
            }
        }
        let client = try Self.client(server)
        let insert = try await client.prepare("INSERT INTO ks.t (a) VALUES (?)")
        try await client.batch([
            .prepared(insert, [.int(5)]), .prepared(insert, [.bigint(6)]),
            .query("DELETE FROM ks.t WHERE a = ?", [.int(9)]),
        ])
        try await client.close()
        await server.shutdown()
    }

    @Test func closedClientRefusesRequests() async throws {
        let server = try await ScriptedCQLServer(script: Self.echo)
        let client = try Self.client(server)
        try await client.connect()
        try await client.close()
        let error = await #expect(throws: CQLClientError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .closed)
        await server.shutdown()
    }
}

@Suite("CQLEndpoint parsing")
struct CQLEndpointTests {
    @Test func parsesHostsAndPorts() {
        #expect(CQLEndpoint(parsing: "cass-1") == CQLEndpoint(host: "cass-1", port: 9042))
        #expect(CQLEndpoint(parsing: " cass-1:9142 ") == CQLEndpoint(host: "cass-1", port: 9142))
        #expect(CQLEndpoint(parsing: "[::1]:9043") == CQLEndpoint(host: "::1", port: 9043))
        #expect(CQLEndpoint(parsing: "::1") == CQLEndpoint(host: "::1", port: 9042))
        #expect(CQLEndpoint(parsing: "host:0") == nil)
        #expect(CQLEndpoint(parsing: "host:x") == nil)
        #expect(CQLEndpoint(parsing: ":9042") == nil)
        #expect(
            CQLEndpoint.list(parsing: "a,b:1") == [CQLEndpoint(host: "a"), CQLEndpoint(host: "b", port: 1)]
        )
        #expect(CQLEndpoint.list(parsing: ",") == nil)
    }

    @Test func retryDecisions() {
        var once = false
        let lost = CQLClientError(.connection, "lost")
        #expect(CQLClient.shouldRetry(lost, idempotent: true, unavailableRetried: &once))
        #expect(!CQLClient.shouldRetry(lost, idempotent: false, unavailableRetried: &once))
        let notSent = CQLClientError(.connection, "refused", mayHaveBeenSent: false)
        #expect(CQLClient.shouldRetry(notSent, idempotent: false, unavailableRetried: &once))
        let overloaded = CQLClientError.server(CQLError(code: .overloaded, message: ""), endpoint: nil)
        #expect(CQLClient.shouldRetry(overloaded, idempotent: true, unavailableRetried: &once))
        #expect(!CQLClient.shouldRetry(overloaded, idempotent: false, unavailableRetried: &once))
        let bootstrapping = CQLClientError.server(CQLError(code: .isBootstrapping, message: ""), endpoint: nil)
        #expect(CQLClient.shouldRetry(bootstrapping, idempotent: false, unavailableRetried: &once))
        let unavailable = CQLClientError.server(
            CQLError(
                code: .unavailable,
                message: "",
                details: .unavailable(consistency: .quorum, required: 2, alive: 1)
            ),
            endpoint: nil
        )
        #expect(CQLClient.shouldRetry(unavailable, idempotent: false, unavailableRetried: &once))
        #expect(!CQLClient.shouldRetry(unavailable, idempotent: false, unavailableRetried: &once))
        let syntax = CQLClientError.server(CQLError(code: .syntaxError, message: ""), endpoint: nil)
        #expect(!CQLClient.shouldRetry(syntax, idempotent: true, unavailableRetried: &once))
    }

    @Test func leadingKeyword() {
        #expect(CQLStatementKind.leadingKeyword("  select * from t") == "SELECT")
        #expect(CQLStatementKind.leadingKeyword("-- c\n/* x */ INSERT INTO") == "INSERT")
        #expect(!CQLStatementKind.isSelect("DELETE FROM t"))
    }
}
