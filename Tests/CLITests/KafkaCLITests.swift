import Foundation
import Testing
import UserStreamTestSupport

/// The pipeline through the Kafka protocol, every piece a separate `userstream` process: `broker` serves the log,
/// `ingest --kafka` produces through librdkafka, two `process --kafka` members of one group split the partitions
/// into one shared store, and kcat reads what the ingestor wrote.
@Suite(.serialized) struct KafkaCLITests {
    static func freePort() throws -> Int { freeLoopbackPort() }

    static func waitForListener(_ child: ChildProcess, port: Int) async throws {
        for _ in 0..<200 {
            if child.stderrSoFar.contains("kafka.listening") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("userstream did not listen on \(port): \(child.stderrSoFar)")
    }

    /// Every partition a member's log says it was assigned (`kafka.partitions_assigned` lines).
    static func assignedPartitions(_ stderr: String) -> Set<String> {
        var partitions: Set<String> = []
        for line in stderr.split(whereSeparator: \.isNewline) where line.contains("kafka.partitions_assigned") {
            guard let range = line.range(of: "kafka.partitions=") else { continue }
            let list = line[range.upperBound...]
            for item in list.split(whereSeparator: { $0 == "," || $0 == " " }) where item.hasPrefix("users_created-") {
                partitions.insert(String(item.split(separator: "@").first ?? item))
            }
        }
        return partitions
    }

    static func rows(_ data: String) async throws -> Int {
        Int(try await CLI.scalar("SELECT count(*) FROM spark_streams.created_users", dataDir: data)) ?? -1
    }

    static func waitForRows(_ expected: Int, data: String, timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = 0
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: data + "/store/spark_streams.sqlite") {
                count = try await rows(data)
                if count >= expected { return count }
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        return count
    }

    @Test("broker + ingest --kafka + two process --kafka members: split, rebalance, every user stored once")
    func pipelineThroughTheKafkaProtocol() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try Self.freePort()
        let bootstrap = "127.0.0.1:\(port)"
        let brokerData = directory.path + "/broker"
        let data = directory.path + "/data"
        let broker = try CLI.start(["broker", "--port", String(port), "--data-dir", brokerData])
        defer { broker.signal(SIGKILL) }
        try await Self.waitForListener(broker, port: port)

        let first = try await CLI.run([
            "ingest", "--kafka", bootstrap, "--source", "synthetic", "--seed", "7", "--count", "3000", "--rate", "0",
            "--batch-size", "500", "--data-dir", data,
        ])
        #expect(first.status == 0, "\(first.stderr)")

        // What the ingestor wrote, as kcat reads it: the seeds' JSON shape, keyed by id.
        let kcat = try await ChildProcess.run(
            "/usr/bin/kcat",
            ["-b", bootstrap, "-C", "-t", "users_created", "-o", "beginning", "-c", "5", "-e", "-J"]
        )
        #expect(kcat.status == 0, "\(kcat.stderr)")
        let messages = kcat.stdout.split(whereSeparator: \.isNewline).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        #expect(messages.count == 5)
        for message in messages {
            let payload = try #require(message["payload"] as? String)
            let user = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            for column in [
                "id", "first_name", "last_name", "gender", "address", "post_code", "email", "username", "dob",
                "registered_date", "phone", "picture",
            ] {
                #expect(user[column] != nil, "the message lacks \(column): \(payload)")
            }
            #expect(message["key"] as? String == user["id"] as? String)
        }

        let environment = ["USERSTREAM_LOG_LEVEL": "info"]
        let memberArguments = ["process", "--kafka", bootstrap, "--group", "g", "--data-dir", data]
        let a = try CLI.start(memberArguments, environment: environment)
        let b = try CLI.start(memberArguments, environment: environment)
        defer {
            a.signal(SIGKILL)
            b.signal(SIGKILL)
        }
        let stored = try await Self.waitForRows(3000, data: data, timeout: .seconds(90))
        #expect(stored == 3000, "a: \(a.stderrSoFar.suffix(2000))\nb: \(b.stderrSoFar.suffix(2000))")
        // Both members were assigned partitions of users_created (librdkafka's range assignor: 2 and 1 of 3).
        let assignedA = Self.assignedPartitions(a.stderrSoFar)
        let assignedB = Self.assignedPartitions(b.stderrSoFar)
        #expect(!assignedA.isEmpty && !assignedB.isEmpty, "a: \(assignedA), b: \(assignedB)")
        #expect(assignedA.union(assignedB) == ["users_created-0", "users_created-1", "users_created-2"])

        // One member stops; the other takes its partitions over and stores what comes next.
        b.signal(SIGTERM)
        let stopped = try await b.wait(timeout: .seconds(60))
        #expect(stopped.status == 0, "\(stopped.stderr.suffix(2000))")
        let second = try await CLI.run([
            "ingest", "--kafka", bootstrap, "--source", "synthetic", "--seed", "8", "--count", "2000", "--rate", "0",
            "--batch-size", "500", "--data-dir", data,
        ])
        #expect(second.status == 0, "\(second.stderr)")
        let after = try await Self.waitForRows(5000, data: data, timeout: .seconds(90))
        #expect(after == 5000, "\(a.stderrSoFar.suffix(3000))")
        #expect(Self.assignedPartitions(a.stderrSoFar) == ["users_created-0", "users_created-1", "users_created-2"])
        #expect(
            try await CLI.scalar("SELECT count(DISTINCT id) FROM spark_streams.created_users", dataDir: data) == "5000"
        )
        #expect(
            try await CLI.scalar(
                "SELECT sum(count) FROM spark_streams.user_counts WHERE dimension = 'total'",
                dataDir: data
            ) == "5000"
        )
        a.signal(SIGTERM)
        let finished = try await a.wait(timeout: .seconds(60))
        #expect(finished.status == 0, "\(finished.stderr.suffix(2000))")
        broker.signal(SIGTERM)
        #expect(try await broker.wait(timeout: .seconds(30)).status == 0)
    }

    @Test("run serves its log to Kafka clients on --kafka-port")
    func runServesKafka() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try Self.freePort()
        let data = directory.path + "/data"
        let run = try CLI.start([
            "run", "--source", "synthetic", "--rate", "500", "--schedule", "@every 1s", "--duration", "1s",
            "--kafka-port", String(port), "--cql-port", "0", "--http-port", "0", "--data-dir", data,
        ])
        defer { run.signal(SIGKILL) }
        try await Self.waitForListener(run, port: port)
        _ = try await Self.waitForRows(1, data: data, timeout: .seconds(60))
        let kcat = try await ChildProcess.run(
            "/usr/bin/kcat",
            ["-b", "127.0.0.1:\(port)", "-C", "-t", "users_created", "-o", "beginning", "-c", "3", "-e", "-J"]
        )
        #expect(kcat.status == 0, "\(kcat.stderr)")
        #expect(kcat.stdout.split(whereSeparator: \.isNewline).count == 3)
        run.signal(SIGTERM)
        #expect(try await run.wait(timeout: .seconds(30)).status == 0)
    }

    @Test(
        "SIGKILLed group members: the next ones get the partitions once the dead sessions expire; SIGTERM stops the broker while a join waits for them"
    )
    func deadMembersDoNotWedgeTheBroker() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try Self.freePort()
        let bootstrap = "127.0.0.1:\(port)"
        let broker = try CLI.start(["broker", "--port", String(port), "--data-dir", directory.path + "/broker"])
        defer { broker.signal(SIGKILL) }
        try await Self.waitForListener(broker, port: port)
        let produced = try await ChildProcess.run(
            "/usr/bin/kcat",
            ["-b", bootstrap, "-P", "-t", "wedge", "-K", ":"],
            input: "a:1\nb:2\nc:3\n"
        )
        #expect(produced.status == 0, "\(produced.stderr)")

        var started: [ChildProcess] = []
        defer { for member in started { member.signal(SIGKILL) } }
        func member(session: Int) throws -> ChildProcess {
            let child = try ChildProcess(
                "/usr/bin/kcat",
                [
                    "-b", bootstrap, "-G", "wedge-group", "-o", "beginning", "-X", "session.timeout.ms=\(session)",
                    "-X", "heartbeat.interval.ms=500", "wedge",
                ]
            )
            started.append(child)
            return child
        }
        func assigned(_ child: ChildProcess, within timeout: Duration) async throws -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if child.stderrSoFar.contains("assigned: wedge") { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        // Two members, SIGKILLed three times over: each pair joins once the previous pair's sessions (5 s) expired.
        for round in 1...3 {
            let pair = [try member(session: 5000), try member(session: 5000)]
            for child in pair {
                #expect(try await assigned(child, within: .seconds(30)), "round \(round): \(child.stderrSoFar)")
            }
            for child in pair { child.signal(SIGKILL) }
        }
        // A member started after its predecessors were SIGKILLed gets the partitions once their sessions expired.
        let clock = ContinuousClock()
        let joined = clock.now
        let survivor = try member(session: 5000)
        #expect(try await assigned(survivor, within: .seconds(30)), "\(survivor.stderrSoFar)")
        let waited = clock.now - joined
        #expect(waited >= .seconds(3) && waited < .seconds(20), "the survivor waited \(waited)")
        survivor.signal(SIGKILL)

        // Two members with long sessions die; a joiner waits for them; SIGTERM still stops the broker at once.
        let longLived = [try member(session: 120_000), try member(session: 120_000)]
        for child in longLived {
            #expect(try await assigned(child, within: .seconds(30)), "\(child.stderrSoFar)")
        }
        for child in longLived { child.signal(SIGKILL) }
        let joiner = try member(session: 120_000)
        try await Task.sleep(for: .seconds(3))
        #expect(!joiner.stderrSoFar.contains("assigned: wedge"), "the joiner did not wait: \(joiner.stderrSoFar)")
        let stopping = clock.now
        broker.signal(SIGTERM)
        let stopped = try await broker.wait(timeout: .seconds(20))
        #expect(stopped.status == 0, "\(stopped.stderr.suffix(2000))")
        #expect(clock.now - stopping < .seconds(5), "the broker took \(clock.now - stopping) to stop")
        #expect(stopped.stderr.contains("kafka.stopped"), "\(stopped.stderr.suffix(2000))")
    }
}
