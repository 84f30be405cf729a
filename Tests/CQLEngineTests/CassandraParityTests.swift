import CQLEngine
import Testing

/// Drivers and processors starting together all send `CREATE … IF NOT EXISTS`: each must be a no-op or a creation,
/// never an error, as on Cassandra.
@Suite("Concurrent CREATE … IF NOT EXISTS")
struct ConcurrentDDLTests {
    @Test func concurrentCreatesOfOneKeyspaceAndTableAllSucceed() async throws {
        try await withEngineHarness { harness in
            let engine = harness.engine
            for round in 0..<5 {
                let statements = [
                    "CREATE KEYSPACE IF NOT EXISTS race\(round) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                    "CREATE TABLE IF NOT EXISTS race\(round).t (k text PRIMARY KEY, v bigint)",
                ]
                for statement in statements {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<8 {
                            group.addTask {
                                var session = CQLSession()
                                _ = try await engine.execute(
                                    statement,
                                    values: [],
                                    names: nil,
                                    session: &session,
                                    options: CQLExecutionOptions()
                                )
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                try await harness.run("INSERT INTO race\(round).t (k, v) VALUES ('a', 1)")
                #expect(try await harness.rows("SELECT v FROM race\(round).t WHERE k = 'a'") == [[.bigint(1)]])
            }
        }
    }
}

/// Cassandra refuses an empty single-column partition key on every write ("Key may not be empty").
@Suite("Empty partition keys")
struct EmptyPartitionKeyTests {
    @Test func writesWithAnEmptyPartitionKeyAreRefused() async throws {
        try await withEngineHarness { harness in
            try await harness.run(
                "CREATE KEYSPACE ek WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
            )
            try await harness.run("CREATE TABLE ek.t (k text PRIMARY KEY, v bigint)")
            try await harness.run("CREATE TABLE ek.c (a text, b text, v bigint, PRIMARY KEY ((a, b)))")
            for statement in [
                "INSERT INTO ek.t (k, v) VALUES ('', 1)",
                "UPDATE ek.t SET v = 1 WHERE k = ''",
                "DELETE FROM ek.t WHERE k = ''",
            ] {
                let error = await harness.error(statement)
                #expect(error?.message == "Key may not be empty", "\(statement): \(String(describing: error))")
            }
            // A composite partition key may have an empty component.
            try await harness.run("INSERT INTO ek.c (a, b, v) VALUES ('', 'x', 1)")
            #expect(try await harness.rows("SELECT v FROM ek.c WHERE a = '' AND b = 'x'") == [[.bigint(1)]])
        }
    }
}
