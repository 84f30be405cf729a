import EmbeddedLog
import Foundation
import KafkaWire
import Logging
import NIOCore
import Testing
import UserStreamCore
import UserStreamTestSupport

/// Helpers shared by the EmbeddedLog-specific tests.
struct LogFixture {
    let directory: TemporaryDirectory
    var configuration: EmbeddedLogConfiguration

    init(_ configure: (inout EmbeddedLogConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory()
        configuration = EmbeddedLogConfiguration(directory: directory.path + "/log")
        configure(&configuration)
    }

    func open() throws -> EmbeddedLog {
        try EmbeddedLog.open(configuration: configuration, logger: .embeddedLogTests)
    }

    func partitionDirectory(_ topic: String, _ partition: Int32 = 0) -> String {
        configuration.directory + "/\(topic)-\(partition)"
    }

    func files(_ topic: String, _ partition: Int32 = 0, extension ext: String = "log") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: partitionDirectory(topic, partition))
            .filter { $0.hasSuffix("." + ext) }.sorted()
    }

    func size(of path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    func remove() { directory.remove() }
}

/// Recent timestamps: the default 7-day retention deletes segments of older records on roll.
func record(
    _ value: String,
    key: String? = nil,
    timestamp: Int64 = Timestamp.nowMilliseconds(),
    partition: Int32? = 0
) -> LogRecord {
    LogRecord(
        key: key.map { Array($0.utf8) },
        value: Array(value.utf8),
        headers: [LogHeader(key: "h", string: "v")],
        timestamp: timestamp,
        partition: partition
    )
}

func consumeAll(
    _ log: EmbeddedLog,
    topic: String,
    from start: [TopicPartition: Int64] = [:]
) async throws
    -> [ConsumedRecord]
{
    let consumer = try await log.makeConsumer(group: "test", topics: [topic]) { _ in start }
    var records: [ConsumedRecord] = []
    while true {
        let batch = try await consumer.poll(maxRecords: 10_000, timeout: .milliseconds(100))
        if batch.isEmpty { break }
        records += batch
    }
    try await consumer.close()
    return records
}

@Suite("EmbeddedLog")
struct EmbeddedLogTests {
    @Test
    func segmentsRollAndAnOldOffsetIsFoundThroughTheIndex() async throws {
        let fixture = try LogFixture {
            $0.segmentBytes = 4096
            $0.indexIntervalBytes = 256
        }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("roll", partitions: 1)
        for index in 0..<400 {
            try await log.produce([record(String(format: "value-%05d", index))], to: "roll")
        }
        let segments = try fixture.files("roll")
        #expect(segments.count > 5, "segments: \(segments)")
        #expect(segments.first == "00000000000000000000.log")
        #expect(try fixture.files("roll", extension: "index").count == segments.count)
        let firstIndex = fixture.partitionDirectory("roll") + "/00000000000000000000.index"
        #expect(try fixture.size(of: firstIndex) > 0 && fixture.size(of: firstIndex) % 8 == 0)
        // An offset in an older segment, not at a segment start.
        let target: Int64 = 137
        let records = try await consumeAll(
            log,
            topic: "roll",
            from: [TopicPartition(topic: "roll", partition: 0): target]
        )
        #expect(records.first?.offset == target)
        #expect(records.first.map { String(decoding: $0.value!, as: UTF8.self) } == "value-00137")
        #expect(records.count == 400 - Int(target))
        let raw = try log.readRawBatches(from: TopicPartition(topic: "roll", partition: 0), offset: target, maxBytes: 1)
        var rawCopy = raw
        let batch = try #require(try rawCopy.readKafkaRecordBatch())
        #expect(batch.baseOffset == target)
        #expect(rawCopy.readableBytes == 0, "maxBytes 1 still returns exactly one batch")
        try await log.close()

        // Reopen: older segments are verified at their tail, the index is reloaded; reads still work.
        let reopened = try fixture.open()
        let again = try await consumeAll(
            reopened,
            topic: "roll",
            from: [TopicPartition(topic: "roll", partition: 0): 333]
        )
        #expect(again.map(\.offset) == Array(333..<400))
        try await reopened.produce([record("after")], to: "roll")
        #expect(try await reopened.offsets(of: "roll")[0] == ClosedOffsetRange(earliest: 0, end: 401))
        try await reopened.close()
    }

