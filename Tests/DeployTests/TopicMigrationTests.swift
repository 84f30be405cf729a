import Foundation
import Testing
import UserStreamTestSupport

/// Moving from the embedded log to a Kafka cluster (docs/deployment.md): `deploy/migrate/copy_topic.py`
/// between two `userstream broker`s keeps every record's partition, offset order, key, value, headers and timestamp,
/// and `userstream process` on the destination stores each user once, even after the copy ran twice.
@Suite(.serialized) struct TopicMigrationTests {
    @Test("copy_topic.py copies users_created record for record; processing the copy stores each user once")
    func copyThenProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (source, sourcePort) = try await Self.startBroker(directory.path + "/embedded")
        defer { source.signal(SIGKILL) }
        let (destination, destinationPort) = try await Self.startBroker(directory.path + "/cluster")
        defer { destination.signal(SIGKILL) }
        let from = "127.0.0.1:\(sourcePort)"
        let to = "127.0.0.1:\(destinationPort)"

        // Two job runs into the embedded log: 400 + 200 users, headers naming each run.
        for (seed, count) in [(11, 400), (12, 200)] {
            let ingest = try await Self.userstream([
                "ingest", "--kafka", from, "--source", "synthetic", "--seed", String(seed), "--count", String(count),
                "--rate", "0", "--data-dir", directory.path + "/ingest",
            ])
            try #require(ingest.status == 0, "\(ingest.stderr)")
        }
        // The destination topic exists with the same partition count (the broker creates it on a metadata request).
        _ = try await Deploy.tool("kcat", ["-b", to, "-L", "-t", "users_created"])

        let copy = try await Self.copyTopic(from: from, to: to)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("copied 600 records"), "\(copy.stdout)")
        let original = try await Self.records(from)
        #expect(original.count == 600)
        #expect(try await Self.records(to) == original, "the copy differs from the original")
        #expect(original.allSatisfy { $0.contains("\"run_id\"") }, "records without a run_id header")

        // A retried copy duplicates every record in the cluster; the store still holds each user once.
        let again = try await Self.copyTopic(from: from, to: to)
        #expect(again.status == 0, "\(again.stderr)")
        let data = directory.path + "/processor"
        let process = try await Self.userstream(["process", "--kafka", to, "--until-idle", "--data-dir", data])
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdout.contains("processed 1200 records: 600 stored, 600 duplicates"), "\(process.stdout)")
        let stats = try await Self.userstream([
            "query", "SELECT stored, duplicates FROM spark_streams.run_stats ORDER BY run_id", "--format", "csv",
            "--data-dir", data,
        ])
        let rows = stats.stdout.split(whereSeparator: \.isNewline).dropFirst().map(String.init)
        #expect(rows == ["400,400", "200,200"], "\(stats.stdout)")
    }

    /// Partition, offset, key, value, headers and timestamp of every record, as kcat prints them (`-J`), sorted.
    static func records(_ bootstrap: String) async throws -> [String] {
        let output = try await Deploy.tool("kcat", ["-b", bootstrap, "-C", "-t", "users_created", "-e", "-q", "-J"])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map { line in
            // Drop the broker-specific part of the envelope (the topic's name is the same on both).
            var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
            object.removeValue(forKey: "broker")
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }.sorted()
    }

    static func copyTopic(from source: String, to destination: String) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            InteropEnvironment.python,
            [Deploy.path("deploy/migrate/copy_topic.py"), "--source", source, "--destination", destination]
        )
    }

    static func userstream(_ arguments: [String]) async throws -> ChildProcess.Output {
        let child = try ChildProcess(Deploy.binary, arguments, removingPrefixes: ["USERSTREAM_"])
        return try await child.wait(timeout: .seconds(120))
    }

    static func startBroker(_ data: String) async throws -> (ChildProcess, Int) {
        for _ in 0..<5 {
            let port = freeLoopbackPort()
            let broker = try ChildProcess(
                Deploy.binary,
                ["broker", "--port", String(port), "--data-dir", data],
                removingPrefixes: ["USERSTREAM_"]
            )
            for _ in 0..<200 where broker.isRunning {
                if broker.stderrSoFar.contains("kafka.listening") { return (broker, port) }
                try await Task.sleep(for: .milliseconds(50))
            }
            broker.signal(SIGKILL)  // the port was taken meanwhile, or the broker hung: another port
        }
        throw DeployTestError("userstream broker did not start")
    }
}
