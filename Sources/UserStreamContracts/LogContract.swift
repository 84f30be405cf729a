import Synchronization
import UserStreamCore

/// One check of the ``LogContract``.
public struct LogContractCheck: Sendable, CustomStringConvertible {
    /// Opens a log. Calling it again (after closing the previous one) must return a log over the same storage.
    public typealias MakeLog = @Sendable () async throws -> any Log

    public var name: String
    public var run: @Sendable (_ makeLog: MakeLog) async throws -> Void

    public init(_ name: String, run: @escaping @Sendable (_ makeLog: MakeLog) async throws -> Void) {
        self.name = name
        self.run = run
    }

    public var description: String { name }
}

/// The behaviour every `Log` implementation must show. Each check gets a factory over fresh, empty storage; it
/// closes every log it opens. Run them with `@Test(arguments: LogContract.checks)`.
public enum LogContract {
    public static let checks: [LogContractCheck] = [
        roundTrip, perPartitionOrder, sameKeySamePartition, explicitPartition, startingOffsets, commitAndResume,
        offsetsOfTopic, pollTimesOutWhenIdle, pollWakesOnProduce, createTopicIsIdempotent, reopenKeepsData,
        fairAcrossPartitions,
    ]

    // MARK: - Helpers

    /// Throws a ``ContractViolation`` unless `condition` holds. A member (not a free function) so that calls inside
    /// the checks never resolve to another module-level `ensure` overload of this target (e.g. an async one).
    public static func ensure(
        _ condition: @autoclosure () throws -> Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #fileID,
        line: UInt = #line
    ) throws {
        guard try condition() else {
            throw ContractViolation(message: message(), file: "\(file)", line: Int(line))
        }
    }

    /// Now, to the second: records older than a log's retention could be deleted as soon as a segment rolls.
    static let baseTime: Int64 = Timestamp.nowMilliseconds() / 1000 * 1000

