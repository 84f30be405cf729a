import Foundation
import Testing
import UserStreamTestSupport

/// `userstream dlq list` and `dlq replay`, every step a separate process: users (some invalid) produced through
/// `userstream broker` with the ingestor and kcat, dead-lettered by `process`, listed and replayed with `--kafka`, then
/// with the broker stopped, on the embedded log of the same data directory.
@Suite(.serialized) struct DLQCLITests {
    /// The rows of `--format json` output.
    static func rows(_ output: ChildProcess.Output) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [[String: Any]] ?? []
    }

    static func kcat(_ arguments: [String]) async throws -> ChildProcess.Output {
        let output = try await ChildProcess.run("/usr/bin/kcat", arguments)
        #expect(output.status == 0, "kcat \(arguments): \(output.stderr)")
        return output
    }

    @Test("dead letters listed with filters and formats, replayed once, returning with their new reason")
    func listAndReplay() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let port = freeLoopbackPort()
        let bootstrap = "127.0.0.1:\(port)"
        let broker = try CLI.start(["broker", "--port", String(port), "--data-dir", data])
        defer { broker.signal(SIGKILL) }
        try await KafkaCLITests.waitForListener(broker, port: port)
        let kafka = ["--kafka", bootstrap, "--data-dir", data]

        let ingest = try await CLI.run(
            ["ingest", "--source", "synthetic", "--seed", "5", "--count", "10", "--rate", "0"] + kafka
        )
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // Three records the processor refuses, produced by hand.
        let bad = directory.path + "/bad.txt"
        try "k1|{\"id\":\"bad-1\"}\nk2|not json\nk3|{\"id\":\"bad-3\"}\n".write(
            toFile: bad,
            atomically: true,
            encoding: .utf8
        )
        _ = try await Self.kcat([
            "-P", "-b", bootstrap, "-t", "users_created", "-K", "|", "-H", "run_id=hand", "-l", bad,
        ])
        let process = try await CLI.run(["process", "--until-idle"] + kafka)
        #expect(process.stdout.contains("10 stored, 0 duplicates, 3 dead-lettered"), "\(process.stderr)")

        // list: the three, with each filter and format.
        let table = try await CLI.run(["dlq", "list"] + kafka)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("(3 rows)"))
        #expect(table.stdout.contains("expected a JSON object"))
        let json = Self.rows(try await CLI.run(["dlq", "list", "--format", "json"] + kafka))
        #expect(json.count == 3)
        #expect(Set(json.compactMap { $0["key"] as? String }) == ["k1", "k2", "k3"])
        #expect(json.allSatisfy { $0["stage"] as? String == "process" && $0["replay"] as? String == "pending" })
        #expect(json.allSatisfy { $0["run_id"] as? String == "hand" })
        #expect(json.first { $0["key"] as? String == "k2" }?["value"] as? String == "not json")
        let byReason = Self.rows(
            try await CLI.run(["dlq", "list", "--reason", "FIRST_NAME", "--format", "json"] + kafka)
        )
        #expect(Set(byReason.compactMap { $0["key"] as? String }) == ["k1", "k3"])
        let csv = try await CLI.run(["dlq", "list", "--stage", "ingest", "--format", "csv"] + kafka)
        #expect(csv.stdout.split(whereSeparator: \.isNewline).count == 1, "\(csv.stdout)")
        #expect(csv.stdout.hasPrefix("partition,offset,time,key,stage,reason"))
        let limited = try await CLI.run(["dlq", "list", "--limit", "2", "--format", "csv"] + kafka)
        #expect(limited.stdout.split(whereSeparator: \.isNewline).count == 3)

        // --dry-run sends nothing.
        let dry = try await CLI.run(["dlq", "replay", "--dry-run"] + kafka)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dry run: would replay 3 dead letters"))
        let afterDry = Self.rows(try await CLI.run(["dlq", "list", "--format", "json"] + kafka))
        #expect(afterDry.count == 3 && afterDry.allSatisfy { $0["replay"] as? String == "pending" })
        let idle = try await CLI.run(["process", "--until-idle"] + kafka)
        #expect(idle.stdout.contains("processed 0 records"), "\(idle.stdout) \(idle.stderr)")

        // replay: the three go back, fail again, and return with their new reason; a second replay sends nothing.
        // On a terminal, so that the progress line shows too.
        let replay = try await CLI.runOnTerminal(["dlq", "replay"] + kafka)
        #expect(replay.status == 0, "\(replay.stdout)")
        #expect(replay.stdout.contains(CLI.progressPrefix + "dlq replay: 3 / 3 dead letters"), "\(replay.stdout)")
        #expect(replay.stdout.contains("replayed 3 dead letters to users_created as run dlq_replay__"))
        let again = try await CLI.run(["process", "--until-idle"] + kafka)
        #expect(again.stdout.contains("0 stored, 0 duplicates, 3 dead-lettered"), "\(again.stderr)")
        let after = Self.rows(try await CLI.run(["dlq", "list", "--format", "json"] + kafka))
        #expect(after.count == 6)
        let returned = after.filter { $0["replay"] as? String == "returned" }
        #expect(returned.count == 3)
        #expect(returned.allSatisfy { ($0["run_id"] as? String)?.hasPrefix("dlq_replay__") == true })
        #expect(returned.allSatisfy { ($0["replayed_from"] as? String)?.hasPrefix("users_created.dlq-0@") == true })
        #expect(after.filter { $0["replay"] as? String == "replayed" }.count == 3)
        let second = try await CLI.run(["dlq", "replay"] + kafka)
        #expect(second.stdout.contains("replayed 0 dead letters"), "\(second.stdout) \(second.stderr)")
        #expect(second.stdout.contains("3 already replayed, 3 returned from an earlier replay"))
        let nothing = try await CLI.run(["process", "--until-idle"] + kafka)
        #expect(nothing.stdout.contains("processed 0 records"), "\(nothing.stdout)")

        // runs: the replay is a run of its own, reconciled.
        let runs = try await CLI.run(["runs", "--format", "csv", "--data-dir", data])
        let replayRun = runs.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("dlq_replay__") }
        // fetched, produced, dlq_ingest, stored, duplicates, dlq_process, pending, replayed
        #expect(replayRun?.contains(",manual,dlq,success,") == true, "\(runs.stdout)")
        #expect(replayRun?.contains(",3,3,0,0,0,3,0,3,") == true, "\(runs.stdout)")

        // A valid record written to the dead-letter topic by hand (as after a store outage), with a fresh id.
        let sample = try await Self.kcat([
            "-C", "-b", bootstrap, "-t", "users_created", "-o", "beginning", "-c", "1",
            "-e", "-f", "%s",
        ])
        var user = try #require(try JSONSerialization.jsonObject(with: Data(sample.stdout.utf8)) as? [String: Any])
        let id = UUID().uuidString.lowercased()
        user["id"] = id
        let letter = directory.path + "/letter.txt"
        try (id + "|" + String(decoding: try JSONSerialization.data(withJSONObject: user), as: UTF8.self) + "\n")
            .write(toFile: letter, atomically: true, encoding: .utf8)
        _ = try await Self.kcat([
            "-P", "-b", bootstrap, "-t", "users_created.dlq", "-K", "|", "-H", "dlq_reason=store outage", "-H",
            "dlq_stage=process", "-l", letter,
        ])

        // The broker stops; the embedded log of the same data directory is read directly.
        broker.signal(SIGTERM)
        #expect(try await broker.wait(timeout: .seconds(30)).status == 0)
        let embedded = ["--data-dir", data]
        let outage = Self.rows(try await CLI.run(["dlq", "list", "--reason", "outage", "--format", "json"] + embedded))
        #expect(outage.count == 1 && outage.first?["key"] as? String == id)
        let fix = try await CLI.run(["dlq", "replay", "--reason", "outage", "--stage", "process"] + embedded)
        #expect(fix.stdout.contains("replayed 1 dead letters"), "\(fix.stdout) \(fix.stderr)")
        let stored = try await CLI.run(["process", "--until-idle"] + embedded)
        #expect(stored.stdout.contains("1 stored, 0 duplicates, 0 dead-lettered"), "\(stored.stdout) \(stored.stderr)")
        #expect(
            try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users WHERE id = '\(id)'", dataDir: data)
                == "1"
        )
        let last = try await CLI.run(["dlq", "replay"] + embedded)
        #expect(last.stdout.contains("replayed 0 dead letters"), "\(last.stdout)")
    }

    @Test("bad arguments are clear errors")
    func badArguments() async throws {
        let stage = try await CLI.run(["dlq", "list", "--stage", "transform"])
        #expect(stage.status != 0)
        #expect(stage.stderr.contains("--stage must be ingest or process, not 'transform'"))
        let replayStage = try await CLI.run(["dlq", "replay", "--stage", "x", "--dry-run"])
        #expect(replayStage.status != 0)
        #expect(replayStage.stderr.contains("--stage must be ingest or process"))
        let limit = try await CLI.run(["dlq", "list", "--limit", "0"])
        #expect(limit.status != 0)
        #expect(limit.stderr.contains("--limit must be ≥ 1"))
        let format = try await CLI.run(["dlq", "list", "--format", "xml"])
        #expect(format.stderr.contains("--format must be table, json or csv"))
        let environment = try await CLI.run(["dlq", "list"], environment: ["USERSTREAM_STAGE": "both"])
        #expect(environment.status != 0)
        #expect(environment.stderr.contains("--stage must be ingest or process, not 'both'"))
    }
}
