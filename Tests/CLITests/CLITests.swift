import Foundation
import Testing
import UserStreamTestSupport

@Suite("The userstream command line", .serialized)
struct CLITests {
    @Test("--help shows every default and its environment twin")
    func help() async throws {
        var output = try await CLI.run(["ingest", "--help"])
        output.stdout = output.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(output.status == 0)
        #expect(output.stdout.contains("--batch-size"))
        #expect(output.stdout.contains("(default: 100)"))
        #expect(output.stdout.contains("USERSTREAM_BATCH_SIZE"))
        #expect(output.stdout.contains("(default: ./userstream-data)"))
        var run = try await CLI.run(["run", "--help"])
        run.stdout = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(run.stdout.contains("(default: * * * * *)"))
        #expect(run.stdout.contains("(default: 60s)"))
    }

    @Test("environment twins set defaults, and bad values are clear errors")
    func environment() async throws {
        let bad = try await CLI.run(
            ["ingest", "--source", "synthetic"],
            environment: ["USERSTREAM_BATCH_SIZE": "9000"]
        )
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--batch-size must be in 1…5000"))
        let junk = try await CLI.run(["ingest", "--source", "synthetic"], environment: ["USERSTREAM_COUNT": "many"])
        #expect(junk.status != 0)
        #expect(junk.stderr.contains("USERSTREAM_COUNT=many is not an integer"))
        let source = try await CLI.run(["ingest"], environment: ["USERSTREAM_SOURCE": "kafka"])
        #expect(source.stderr.contains("--source must be randomuser, synthetic or replay:PATH"))
    }

