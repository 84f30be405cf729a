import EmbeddedLog
import Foundation
import KafkaBrokerTestSupport
import Testing
import UserStreamCore
import UserStreamTestSupport

/// Real clients we did not write against the broker: kcat (librdkafka 2.0.2 from Debian), confluent-kafka (a newer
/// librdkafka) and kafka-python.
@Suite(.serialized) struct KafkaInteropTests {
    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    @Test("kcat -L lists the broker and topics; -P with keys and headers; -C from beginning, end and an offset")
    func kcatProduceConsume() async throws {
        try await withTestKafkaBroker { broker in
            let b = broker.bootstrap

            let lines = (0..<30).map { "key-\($0):value-\($0)" }.joined(separator: "\n") + "\n"
            let produced = try await Clients.kcat(
                ["-b", b, "-P", "-t", "kcat-topic", "-K", ":", "-H", "source=kcat", "-H", "trace=abc"],
                input: lines
            )
            #expect(produced.status == 0, "kcat -P failed: \(produced.stderr)")

            let metadata = try await Clients.kcat(["-b", b, "-L", "-J"])
            #expect(metadata.status == 0, "\(metadata.stderr)")
            let listing = try #require(
                try JSONSerialization.jsonObject(with: Data(metadata.stdout.utf8)) as? [String: Any]
            )
            let brokers = try #require(listing["brokers"] as? [[String: Any]])
            #expect(brokers.count == 1)
            #expect((brokers.first?["name"] as? String) == "127.0.0.1:\(broker.port)")
            let topics = try #require(listing["topics"] as? [[String: Any]])
            let topic = try #require(topics.first { ($0["topic"] as? String) == "kcat-topic" })
            #expect((topic["partitions"] as? [Any])?.count == 3)

            let consumed = try await Clients.kcat(["-b", b, "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-J"])
            #expect(consumed.status == 0, "\(consumed.stderr)")
            let messages = Self.jsonLines(consumed.stdout)
            #expect(messages.count == 30)
            var byKey: [String: [String: Any]] = [:]
            for message in messages { byKey[message["key"] as? String ?? ""] = message }
            for index in 0..<30 {
                let message = try #require(byKey["key-\(index)"], "key-\(index) missing")
                #expect(message["payload"] as? String == "value-\(index)")
                #expect(message["headers"] as? [String] == ["source", "kcat", "trace", "abc"])
            }
            let fromEnd = try await Clients.kcat(["-b", b, "-C", "-t", "kcat-topic", "-o", "end", "-e", "-J"])
            #expect(fromEnd.status == 0)
            #expect(Self.jsonLines(fromEnd.stdout).isEmpty)

            let partitionZero = messages.filter { $0["partition"] as? Int == 0 }.count
            try #require(partitionZero >= 2)
            let fromOffset = try await Clients.kcat([
                "-b", b, "-C", "-t", "kcat-topic", "-p", "0", "-o", "1", "-e", "-J",
            ])
            let offsets = Self.jsonLines(fromOffset.stdout).compactMap { $0["offset"] as? Int }
            #expect(offsets == Array(1..<partitionZero))
        }
    }

    @Test("kcat -G: two members split the partitions; committed offsets survive a broker restart")
    func kcatBalancedGroupAndRestart() async throws {
        try await withTestKafkaBroker { broker in
            let b = broker.bootstrap
            try await broker.log.createTopic("grouped", partitions: 4)

            func member() throws -> ChildProcess {
                try ChildProcess(
                    Clients.kcat,
                    [
                        "-b", b, "-G", "kcat-group", "-o", "beginning", "-J", "-X", "session.timeout.ms=6000",
                        "-X", "auto.commit.interval.ms=200", "grouped",
                    ]
                )
            }
            let first = try member()
            let second = try member()
            try await Task.sleep(for: .seconds(4))
            let input = (0..<200).map { "k\($0):v\($0)" }.joined(separator: "\n") + "\n"
            let produced = try await Clients.kcat(["-b", b, "-P", "-t", "grouped", "-K", ":"], input: input)
            #expect(produced.status == 0, "\(produced.stderr)")
            var together = 0
            for _ in 0..<100 {
                together = Self.jsonLines(first.stdoutSoFar).count + Self.jsonLines(second.stdoutSoFar).count
                if together >= 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(800))
            first.signal(SIGINT)
            second.signal(SIGINT)
            let outputs = [try await first.wait(timeout: .seconds(30)), try await second.wait(timeout: .seconds(30))]
            let partitions = outputs.map { Set(Self.jsonLines($0.stdout).compactMap { $0["partition"] as? Int }) }
            #expect(!partitions[0].isEmpty && !partitions[1].isEmpty, "both members got partitions: \(partitions)")
            #expect(partitions[0].isDisjoint(with: partitions[1]), "\(partitions)")
            let payloads = outputs.flatMap { Self.jsonLines($0.stdout).compactMap { $0["payload"] as? String } }
            #expect(payloads.count == 200, "read \(payloads.count) of 200: \(outputs.map(\.stderr))")
            #expect(Set(payloads).count == 200)
            let committed = try broker.log.committedGroupOffsets(group: "kcat-group")
            #expect(committed.values.reduce(0, +) == 200, "\(committed)")

            try await broker.restart()
            let newer = (200..<210).map { "k\($0):v\($0)" }.joined(separator: "\n") + "\n"
            _ = try await Clients.kcat(["-b", broker.bootstrap, "-P", "-t", "grouped", "-K", ":"], input: newer)
            let again = try ChildProcess(
                Clients.kcat,
                ["-b", broker.bootstrap, "-G", "kcat-group", "-J", "grouped"]
            )
            for _ in 0..<100 where Self.jsonLines(again.stdoutSoFar).count < 10 {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .milliseconds(500))
            again.signal(SIGINT)
            let resumed = try await again.wait(timeout: .seconds(30))
            let afterRestart = Self.jsonLines(resumed.stdout).compactMap { $0["payload"] as? String }
            #expect(afterRestart.sorted() == (200..<210).map { "v\($0)" }.sorted(), "\(resumed.stderr)")
        }
    }

    @Test(
        "confluent-kafka: idempotent acks=all produce, group consume, commit, watermarks, offsets by time, seek, admin"
    )
    func confluentKafka() async throws {
        try await withTestKafkaBroker { broker in
            let output = try await Clients.runPython("confluent_roundtrip.py", [broker.bootstrap])
            #expect(output.status == 0, "stdout: \(output.stdout)\nstderr: \(output.stderr)")
            #expect(output.stdout.contains("\"consumed\": 2000"))
        }
    }

    @Test("kafka-python: acks=all produce with headers, group consume, commit, end offsets, seek, admin offsets")
    func kafkaPython() async throws {
        try await withTestKafkaBroker { broker in
            let output = try await Clients.runPython("kafka_python_roundtrip.py", [broker.bootstrap])
            #expect(output.status == 0, "stdout: \(output.stdout)\nstderr: \(output.stderr)")
            #expect(output.stdout.contains("\"consumed\": 1000"))
        }
    }

    @Test("confluent-kafka: two group members split partitions, the survivor takes over after a leave")
    func confluentGroupMembers() async throws {
        try await withTestKafkaBroker { broker in
            let output = try await Clients.runPython("group_members.py", [broker.bootstrap])
            #expect(output.status == 0, "stdout: \(output.stdout)\nstderr: \(output.stderr)")
        }
    }
}

extension KafkaInteropTests {
    @Test("compressed batches from librdkafka (gzip, snappy, lz4, zstd) are stored as sent and our consumer reads them")
    func compressedProduce() async throws {
        try await withTestKafkaBroker { broker in
            let output = try await Clients.runPython("compressed_produce.py", [broker.bootstrap, "cmp"])
            #expect(output.status == 0, "stdout: \(output.stdout)\nstderr: \(output.stderr)")
            for codec in ["gzip", "snappy", "lz4", "zstd"] {
                let topic = "cmp-\(codec)"
                let consumer = try await broker.log.makeConsumer(group: "ours-\(codec)", topics: [topic]) { _ in [:] }
                var keys: Set<String> = []
                for _ in 0..<50 where keys.count < 300 {
                    for record in try await consumer.poll(maxRecords: 1000, timeout: .milliseconds(100)) {
                        keys.insert(String(decoding: record.key ?? [], as: UTF8.self))
                    }
                }
                try await consumer.close()
                #expect(keys == Set((0..<300).map { "\(codec)-\($0)" }), "\(codec): our consumer read \(keys.count)")
            }
        }
    }
}
