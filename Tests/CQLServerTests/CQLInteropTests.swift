import CQLServer
import CQLServerTestSupport
import Foundation
import SQLiteStore
import Testing
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

/// Real clients we did not write against our CQL server: cqlsh and the DataStax Python driver (PyPI), and Debian's
/// python3-cassandra.
@Suite(.serialized) struct CQLInteropTests {
    static let packageRoot = InteropEnvironment.packageRoot
    static var venv: String { InteropEnvironment.virtualenvBin }

    static func cqlsh(_ port: Int, _ arguments: [String]) async throws -> ChildProcess.Output {
        let cqlsh = venv + "/cqlsh"
        guard FileManager.default.isExecutableFile(atPath: cqlsh) else {
            Issue.record("no cqlsh at \(cqlsh): run `make test` (it installs cqlsh into .venv-interop)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(
            cqlsh,
            ["127.0.0.1", String(port), "--connect-timeout", "20", "--request-timeout", "20"] + arguments,
            environment: ["CQLSH_NO_BUNDLED": "", "HOME": NSTemporaryDirectory()],
            timeout: .seconds(120)
        )
    }

    static func driver(_ python: String, _ arguments: [String]) async throws -> ChildProcess.Output {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python at \(python): run `make test`")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(
            python,
            [packageRoot + "/Tests/CQLServerTests/Interop/driver_roundtrip.py"] + arguments,
            timeout: .seconds(180)
        )
    }

    @Test("cqlsh runs the seeds' verification steps verbatim against the pipeline's table")
    func cqlshVerificationSteps() async throws {
        try await withTestCQLServer { server in
            _ = try await server.store.commit(StoreFixtures.batch(0..<25))

            let select = try await Self.cqlsh(
                server.port,
                ["-e", "SELECT * FROM spark_streams.created_users LIMIT 10"]
            )
            #expect(select.status == 0, "\(select.stderr)")
            #expect(select.stdout.contains("(10 rows)"), "\(select.stdout)")
            #expect(select.stdout.contains(StoreFixtures.user(3).firstName) || select.stdout.contains("first_name"))

            let use = try await Self.cqlsh(
                server.port,
                ["-e", "USE spark_streams; SELECT count(*) FROM created_users;"]
            )
            #expect(use.status == 0, "\(use.stderr)")
            #expect(use.stdout.contains("25"), "\(use.stdout)")

            let keyspaces = try await Self.cqlsh(server.port, ["-e", "DESCRIBE KEYSPACES"])
            #expect(keyspaces.status == 0, "\(keyspaces.stderr)")
            #expect(keyspaces.stdout.contains("spark_streams") && keyspaces.stdout.contains("system_schema"))

            let table = try await Self.cqlsh(server.port, ["-e", "DESCRIBE TABLE spark_streams.created_users"])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.contains("CREATE TABLE spark_streams.created_users"), "\(table.stdout)")
            #expect(table.stdout.contains("id uuid PRIMARY KEY"), "\(table.stdout)")
        }
    }

    @Test("cqlsh -u cassandra -p cassandra logs in when authentication is on; a wrong password is refused")
    func cqlshWithAuthentication() async throws {
        try await withTestCQLServer(authentication: .cassandraDefault) { server in
            let refused = try await Self.cqlsh(server.port, ["-e", "SELECT key FROM system.local"])
            #expect(refused.status != 0)
            let wrong = try await Self.cqlsh(
                server.port,
                ["-u", "cassandra", "-p", "nope", "-e", "SELECT key FROM system.local"]
            )
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("incorrect") || wrong.stdout.contains("incorrect"), "\(wrong.stderr)")
            let good = try await Self.cqlsh(
                server.port,
                ["-u", "cassandra", "-p", "cassandra", "-e", "SELECT key FROM system.local"]
            )
            #expect(good.status == 0, "\(good.stderr)")
            #expect(good.stdout.contains("local"))
        }
    }

    @Test("the DataStax Python driver (PyPI): metadata, prepared statements, paging, batches, LWT, errors")
    func pythonDriver() async throws {
        try await withTestCQLServer { server in
            _ = try await server.store.commit(StoreFixtures.batch(0..<5))
            let output = try await Self.driver(Self.venv + "/python", ["127.0.0.1", String(server.port)])
            #expect(output.status == 0, "stdout: \(output.stdout)\nstderr: \(output.stderr.suffix(4000))")
            #expect(output.stdout.contains("\"created_users\": 5"))
        }
    }

    @Test("the same with authentication on, and with Debian's python3-cassandra")
    func pythonDriverAuthenticatedAndDebian() async throws {
        try await withTestCQLServer(authentication: .cassandraDefault) { server in
            let pypi = try await Self.driver(
                Self.venv + "/python",
                ["127.0.0.1", String(server.port), "cassandra", "cassandra"]
            )
            #expect(pypi.status == 0, "stdout: \(pypi.stdout)\nstderr: \(pypi.stderr.suffix(4000))")
            let debian = try await Self.driver(
                "/usr/bin/python3",
                ["127.0.0.1", String(server.port), "cassandra", "cassandra"]
            )
            #expect(debian.status == 0, "stdout: \(debian.stdout)\nstderr: \(debian.stderr.suffix(4000))")
        }
    }

    @Test("two processes rewriting aggregates with USING TIMESTAMP: the highest version wins, not the last to arrive")
    func versionedRewriters() async throws {
        try await withTestCQLServer { server in
            let python = Self.venv + "/python"
            guard FileManager.default.isExecutableFile(atPath: python) else {
                Issue.record("no Python at \(python): run `make test`")
                return
            }
            let script = Self.packageRoot + "/Tests/CQLServerTests/Interop/versioned_writers.py"
            let versions = 120
            let outputs = try await withThrowingTaskGroup(of: ChildProcess.Output.self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        try await ChildProcess.run(
                            python,
                            [script, "127.0.0.1", String(server.port), "write", String(writer), "2", String(versions)],
                            timeout: .seconds(180)
                        )
                    }
                }
                var outputs: [ChildProcess.Output] = []
                for try await output in group { outputs.append(output) }
                return outputs
            }
            for output in outputs { #expect(output.status == 0, "\(output.stderr)") }
            let read = try await ChildProcess.run(
                python,
                [script, "127.0.0.1", String(server.port), "read"],
                timeout: .seconds(120)
            )
            #expect(read.status == 0, "\(read.stderr)")
            let expected =
                "{\"count\": [\(versions * 10), \(versions)], \"stats\": [\(versions), \(versions % 7), \(versions)]}"
            #expect(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
        }
    }
}