    @Test("--cassandra selects the Cassandra store: bad values and an unreachable cluster are clear errors")
    func cassandraOptions() async throws {
        let bad = try await CLI.run(["process", "--until-idle", "--cassandra", "cass-1:x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--cassandra: 'cass-1:x' is not host[:port]"))
        let lonely = try await CLI.run(["process", "--until-idle"], environment: ["USERSTREAM_CASSANDRA_USER": "u"])
        #expect(lonely.stderr.contains("--cassandra-user and --cassandra-password go together"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let unreachable = try await CLI.run(
            ["process", "--until-idle", "--data-dir", directory.path + "/data"],
            environment: ["USERSTREAM_CASSANDRA": "127.0.0.1:1"]
        )
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("no_host_available"), "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("127.0.0.1:1"))
        // serve reads the same options, and its own.
        let serve = try await CLI.run(
            ["serve", "--port", "0", "--cassandra", "127.0.0.1:1", "--data-dir", directory.path + "/data"]
        )
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("no_host_available"), "\(serve.stderr)")
        let interval = try await CLI.run(["serve", "--cassandra", "127.0.0.1:1", "--snapshot-interval", "0s"])
        #expect(interval.stderr.contains("--snapshot-interval: '0s' is not a duration like 5s or 1m"))
    }

    @Test("ingest, then process, then query and runs on the same data dir")
    func ingestProcessQuery() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let ingest = try await CLI.run([
            "ingest", "--source", "synthetic", "--seed", "1", "--count", "500", "--rate", "0", "--data-dir", data,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("success"))
        #expect(ingest.stdout.contains("produced 500"))
        let process = try await CLI.run(["process", "--until-idle", "--data-dir", data])
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdout.contains("500 stored"))
        #expect(try await CLI.scalar("SELECT count(*) AS n FROM spark_streams.created_users", dataDir: data) == "500")
        let json = try await CLI.run([
            "query", "SELECT id, first_name, post_code, age, latitude FROM spark_streams.created_users LIMIT 2",
            "--format", "json", "--data-dir", data,
        ])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 2)
        #expect(rows?.first?["first_name"] is String)
        #expect(rows?.first?["post_code"] is String)
        #expect(rows?.first?["age"] is NSNumber && !(rows?.first?["age"] is String))
        #expect(rows?.first?["latitude"] is NSNumber && !(rows?.first?["latitude"] is String))
        let runs = try await CLI.run(["runs", "--format", "csv", "--data-dir", data])
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("success"))
        #expect(runs.stdout.contains(",500,500,0,500,0,0,0,"))  // fetched, produced, dlq, stored, dups, dlq, pending
    }

    /// Long commands on a terminal show one line that rewrites itself (carriage return, erase, text); piped, they
    /// print no such line. `script` (util-linux) gives the command a pseudo-terminal.
    @Test("ingest, process and bench show a progress line on a terminal, none when piped")
    func progressLines() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        func onTerminal(_ arguments: [String]) async throws -> String {
            let output = try await CLI.runOnTerminal(arguments + ["--log-level", "warning"])
            #expect(output.status == 0, "\(arguments): \(output.stdout) \(output.stderr)")
            return output.stdout
        }
        let erase = CLI.progressPrefix
        let ingest = try await onTerminal([
            "ingest", "--source", "synthetic", "--count", "20000", "--batch-size", "1000", "--data-dir", data,
        ])
        #expect(ingest.contains(erase + "ingest: "), "\(ingest)")
        #expect(ingest.contains(" / 20,000 users") && ingest.contains("users/s") && ingest.contains("ETA"))
        #expect(ingest.contains("success"))
        let process = try await onTerminal(["process", "--until-idle", "--data-dir", data])
        #expect(process.contains(erase + "process: ") && process.contains("records/s") && process.contains("lag "))
        #expect(process.contains("processed 20000 records"))
        let bench = try await onTerminal(["bench", "--users", "20000", "--batch-size", "1000", "--skip-ceiling"])
        #expect(bench.contains(erase + "bench: ") && bench.contains(" / 20,000 users committed"), "\(bench)")

        // Piped: the same commands write no progress line.
        let piped = try await CLI.run([
            "ingest", "--source", "synthetic", "--count", "2000", "--rate", "0", "--data-dir", data,
        ])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\r") && !piped.stdout.contains("\r") && !piped.stderr.contains("ingest: "))
    }

    @Test("bench pushes users through the pipeline and measures the ceiling")
    func bench() async throws {
        let output = try await CLI.run(["bench", "--users", "3000", "--batch-size", "500"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("users produced:      3000  stored: 3000"))
        #expect(output.stdout.contains("users/s"))
        #expect(output.stdout.contains("p50"))
        #expect(output.stdout.contains("peak RSS"))
        #expect(output.stdout.contains("3000-row transactions:"))
        #expect(output.stdout.contains("pipeline / 3000-row-transaction ceiling: "))
    }

    @Test("bench --profile prints every stage; --max-pending holds the producer back; --rate paces it")
    func benchProfileBackpressureAndPacing() async throws {
        let profiled = try await CLI.run([
            "bench", "--users", "4000", "--batch-size", "500", "--process-batch", "500", "--max-pending", "1000",
            "--profile", "--skip-ceiling",
        ])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        #expect(profiled.stdout.contains("users produced:      4000  stored: 4000"))
        #expect(profiled.stdout.contains("backpressure: at most 1000 users produced and not committed"))
        for stage in [
            "held back (backpressure)", "flatten", "encode", "log append", "fsync", "decode", "validate",
            "store bind/insert", "store commit", "offset commit",
        ] {
            #expect(profiled.stdout.contains("  \(stage) "), "no line for \(stage)")
        }
        // Every stage that runs per user took time.
        let flatten = profiled.stdout.split(separator: "\n").first { $0.hasPrefix("  flatten ") }
        #expect(flatten.map { !$0.contains("   0.000 s") } == true, "\(profiled.stdout)")

        let paced = try await CLI.run(["bench", "--rate", "500", "--duration", "2s"], timeout: .seconds(60))
        #expect(paced.status == 0, "\(paced.stderr)")
        #expect(paced.stdout.contains("paced at 500 users/s for 2s (1000 users)"), "\(paced.stdout)")
        #expect(paced.stdout.contains("users produced:      1000  stored: 1000"))
        #expect(paced.stdout.contains("produce→queryable:"))
        // Paced, the run takes about the duration (a run at full speed would take a fraction of it).
        let elapsed = paced.stdout.split(separator: "\n").first { $0.contains("elapsed:") }
            .flatMap { $0.split(separator: " ").dropLast().last }.flatMap { Double($0) }
        #expect((elapsed ?? 0) >= 1.8, "\(paced.stdout)")
        let invalid = try await CLI.run(["bench", "--rate", "500", "--duration", "soon"])
        #expect(invalid.status == 64)
        #expect(invalid.stderr.contains("--duration must be a positive duration"))
    }

    @Test("--rate limits randomuser by default, not the synthetic source; --help says so")
    func rateDefaultsBySource() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        // At randomuser's default of 50 users/s this would take 80 s; the timeout fails the test long before.
        let ingest = try await CLI.run(
            ["ingest", "--source", "synthetic", "--count", "4000", "--data-dir", data],
            timeout: .seconds(40)
        )
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("produced 4000"), "\(ingest.stdout)")
        let help = try await CLI.run(["ingest", "--help"]).stdout.split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
        #expect(help.contains("Default: 50 for randomuser"), "\(help)")
        #expect(help.contains("no limit for synthetic and replay"), "\(help)")
    }

    @Test("query is read-only")
    func queryRefusesWrites() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try await CLI.run(["ingest", "--source", "synthetic", "--count", "50", "--rate", "0", "--data-dir", data])
        try await CLI.run(["process", "--until-idle", "--data-dir", data])
        let delete = try await CLI.run(["query", "DELETE FROM spark_streams.created_users", "--data-dir", data])
        #expect(delete.status != 0)
        #expect(!delete.stderr.isEmpty)
        #expect(try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data) == "50")
    }

    @Test("a second writer gets an error naming the holder; readers work while run is live; SIGTERM drains")
    func runLiveWithReadersAndShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let run = try CLI.start([
            "run", "--source", "synthetic", "--rate", "400", "--batch-size", "50", "--schedule", "@every 2s",
            "--duration", "1s", "--kafka-port", "0", "--cql-port", "0", "--http-port", "0", "--data-dir", data,
        ])
        // Wait until users arrive in the table.
        var stored = 0
        for _ in 0..<150 where stored == 0 {
            try await Task.sleep(for: .milliseconds(200))
            if FileManager.default.fileExists(atPath: data + "/store/spark_streams.sqlite") {
                stored =
                    Int(try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data)) ?? 0
            }
        }
        #expect(stored > 0, "run never stored a user: \(run.stderrSoFar)")

        let second = try await CLI.run(["ingest", "--source", "synthetic", "--count", "5", "--data-dir", data])
        #expect(second.status != 0)
        #expect(second.stderr.contains("pid \(run.pid)"), "\(second.stderr)")

        run.signal(SIGTERM)
        let finished = try await run.wait(timeout: .seconds(30))
        #expect(finished.status == 0, "\(finished.stderr)")
        // Everything produced was processed before exit, and no run is left 'running'.
        let produced = try await CLI.scalar("SELECT sum(produced) FROM job_runs", dataDir: data)
        let rows = try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data)
        #expect(produced == rows)
        #expect(try await CLI.scalar("SELECT count(*) FROM job_runs WHERE state = 'running'", dataDir: data) == "0")
    }

    @Test("exactly once across SIGKILL: every produced id stored once, aggregates equal rows")
    func crashDuringProcessing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let total = 40_000
        let ingest = try await CLI.run([
            "ingest", "--source", "synthetic", "--seed", "99", "--count", String(total), "--rate", "0", "--batch-size",
            "1000", "--data-dir", data,
        ])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        var kills = 0
        for _ in 0..<2 {
            let process = try CLI.start(["process", "--process-batch", "400", "--data-dir", data])
            var stored = 0
            let before =
                Int(try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data)) ?? 0
            for _ in 0..<600 {
                try await Task.sleep(for: .milliseconds(25))
                stored =
                    Int(try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data)) ?? 0
                if stored > before { break }
            }
            process.signal(SIGKILL)
            _ = try await process.wait(timeout: .seconds(10))
            if stored < total { kills += 1 }
        }
        #expect(kills >= 1, "the processor finished before it could be killed mid-stream")

        let finish = try await CLI.run(["process", "--until-idle", "--data-dir", data])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(
            try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data) == String(total)
        )
        #expect(
            try await CLI.scalar("SELECT count(DISTINCT id) FROM spark_streams.created_users", dataDir: data)
                == String(total)
        )
        // Offsets committed with the rows: nothing was processed twice, so no duplicates were counted.
        #expect(try await CLI.scalar("SELECT sum(stored) FROM spark_streams.run_stats", dataDir: data) == String(total))
        #expect(try await CLI.scalar("SELECT sum(duplicates) FROM spark_streams.run_stats", dataDir: data) == "0")
        // Aggregates equal the rows, per dimension.
        #expect(
            try await CLI.scalar(
                "SELECT sum(count) FROM spark_streams.user_counts WHERE dimension = 'total'",
                dataDir: data
            ) == String(total)
        )
        let mismatches = try await CLI.scalar(
            """
            SELECT count(*) FROM (SELECT gender, count(*) AS n FROM spark_streams.created_users GROUP BY gender) r
            LEFT JOIN (SELECT value, sum(count) AS n FROM spark_streams.user_counts WHERE dimension = 'gender'
                       GROUP BY value) a ON a.value = r.gender WHERE a.n IS NOT r.n
            """,
            dataDir: data
        )
        #expect(mismatches == "0")
        #expect(
            try await CLI.scalar(
                "SELECT max(next_offset) IS NOT NULL FROM spark_streams.consumer_offsets",
                dataDir: data
            ) == "1"
        )
    }
}