    @Test
    func corruptionInTheLastSegmentTruncatesThere() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("crc", partitions: 1)
        for index in 0..<10 {
            try await log.produce([record("value-\(index)")], to: "crc")
        }
        try await log.close()
        let path = fixture.partitionDirectory("crc") + "/00000000000000000000.log"
        let size = try fixture.size(of: path)
        #expect(size % 10 == 0)
        let batchSize = size / 10
        // Flip a bit inside the records of batch 4.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(4 * batchSize + 70))
        let byte = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(4 * batchSize + 70))
        try handle.write(contentsOf: Data([byte[0] ^ 0x10]))
        try handle.close()

        let reopened = try fixture.open()
        #expect(try await reopened.offsets(of: "crc")[0] == ClosedOffsetRange(earliest: 0, end: 4))
        #expect(try fixture.size(of: path) == 4 * batchSize)
        let records = try await consumeAll(reopened, topic: "crc")
        #expect(records.map(\.offset) == [0, 1, 2, 3])
        try await reopened.produce([record("new")], to: "crc")
        #expect(try await reopened.offsets(of: "crc")[0]?.end == 5)
        try await reopened.close()
    }

    @Test
    func corruptionAtTheTailOfAnOlderSegmentIsFoundAndSkipped() async throws {
        let fixture = try LogFixture { $0.segmentBytes = 4096 }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("older", partitions: 1)
        for index in 0..<100 {
            try await log.produce([record(String(format: "value-%05d", index))], to: "older")
        }
        try await log.close()
        let segments = try fixture.files("older")
        #expect(segments.count > 2)
        let path = fixture.partitionDirectory("older") + "/" + segments[0]
        let size = try fixture.size(of: path)
        let nextBase = try #require(Int64(segments[1].dropLast(4)))
        // Flip a bit in the last byte of the first segment: its last batch fails its CRC.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(size - 1))
        let byte = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(size - 1))
        try handle.write(contentsOf: Data([byte[0] ^ 0x01]))
        try handle.close()

        let reopened = try fixture.open()
        #expect(try fixture.size(of: path) < size)
        // The lost batch leaves a gap of one offset; reading goes across it.
        let offsets = try await consumeAll(reopened, topic: "older").map(\.offset)
        #expect(offsets == Array(0..<(nextBase - 1)) + Array(nextBase..<100))
        try await reopened.close()
    }

    @Test
    func tornTailIsTruncated() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("torn", partitions: 1)
        try await log.produce([record("a"), record("b")], to: "torn")
        try await log.produce([record("c")], to: "torn")
        try await log.close()
        let path = fixture.partitionDirectory("torn") + "/00000000000000000000.log"
        let size = try fixture.size(of: path)
        // Half a batch, as a crash in the middle of a write would leave it.
        var builder = KafkaRecordBatchBuilder(baseOffset: 3)
        builder.append(timestamp: 1, key: nil, value: Array(repeating: 7, count: 100))
        let batch = builder.finish()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(batch.readableBytesView.prefix(batch.readableBytes / 2)))
        try handle.close()
        #expect(try fixture.size(of: path) > size)

        let reopened = try fixture.open()
        #expect(try fixture.size(of: path) == size)
        #expect(try await reopened.offsets(of: "torn")[0] == ClosedOffsetRange(earliest: 0, end: 3))
        let values = try await consumeAll(reopened, topic: "torn").map { String(decoding: $0.value!, as: UTF8.self) }
        #expect(values == ["a", "b", "c"])
        try await reopened.close()
    }

    @Test
    func retentionBySizeDeletesOldSegmentsAndMovesEarliest() async throws {
        let fixture = try LogFixture {
            $0.segmentBytes = 2048
            $0.retentionBytes = 4096
        }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("sized", partitions: 1)
        for index in 0..<200 {
            try await log.produce([record("value-\(index)-" + String(repeating: "x", count: 100))], to: "sized")
        }
        let range = try #require(try await log.offsets(of: "sized")[0])
        #expect(range.end == 200)
        #expect(range.earliest > 0)
        let segments = try fixture.files("sized")
        #expect(segments.first == String(format: "%020d.log", range.earliest))
        let total = try segments.reduce(0) {
            $0 + (try fixture.size(of: fixture.partitionDirectory("sized") + "/" + $1))
        }
        #expect(total >= 4096 && total <= 4096 + 2 * 2048, "kept \(total) bytes in \(segments.count) segments")
        // A consumer positioned below the earliest offset starts at the earliest.
        let records = try await consumeAll(log, topic: "sized", from: [TopicPartition(topic: "sized", partition: 0): 0])
        #expect(records.first?.offset == range.earliest)
        #expect(records.count == Int(200 - range.earliest))
        try await log.close()
        // Retention runs again on open: the active segment has grown since the last roll, so an older one may go.
        let reopened = try fixture.open()
        let reopenedRange = try #require(try await reopened.offsets(of: "sized")[0])
        #expect(reopenedRange.end == 200 && reopenedRange.earliest >= range.earliest)
        try await reopened.close()
    }

    @Test
    func retentionByTimeDeletesOldSegments() async throws {
        let fixture = try LogFixture {
            $0.segmentBytes = 2048
            $0.retentionMilliseconds = 24 * 60 * 60 * 1000
        }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("aged", partitions: 1)
        let now = Timestamp.nowMilliseconds()
        let old = now - 3 * 24 * 60 * 60 * 1000
        for index in 0..<60 {
            try await log.produce(
                [record("old-\(index)-" + String(repeating: "x", count: 100), timestamp: old)],
                to: "aged"
            )
        }
        for index in 0..<60 {
            try await log.produce(
                [record("new-\(index)-" + String(repeating: "x", count: 100), timestamp: now)],
                to: "aged"
            )
        }
        try log.enforceRetention()
        let range = try #require(try await log.offsets(of: "aged")[0])
        #expect(range.end == 120)
        #expect(range.earliest > 0 && range.earliest <= 60, "earliest \(range.earliest)")
        let records = try await consumeAll(log, topic: "aged")
        #expect(records.first?.offset == range.earliest)
        // Only the segment holding the last old records may remain of the old ones.
        let oldLeft = records.filter { String(decoding: $0.value!, as: UTF8.self).hasPrefix("old-") }.count
        #expect(oldLeft < 20, "\(oldLeft) old records kept")
        try await log.close()
    }

    @Test
    func aSecondOpenInTheSameProcessIsRefusedNamingTheHolder() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        do {
            _ = try fixture.open()
            Issue.record("a second open succeeded")
        } catch let error as EmbeddedLogError {
            #expect(error.code == .locked)
            #expect(
                error.message.contains("the log at \(fixture.configuration.directory) is in use by pid \(getpid())")
            )
            #expect(error.message.contains("since 20"))
            #expect(error.message.hasSuffix("stop it or use another --data-dir"))
        }
        try await log.close()
        // Released on close.
        let again = try fixture.open()
        try await again.close()
    }

    @Test
    func anotherProcessHoldingTheLockIsNamed() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        try await fixture.open().close()  // creates the directory and lock file
        let lockPath = fixture.configuration.directory + "/writer.lock"
        // The shell opens the lock file as fd 9, flock(1) locks that open file description, then the shell becomes
        // `sleep` keeping fd 9: the lock lives exactly as long as the child process.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exec 9>>\"$0\"; flock --exclusive 9; exec sleep 30", lockPath]
        try child.run()
        defer {
            child.terminate()
            child.waitUntilExit()
        }
        // Wait until the child holds the lock.
        var locked = false
        for _ in 0..<200 where !locked {
            do {
                try await fixture.open().close()
                try await Task.sleep(for: .milliseconds(25))
            } catch let error as EmbeddedLogError where error.code == .locked {
                locked = true
            }
        }
        #expect(locked)
        // What a real holder writes into the lock file (in place: the lock is on this inode).
        let handle = try #require(FileHandle(forWritingAtPath: lockPath))
        try handle.truncate(atOffset: 0)
        try handle.write(
            contentsOf: Data(
                "pid=\(child.processIdentifier)\ncommand=userstream run\nsince=2026-11-21T00:31:00Z\n".utf8
            )
        )
        try handle.close()
        var lastError: EmbeddedLogError?
        do {
            try await fixture.open().close()
        } catch let error as EmbeddedLogError {
            lastError = error
        }
        let error = try #require(lastError)
        #expect(error.code == .locked)
        #expect(
            error.message
                == "the log at \(fixture.configuration.directory) is in use by pid \(child.processIdentifier) "
                + "(userstream run, since 2026-11-21T00:31:00Z); stop it or use another --data-dir"
        )
    }

    @Test(arguments: [FsyncPolicy.everyBatch, .interval(milliseconds: 50), .never])
    func fsyncPoliciesWork(_ policy: FsyncPolicy) async throws {
        let fixture = try LogFixture { $0.fsync = policy }
        defer { fixture.remove() }
        let log = try fixture.open()
        for round in 0..<5 {
            try await log.produce((0..<50).map { record("\(round)-\($0)", partition: nil) }, to: "policy")
        }
        try await log.flush()
        let records = try await consumeAll(log, topic: "policy")
        #expect(records.count == 250)
        try await log.close()
        let reopened = try fixture.open()
        let total = try await reopened.offsets(of: "policy").values.reduce(Int64(0)) { $0 + $1.end }
        #expect(total == 250)
        try await reopened.close()
    }

    @Test
    func aRecordLargerThanMaxBatchBytesIsRejectedWithoutWriting() async throws {
        let fixture = try LogFixture { $0.maxBatchBytes = 1024 }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("big", partitions: 1)
        let huge = String(repeating: "x", count: 2000)
        do {
            try await log.produce([record("small"), record(huge)], to: "big")
            Issue.record("a record larger than maxBatchBytes was accepted")
        } catch let error as EmbeddedLogError {
            #expect(error.code == .recordTooLarge)
            #expect(error.message.contains("record 1"))
        }
        #expect(try await log.offsets(of: "big")[0] == ClosedOffsetRange(earliest: 0, end: 0))
        #expect(try fixture.size(of: fixture.partitionDirectory("big") + "/00000000000000000000.log") == 0)

        // Many small records in one call are split into batches of at most maxBatchBytes.
        try await log.produce((0..<100).map { record("value-\($0)-" + String(repeating: "y", count: 50)) }, to: "big")
        var raw = try log.readRawBatches(from: TopicPartition(topic: "big", partition: 0), offset: 0, maxBytes: 1 << 20)
        var batches = 0
        var next: Int64 = 0
        while let batch = try raw.readKafkaRecordBatch() {
            #expect(batch.totalSize <= 1024)
            #expect(batch.baseOffset == next)
            next = batch.nextOffset
            batches += 1
        }
        #expect(batches > 5)
        #expect(next == 100)
        try await log.close()
    }

    @Test
    func rawBatchesRoundTripAsStored() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("raw", partitions: 2)
        let tp = TopicPartition(topic: "raw", partition: 1)

        func clientBatch(_ values: [String]) -> ByteBuffer {
            var builder = KafkaRecordBatchBuilder(baseOffset: 0)
            for value in values {
                builder.append(timestamp: 1_700_000_000_000, key: Array("k".utf8), value: Array(value.utf8))
            }
            return builder.finish()
        }
        let first = clientBatch(["a", "b", "c"])
        let second = clientBatch(["d"])
        var both = first
        both.writeImmutableBuffer(second)
        let result = try await log.appendRawBatches(both, to: tp)
        #expect(result.baseOffset == 0)
        #expect(result.lastOffset == 3)
        let third = try await log.appendRawBatches(clientBatch(["e", "f"]), to: tp)
        #expect(third.baseOffset == 4)
        #expect(third.lastOffset == 5)

        // Stored as sent, except for baseOffset.
        var raw = try log.readRawBatches(from: tp, offset: 0, maxBytes: 1 << 20)
        var expected = both
        expected.setKafkaRecordBatchBaseOffset(3, at: first.readableBytes)
        #expect(raw.readSlice(length: both.readableBytes) == expected)
        var rest = raw
        #expect(try rest.readKafkaRecordBatch()?.baseOffset == 4)
        // From an offset inside a batch: that whole batch first.
        var fromInside = try log.readRawBatches(from: tp, offset: 1, maxBytes: 1 << 20)
        #expect(try fromInside.readKafkaRecordBatch()?.baseOffset == 0)
        #expect(try log.readRawBatches(from: tp, offset: 6, maxBytes: 100).readableBytes == 0)
        #expect(throws: EmbeddedLogError.self) { try log.readRawBatches(from: tp, offset: 7, maxBytes: 100) }

        let values = try await consumeAll(log, topic: "raw").map { String(decoding: $0.value!, as: UTF8.self) }
        #expect(values == ["a", "b", "c", "d", "e", "f"])
        try await log.close()
    }

    @Test
    func rawBatchWithBadCRCIsRejected() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("raw", partitions: 1)
        let tp = TopicPartition(topic: "raw", partition: 0)
        var builder = KafkaRecordBatchBuilder()
        builder.append(timestamp: 1, key: nil, value: Array("value".utf8))
        let good = builder.finish()
        var bad = good
        bad.setInteger(bad.getInteger(at: bad.writerIndex - 2, as: UInt8.self)! ^ 1, at: bad.writerIndex - 2)
        // A good batch followed by a bad one: nothing of either is written.
        var mixed = good
        mixed.writeImmutableBuffer(bad)
        do {
            _ = try await log.appendRawBatches(mixed, to: tp)
            Issue.record("a corrupt batch was accepted")
        } catch let error as EmbeddedLogError {
            #expect(error.code == .corruptMessage)
            #expect(error.underlying?.code == .corruptMessage)
        }
        var truncated = good
        truncated.moveWriterIndex(to: truncated.writerIndex - 1)
        await #expect(throws: EmbeddedLogError.self) { try await log.appendRawBatches(truncated, to: tp) }
        var magicOne = good
        magicOne.setInteger(Int8(1), at: 16)
        await #expect(throws: EmbeddedLogError.self) { try await log.appendRawBatches(magicOne, to: tp) }
        await #expect(throws: EmbeddedLogError.self) {
            try await log.appendRawBatches(good, to: TopicPartition(topic: "raw", partition: 9))
        }
        #expect(try await log.offsets(of: "raw")[0] == ClosedOffsetRange(earliest: 0, end: 0))
        _ = try await log.appendRawBatches(good, to: tp)
        #expect(try await log.offsets(of: "raw")[0]?.end == 1)
        try await log.close()
    }

    @Test
    func invalidNamesAndPartitionsAreRejected() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        for name in ["", ".", "..", "a/b", "spaces here", String(repeating: "t", count: 250), "ünïcode"] {
            await #expect(throws: EmbeddedLogError.self, "topic \(name)") {
                try await log.createTopic(name, partitions: 1)
            }
        }
        try await log.createTopic("users_created.dlq-v2", partitions: 2)
        await #expect(throws: EmbeddedLogError.self) {
            try await log.produce([record("x", partition: 2)], to: "users_created.dlq-v2")
        }
        try await log.close()
        await #expect(throws: EmbeddedLogError.self) {
            try await log.produce([record("x")], to: "users_created.dlq-v2")
        }
        // Topic names with dashes and dots survive a reopen.
        let reopened = try fixture.open()
        #expect(try await reopened.partitionCount(of: "users_created.dlq-v2") == 2)
        try await reopened.close()
    }

    @Test
    func producedBatchesAreKafkaBatchesOnDisk() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("disk", partitions: 1)
        try await log.produce([record("one", key: "k"), record("two")], to: "disk")
        try await log.produce([record("three")], to: "disk")
        try await log.close()
        let bytes = try Data(
            contentsOf: URL(fileURLWithPath: fixture.partitionDirectory("disk") + "/00000000000000000000.log")
        )
        var buffer = ByteBuffer(bytes: bytes)
        let first = try #require(try buffer.readKafkaRecordBatch())
        let second = try #require(try buffer.readKafkaRecordBatch())
        #expect(buffer.readableBytes == 0)
        #expect(first.baseOffset == 0 && first.recordsCount == 2 && first.producerId == -1)
        #expect(second.baseOffset == 2 && second.recordsCount == 1)
        #expect(try first.records().map { $0.value.map { String(buffer: $0) } } == ["one", "two"])
    }

    @Test
    func keyedRecordsFollowKafkasPartitioner() async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("keys", partitions: 7)
        let keys = ["21", "foobar", "abc", "a-little-bit-long-string"]
        try await log.produce(keys.map { record("v", key: $0, partition: nil) }, to: "keys")
        let records = try await consumeAll(log, topic: "keys")
        for record in records {
            let key = String(decoding: record.key!, as: UTF8.self)
            #expect(record.partition == KafkaPartitioner.partition(forKey: Array(key.utf8), numPartitions: 7))
        }
        #expect(records.count == 4)
        try await log.close()
    }
}
