import Foundation
import Testing
import UserStreamTestSupport

/// The store through the CQL protocol, every piece a separate `userstream` process: `store` serves a data
/// directory, `process --cassandra` writes into it through CassandraStore and our CQL client, cqlsh reads it.
@Suite(.serialized) struct CQLCLITests {
    static var cqlsh: String { InteropEnvironment.virtualenvBin + "/cqlsh" }

    static func cqlsh(_ port: Int, _ statement: String) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            cqlsh,
            ["127.0.0.1", String(port), "--connect-timeout", "20", "--request-timeout", "20", "-e", statement],
            environment: ["HOME": NSTemporaryDirectory()],
            timeout: .seconds(120)
        )
    }

    static func waitForListener(_ child: ChildProcess) async throws {
        for _ in 0..<200 {
            if child.stderrSoFar.contains("cql.listening") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no CQL listener: \(child.stderrSoFar)")
    }

    @Test("store + process --cassandra store every user exactly once; a second run adds nothing; cqlsh reads them")
    func processIntoTheCQLServer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try KafkaCLITests.freePort()
        let logData = directory.path + "/pipeline"
        let storeData = directory.path + "/store-node"
        let ingest = try await CLI.run([
            "ingest", "--source", "synthetic", "--seed", "11", "--count", "3000", "--rate", "0", "--batch-size", "500",
            "--data-dir", logData,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let store = try CLI.start(["store", "--port", String(port), "--data-dir", storeData])
        defer { store.signal(SIGKILL) }
        try await Self.waitForListener(store)

        let first = try await CLI.run(
            [
                "process", "--cassandra", "127.0.0.1:\(port)", "--until-idle", "--process-batch", "700", "--data-dir",
                logData,
            ],
            timeout: .seconds(300)
        )
        #expect(first.status == 0, "\(first.stderr.suffix(3000))")
        #expect(first.stdout.contains("3000 stored"), "\(first.stdout)")
        let again = try await CLI.run(
            ["process", "--cassandra", "127.0.0.1:\(port)", "--until-idle", "--data-dir", logData],
            timeout: .seconds(120)
        )
        #expect(again.status == 0, "\(again.stderr.suffix(3000))")
        #expect(again.stdout.contains("processed 0 records"), "\(again.stdout)")

        let count = try await Self.cqlsh(port, "SELECT count(*) FROM spark_streams.created_users")
        #expect(count.status == 0, "\(count.stderr)")
        #expect(count.stdout.contains("3000"), "\(count.stdout)")
        let sample = try await Self.cqlsh(port, "SELECT * FROM spark_streams.created_users LIMIT 10")
        #expect(sample.stdout.contains("(10 rows)"), "\(sample.stdout)")
        store.signal(SIGTERM)
        #expect(try await store.wait(timeout: .seconds(30)).status == 0)

        // The rows and their aggregates, read from the store node's SQLite files.
        #expect(
            try await CLI.scalar("SELECT count(DISTINCT id) FROM spark_streams.created_users", dataDir: storeData)
                == "3000"
        )
        #expect(
            try await CLI.scalar(
                "SELECT sum(count) FROM spark_streams.user_counts WHERE dimension = 'total'",
                dataDir: storeData
            ) == "3000"
        )
    }

    @Test("two processors in one group write into one store node; every aggregate dimension sums to the rows")
    func twoProcessorsIntoTheCQLServer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let brokerPort = try KafkaCLITests.freePort()
        let storePort = try KafkaCLITests.freePort()
        let bootstrap = "127.0.0.1:\(brokerPort)"
        let storeData = directory.path + "/store-node"
        let broker = try CLI.start(["broker", "--port", String(brokerPort), "--data-dir", directory.path + "/broker"])
        defer { broker.signal(SIGKILL) }
        try await KafkaCLITests.waitForListener(broker, port: brokerPort)
        let store = try CLI.start(["store", "--port", String(storePort), "--data-dir", storeData])
        defer { store.signal(SIGKILL) }
        try await Self.waitForListener(store)
        let ingest = try await CLI.run([
            "ingest", "--kafka", bootstrap, "--source", "synthetic", "--seed", "21", "--count", "6000",
            "--batch-size", "500", "--data-dir", directory.path + "/ingest",
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        // Small batches, so that the two members rewrite the same aggregate cells (same minute, same values) often.
        let member = [
            "process", "--kafka", bootstrap, "--cassandra", "127.0.0.1:\(storePort)", "--group", "two",
            "--process-batch", "250", "--until-idle",
        ]
        let a = try CLI.start(member + ["--data-dir", directory.path + "/a"])
        let b = try CLI.start(member + ["--data-dir", directory.path + "/b"])
        defer {
            a.signal(SIGKILL)
            b.signal(SIGKILL)
        }
        let outputA = try await a.wait(timeout: .seconds(300))
        let outputB = try await b.wait(timeout: .seconds(300))
        #expect(outputA.status == 0, "\(outputA.stderr.suffix(2000))")
        #expect(outputB.status == 0, "\(outputB.stderr.suffix(2000))")
        // Whatever a member left (it may stop once its own partitions are drained), a last one finishes.
        let last = try await CLI.run(
            member + ["--data-dir", directory.path + "/c"],
            timeout: .seconds(300)
        )
        #expect(last.status == 0, "\(last.stderr.suffix(2000))")
        store.signal(SIGTERM)
        #expect(try await store.wait(timeout: .seconds(30)).status == 0)

        #expect(
            try await CLI.scalar("SELECT count(DISTINCT id) FROM spark_streams.created_users", dataDir: storeData)
                == "6000"
        )
        for dimension in ["total", "gender", "nat", "age_bucket"] {
            let sum = try await CLI.scalar(
                "SELECT sum(count) FROM spark_streams.user_counts WHERE dimension = '\(dimension)'",
                dataDir: storeData
            )
            #expect(sum == "6000", "\(dimension)")
        }
        broker.signal(SIGTERM)
        #expect(try await broker.wait(timeout: .seconds(30)).status == 0)
    }

    @Test("run serves its store to cqlsh on --cql-port")
    func runServesCQL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try KafkaCLITests.freePort()
        let data = directory.path + "/data"
        let run = try CLI.start([
            "run", "--source", "synthetic", "--rate", "500", "--schedule", "@every 1s", "--duration", "1s",
            "--kafka-port", "0", "--cql-port", String(port), "--http-port", "0", "--data-dir", data,
        ])
        defer { run.signal(SIGKILL) }
        try await Self.waitForListener(run)
        _ = try await KafkaCLITests.waitForRows(1, data: data, timeout: .seconds(60))
        let select = try await Self.cqlsh(port, "SELECT id, first_name FROM spark_streams.created_users LIMIT 3")
        #expect(select.status == 0, "\(select.stderr)")
        #expect(select.stdout.contains("(3 rows)"), "\(select.stdout)")
        run.signal(SIGTERM)
        #expect(try await run.wait(timeout: .seconds(30)).status == 0)
    }
}