    static func record(
        _ value: String?,
        key: String? = nil,
        headers: [LogHeader] = [],
        timestamp: Int64 = baseTime,
        partition: Int32? = nil
    ) -> LogRecord {
        LogRecord(
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) },
            headers: headers,
            timestamp: timestamp,
            partition: partition
        )
    }

    static func text(_ bytes: [UInt8]?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Polls until `count` records arrived or `timeout` passed.
    static func consume(
        _ consumer: any LogConsumer,
        count: Int,
        timeout: Duration = .seconds(10)
    ) async throws -> [ConsumedRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var records: [ConsumedRecord] = []
        while records.count < count && clock.now < deadline {
            records += try await consumer.poll(maxRecords: count - records.count, timeout: .milliseconds(200))
        }
        return records
    }

    static func withLog(
        _ makeLog: LogContractCheck.MakeLog,
        _ body: (any Log) async throws -> Void
    ) async throws {
        let log = try await makeLog()
        do {
            try await body(log)
        } catch {
            try? await log.close()
            throw error
        }
        try await log.close()
    }

    static let fromEarliest: StartingOffsets = { _ in [:] }

    // MARK: - Checks

    static let roundTrip = LogContractCheck("produce/consume round trip keeps keys, values, headers, timestamps") {
        makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("round-trip", partitions: 1)
            let produced = [
                record("v0", key: "k0", headers: [LogHeader(key: "schema_version", string: "1")], timestamp: baseTime),
                record(nil, key: "k1", headers: [], timestamp: baseTime + 1),
                record(
                    "v2",
                    key: nil,
                    headers: [LogHeader(key: "a", string: "x"), LogHeader(key: "null", value: nil)],
                    timestamp: baseTime - 5
                ),
                record("", key: "", headers: [LogHeader(key: "empty", value: [])], timestamp: baseTime + 1_000),
            ]
            try await log.produce(produced, to: "round-trip")
            let consumer = try await log.makeConsumer(group: "g", topics: ["round-trip"], startingOffsets: fromEarliest)
            let consumed = try await consume(consumer, count: produced.count)
            try ensure(consumed.count == produced.count, "consumed \(consumed.count) of \(produced.count) records")
            for (index, (got, want)) in zip(consumed, produced).enumerated() {
                try ensure(got.topic == "round-trip" && got.partition == 0, "record \(index) topic/partition")
                try ensure(got.offset == Int64(index), "record \(index) has offset \(got.offset)")
                try ensure(got.key == want.key, "record \(index) key \(String(describing: text(got.key)))")
                try ensure(got.value == want.value, "record \(index) value \(String(describing: text(got.value)))")
                try ensure(got.headers == want.headers, "record \(index) headers \(got.headers)")
                try ensure(got.timestamp == want.timestamp, "record \(index) timestamp \(got.timestamp)")
            }
            try ensure(consumed[0].header("schema_version") == "1", "header lookup")
            let more = try await consumer.poll(maxRecords: 10, timeout: .milliseconds(50))
            try ensure(more.isEmpty, "no more records after the end, got \(more.count)")
            try await consumer.close()
        }
    }

    static let perPartitionOrder = LogContractCheck("records keep their order within a partition") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("ordered", partitions: 3)
            for round in 0..<5 {
                let records = (0..<300).map { index in
                    record("\(round * 300 + index)", key: "key-\(index % 17)", timestamp: baseTime + Int64(index))
                }
                try await log.produce(records, to: "ordered")
            }
            let consumer = try await log.makeConsumer(group: "g", topics: ["ordered"], startingOffsets: fromEarliest)
            let consumed = try await consume(consumer, count: 1500)
            try ensure(consumed.count == 1500, "consumed \(consumed.count) of 1500")
            var lastOffset: [Int32: Int64] = [:]
            var lastValueByKey: [String: Int] = [:]
            for record in consumed {
                try ensure(
                    record.offset == (lastOffset[record.partition] ?? -1) + 1,
                    "partition \(record.partition) offsets not contiguous at \(record.offset)"
                )
                lastOffset[record.partition] = record.offset
                let key = text(record.key)!
                let value = Int(text(record.value)!)!
                try ensure(value > (lastValueByKey[key] ?? -1), "key \(key) out of order at value \(value)")
                lastValueByKey[key] = value
            }
            try await consumer.close()
        }
    }

    static let sameKeySamePartition = LogContractCheck("a key always lands on the same partition") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("keyed", partitions: 4)
            let keys = (0..<40).map { "user-\($0)" }
            try await log.produce(keys.map { record("a", key: $0) }, to: "keyed")
            try await log.produce(keys.map { record("b", key: $0) }, to: "keyed")
            let consumer = try await log.makeConsumer(group: "g", topics: ["keyed"], startingOffsets: fromEarliest)
            let consumed = try await consume(consumer, count: 80)
            try ensure(consumed.count == 80, "consumed \(consumed.count) of 80")
            var partitionOfKey: [String: Int32] = [:]
            for record in consumed {
                let key = text(record.key)!
                if let known = partitionOfKey[key] {
                    try ensure(known == record.partition, "key \(key) on partitions \(known) and \(record.partition)")
                }
                partitionOfKey[key] = record.partition
            }
            try ensure(Set(partitionOfKey.values).count > 1, "40 keys all on one partition")
            try await consumer.close()
        }
    }

    static let explicitPartition = LogContractCheck("an explicit partition is honoured") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("explicit", partitions: 3)
            try await log.produce(
                [record("x", key: "k", partition: 2), record("y", partition: 1), record("z", key: "k", partition: 2)],
                to: "explicit"
            )
            let offsets = try await log.offsets(of: "explicit")
            try ensure(offsets[0]?.end == 0, "partition 0 end \(String(describing: offsets[0]))")
            try ensure(offsets[1]?.end == 1, "partition 1 end \(String(describing: offsets[1]))")
            try ensure(offsets[2]?.end == 2, "partition 2 end \(String(describing: offsets[2]))")
        }
    }

    static let startingOffsets = LogContractCheck("startingOffsets are asked once and honoured") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("start", partitions: 2)
            try await log.produce((0..<10).map { record("p0-\($0)", partition: 0) }, to: "start")
            try await log.produce((0..<10).map { record("p1-\($0)", partition: 1) }, to: "start")
            let asked = AskedPartitions()
            let consumer = try await log.makeConsumer(group: "g", topics: ["start"]) { partitions in
                asked.record(partitions)
                return [TopicPartition(topic: "start", partition: 0): 7]
            }
            let assignment = Set(await consumer.assignment())
            let expected: Set = [
                TopicPartition(topic: "start", partition: 0), TopicPartition(topic: "start", partition: 1),
            ]
            try ensure(assignment == expected, "assignment \(assignment)")
            try ensure(asked.calls == 1 && Set(asked.partitions) == expected, "startingOffsets asked \(asked.calls)x")
            let positions = await consumer.positions()
            try ensure(positions[TopicPartition(topic: "start", partition: 0)] == 7, "position p0 \(positions)")
            try ensure(positions[TopicPartition(topic: "start", partition: 1)] == 0, "missing → earliest \(positions)")
            let consumed = try await consume(consumer, count: 13)
            try ensure(consumed.count == 13, "consumed \(consumed.count) of 13")
            let p0 = consumed.filter { $0.partition == 0 }.map(\.offset)
            try ensure(p0 == [7, 8, 9], "partition 0 offsets \(p0)")
            try ensure(asked.calls == 1, "startingOffsets asked again")
            let after = await consumer.positions()
            try ensure(after[TopicPartition(topic: "start", partition: 0)] == 10, "position after \(after)")
            try ensure(after[TopicPartition(topic: "start", partition: 1)] == 10, "position after \(after)")
            try await consumer.close()
        }
    }

    static let commitAndResume = LogContractCheck("commit stores offsets; a new consumer resumes from them") {
        makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("commits", partitions: 1)
            try await log.produce((0..<10).map { record("\($0)") }, to: "commits")
            let first = try await log.makeConsumer(group: "resume", topics: ["commits"], startingOffsets: fromEarliest)
            let batch = try await consume(first, count: 4)
            try ensure(batch.map(\.offset) == [0, 1, 2, 3], "first poll \(batch.map(\.offset))")
            let tp = TopicPartition(topic: "commits", partition: 0)
            try await first.commit([tp: 4])
            let committed = try await log.committedOffsets(group: "resume", topic: "commits")
            try ensure(committed == [0: 4], "committed \(committed)")
            let other = try await log.committedOffsets(group: "other", topic: "commits")
            try ensure(other.isEmpty, "another group has \(other)")
            try await first.close()

            let second = try await log.makeConsumer(group: "resume", topics: ["commits"]) { _ in
                var positions: [TopicPartition: Int64] = [:]
                for (partition, offset) in try await log.committedOffsets(group: "resume", topic: "commits") {
                    positions[TopicPartition(topic: "commits", partition: partition)] = offset
                }
                return positions
            }
            let rest = try await consume(second, count: 6)
            try ensure(rest.map(\.offset) == Array(4..<10), "resumed at \(rest.map(\.offset))")
            try await second.commit([tp: 10])
            let stored = try await log.committedOffsets(group: "resume", topic: "commits")
            try ensure(stored == [0: 10], "second commit not stored: \(stored)")
            try await second.close()
        }
        // Commits are durable across a reopen.
        try await withLog(makeLog) { log in
            let committed = try await log.committedOffsets(group: "resume", topic: "commits")
            try ensure(committed == [0: 10], "committed after reopen \(committed)")
        }
    }

    static let offsetsOfTopic = LogContractCheck("offsets(of:) reports earliest and end per partition") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("ranges", partitions: 2)
            let empty = try await log.offsets(of: "ranges")
            try ensure(
                empty == [0: ClosedOffsetRange(earliest: 0, end: 0), 1: ClosedOffsetRange(earliest: 0, end: 0)],
                "empty topic \(empty)"
            )
            try await log.produce((0..<5).map { record("\($0)", partition: 1) }, to: "ranges")
            let offsets = try await log.offsets(of: "ranges")
            try ensure(
                offsets[0] == ClosedOffsetRange(earliest: 0, end: 0),
                "partition 0 \(String(describing: offsets[0]))"
            )
            try ensure(
                offsets[1] == ClosedOffsetRange(earliest: 0, end: 5),
                "partition 1 \(String(describing: offsets[1]))"
            )
        }
    }

    static let pollTimesOutWhenIdle = LogContractCheck("poll returns empty after its timeout when idle") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("idle", partitions: 2)
            let consumer = try await log.makeConsumer(group: "g", topics: ["idle"], startingOffsets: fromEarliest)
            let clock = ContinuousClock()
            let start = clock.now
            let records = try await consumer.poll(maxRecords: 10, timeout: .milliseconds(300))
            let elapsed = clock.now - start
            try ensure(records.isEmpty, "idle poll returned \(records.count) records")
            try ensure(elapsed >= .milliseconds(250), "idle poll returned after \(elapsed)")
            try ensure(elapsed < .seconds(5), "idle poll took \(elapsed)")
            try await consumer.close()
        }
    }

    static let pollWakesOnProduce = LogContractCheck("a waiting poll wakes up promptly on produce") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("wake", partitions: 3)
            let consumer = try await log.makeConsumer(group: "g", topics: ["wake"], startingOffsets: fromEarliest)
            let clock = ContinuousClock()
            let start = clock.now
            let records = try await withThrowingTaskGroup(of: [ConsumedRecord]?.self) { group in
                group.addTask {
                    try await consumer.poll(maxRecords: 10, timeout: .seconds(20))
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(300))
                    try await log.produce([record("hello", key: "k")], to: "wake")
                    return nil
                }
                var polled: [ConsumedRecord] = []
                for try await result in group {
                    if let result { polled = result }
                }
                return polled
            }
            let elapsed = clock.now - start
            try ensure(records.count == 1 && text(records.first?.value) == "hello", "woke with \(records)")
            try ensure(elapsed < .seconds(5), "poll woke after \(elapsed)")
            try await consumer.close()
        }
    }

    static let createTopicIsIdempotent = LogContractCheck("createTopic is idempotent; partitionCount reports it") {
        makeLog in
        try await withLog(makeLog) { log in
            let before = try await log.partitionCount(of: "made")
            try ensure(before == nil, "topic exists before creation")
            try await log.createTopic("made", partitions: 5)
            let created = try await log.partitionCount(of: "made")
            try ensure(created == 5, "partition count after creation: \(String(describing: created))")
            try await log.produce([record("x", partition: 4)], to: "made")
            try await log.createTopic("made", partitions: 5)
            try await log.createTopic("made", partitions: 2)
            let count = try await log.partitionCount(of: "made")
            try ensure(count == 5, "partition count changed: \(String(describing: count))")
            let offsets = try await log.offsets(of: "made")
            try ensure(offsets[4]?.end == 1, "data lost by createTopic \(offsets)")
        }
    }

    static let reopenKeepsData = LogContractCheck("close and reopen keep topics and records") { makeLog in
        try await withLog(makeLog) { log in
            try await log.createTopic("kept", partitions: 2)
            try await log.produce(
                (0..<100).map {
                    record("value-\($0)", key: "key-\($0)", headers: [LogHeader(key: "n", string: "\($0)")])
                },
                to: "kept"
            )
        }
        try await withLog(makeLog) { log in
            let count = try await log.partitionCount(of: "kept")
            try ensure(count == 2, "partition count after reopen: \(String(describing: count))")
            let offsets = try await log.offsets(of: "kept")
            let total = offsets.values.reduce(Int64(0)) { $0 + $1.end - $1.earliest }
            try ensure(total == 100, "\(total) records after reopen")
            let consumer = try await log.makeConsumer(group: "g", topics: ["kept"], startingOffsets: fromEarliest)
            let consumed = try await consume(consumer, count: 100)
            try ensure(consumed.count == 100, "consumed \(consumed.count) after reopen")
            for record in consumed {
                let n = record.header("n")!
                try ensure(text(record.value) == "value-\(n)" && text(record.key) == "key-\(n)", "record \(n) changed")
            }
            try await consumer.close()
            // Appends continue after the recovered end.
            try await log.produce([record("after", partition: 0)], to: "kept")
            let after = try await log.offsets(of: "kept")
            try ensure(after[0]!.end == offsets[0]!.end + 1, "append after reopen: \(after)")
        }
    }

    /// No partition is starved: every partition with data is served before any one of them has been read to its end.
    /// A consumer that reads partition by partition fails (it returns all of one partition first). Fetches of the
    /// partitions may reach a Kafka client at different moments, so the check polls with short pauses rather than
    /// asking that the first poll already holds every partition.
    static let fairAcrossPartitions = LogContractCheck("poll serves every partition with data") { makeLog in
        try await withLog(makeLog) { log in
            let perPartition = 1_000
            try await log.createTopic("fair", partitions: 3)
            for partition in Int32(0)..<3 {
                try await log.produce((0..<perPartition).map { record("\($0)", partition: partition) }, to: "fair")
            }
            let consumer = try await log.makeConsumer(group: "g", topics: ["fair"], startingOffsets: fromEarliest)
            var served: [Int32: Int] = [:]
            let deadline = ContinuousClock.now + .seconds(20)
            while served.count < 3 && ContinuousClock.now < deadline {
                let records = try await consumer.poll(maxRecords: 30, timeout: .seconds(5))
                try ensure(records.count <= 30, "poll returned \(records.count) > maxRecords")
                for record in records { served[record.partition, default: 0] += 1 }
                let exhausted = served.filter { $0.value >= perPartition }.keys.sorted()
                try ensure(
                    served.count == 3 || exhausted.isEmpty,
                    "partitions \(exhausted) were read to their end before every partition was served: \(served)"
                )
                if served.count < 3 { try await Task.sleep(for: .milliseconds(20)) }
            }
            try ensure(served.count == 3, "polls for 20 s served partitions \(served.keys.sorted()) of [0, 1, 2]")
            try await consumer.close()
        }
    }
}

/// Records the calls of a `StartingOffsets` closure.
final class AskedPartitions: Sendable {
    private let state = Mutex<(calls: Int, partitions: [TopicPartition])>((0, []))

    func record(_ partitions: [TopicPartition]) {
        state.withLock { state in
            state.calls += 1
            state.partitions = partitions
        }
    }

    var calls: Int { state.withLock { $0.calls } }
    var partitions: [TopicPartition] { state.withLock { $0.partitions } }
}
