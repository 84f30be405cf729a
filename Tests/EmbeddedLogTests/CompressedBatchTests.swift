import EmbeddedLog
import Foundation
import KafkaCompression
import KafkaWire
import NIOCore
import Testing
import UserStreamCore

private let codecs: [KafkaRecordBatch.Compression] = [.gzip, .snappy, .lz4, .zstd]

/// A batch of `count` records (keys, null keys, headers with null values) compressed with `codec`.
private func compressedBatch(
    _ codec: KafkaRecordBatch.Compression,
    count: Int = 20,
    timestamp: Int64 = Timestamp.nowMilliseconds()
) throws -> ByteBuffer {
    var builder = KafkaRecordBatchBuilder(baseOffset: 0)
    for index in 0..<count {
        builder.append(
            timestamp: timestamp + Int64(index),
            key: index.isMultiple(of: 4) ? nil : Array("key-\(index)".utf8),
            value: Array(String(repeating: "\(codec) value \(index) ", count: 8).utf8),
            headers: [(key: "n", value: Array("\(index)".utf8)), (key: "empty", value: nil)]
        )
    }
    return try builder.finish(compression: codec)
}

/// Sets the CRC-32C of the batch at the start of `buffer` after its bytes were edited.
private func fixCRC(_ buffer: inout ByteBuffer) {
    let crc = buffer.withUnsafeReadableBytes {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[KafkaRecordBatch.Layout.attributes...]))
    }
    buffer.setInteger(crc, at: buffer.readerIndex + KafkaRecordBatch.Layout.crc)
}

@Suite("EmbeddedLog compressed batches")
struct CompressedBatchTests {
    @Test("compressed raw batches are stored as sent and consumed as records", arguments: codecs)
    func compressedRawBatches(codec: KafkaRecordBatch.Compression) async throws {
        let fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("zipped", partitions: 1)
        let tp = TopicPartition(topic: "zipped", partition: 0)
        try await log.produce([record("plain", key: "p")], to: "zipped")  // offset 0, uncompressed
        let now = Timestamp.nowMilliseconds()
        let batch = try compressedBatch(codec, timestamp: now)
        let result = try await log.appendRawBatches(batch, to: tp)
        #expect(result.baseOffset == 1 && result.lastOffset == 20)
        // Stored byte for byte, except the baseOffset the log assigned.
        var raw = try log.readRawBatches(from: tp, offset: 1, maxBytes: 1 << 20)
        var expected = batch
        expected.setKafkaRecordBatchBaseOffset(1, at: expected.readerIndex)
        #expect(raw == expected)
        #expect(try raw.readKafkaRecordBatch()?.attributes.compression == codec)

        let records = try await consumeAll(log, topic: "zipped")
        #expect(records.count == 21)
        #expect(records.first?.value == Array("plain".utf8))
        for (index, consumed) in records.dropFirst().enumerated() {
            #expect(consumed.offset == Int64(index + 1))
            #expect(consumed.timestamp == now + Int64(index))
            #expect(consumed.key == (index.isMultiple(of: 4) ? nil : Array("key-\(index)".utf8)))
            #expect(consumed.value == Array(String(repeating: "\(codec) value \(index) ", count: 8).utf8))
            #expect(consumed.headers == [LogHeader(key: "n", string: "\(index)"), LogHeader(key: "empty", value: nil)])
        }
        // Offsets by time look inside the compressed batch and answer the found record's own timestamp.
        let found = try log.offset(forTimestamp: now + 7, in: tp)
        #expect(found?.offset == 8 && found?.timestamp == now + 7)
        #expect(try log.offset(forTimestamp: now + 20, in: tp) == nil)
        // A consumer starting in the middle of a compressed batch skips its earlier records.
        let middle = try await consumeAll(log, topic: "zipped", from: [tp: 15])
        #expect(middle.map(\.offset) == Array(15...20))
        try await log.close()
    }

    @Test("batches compressed by kafka-python are consumed", arguments: ["gzip", "snappy", "lz4", "zstd"])
    func kafkaPythonBatches(name: String) async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../KafkaCompressionTests/Fixtures/batch-\(name).bin")
        let batch = ByteBuffer(bytes: try Data(contentsOf: path))
        let fixture = try LogFixture { $0.retentionMilliseconds = nil }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("python", partitions: 1)
        _ = try await log.appendRawBatches(batch, to: TopicPartition(topic: "python", partition: 0))
        _ = try await log.appendRawBatches(batch, to: TopicPartition(topic: "python", partition: 0))
        let records = try await consumeAll(log, topic: "python")
        #expect(records.map(\.offset) == Array(0..<10))
        for (index, consumed) in records.enumerated() {
            #expect(consumed.timestamp == 1_700_000_000_000 + Int64(index % 5))
            #expect(consumed.key == Array("key-\(index % 5)".utf8))
            #expect(consumed.value == Array(String(repeating: "value \(index % 5) ", count: 20).utf8))
            #expect(consumed.headers.map(\.key) == ["source", "n"])
        }
        try await log.close()
    }

    @Test("produce compresses with the configured codec", arguments: codecs)
    func produceCompresses(codec: KafkaRecordBatch.Compression) async throws {
        let fixture = try LogFixture { $0.compression = codec }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("out", partitions: 1)
        let values = (0..<100).map { String(repeating: "user \($0) ", count: 10) }
        try await log.produce(values.enumerated().map { record($1, key: "k\($0)") }, to: "out")
        try await log.produce([record("x")], to: "out")  // too small to shrink: stored uncompressed
        var raw = try log.readRawBatches(from: TopicPartition(topic: "out", partition: 0), offset: 0, maxBytes: 1 << 20)
        let first = try #require(try raw.readKafkaRecordBatch())
        let second = try #require(try raw.readKafkaRecordBatch())
        #expect(first.attributes.compression == codec && first.recordsCount == 100)
        #expect(first.totalSize < values.joined().utf8.count / 2)
        #expect(second.attributes.compression == .none)
        let records = try await consumeAll(log, topic: "out")
        #expect(records.map { String(decoding: $0.value ?? [], as: UTF8.self) } == values + ["x"])
        #expect(records.map(\.offset) == Array(0...100))
        try await log.close()
    }

    @Test("an invalid compression configuration is refused")
    func invalidConfiguration() throws {
        let badCodec = try LogFixture { $0.compression = KafkaRecordBatch.Compression(rawValue: 6) }
        defer { badCodec.remove() }
        #expect(throws: EmbeddedLogError.self) { try badCodec.open() }
        let badLevel = try LogFixture {
            $0.compression = .gzip
            $0.compressionLevel = 42
        }
        defer { badLevel.remove() }
        #expect(throws: EmbeddedLogError.self) { try badLevel.open() }
        let badLimit = try LogFixture { $0.maxDecompressedBatchBytes = 1000 }
        defer { badLimit.remove() }
        #expect(throws: EmbeddedLogError.self) { try badLimit.open() }
    }

    @Test("malformed compressed raw batches are rejected and nothing is written")
    func malformedCompressedBatches() async throws {
        let fixture = try LogFixture { $0.maxDecompressedBatchBytes = 1 << 20 }
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("bad", partitions: 1)
        let tp = TopicPartition(topic: "bad", partition: 0)
        func rejection(_ bytes: ByteBuffer) async -> EmbeddedLogError? {
            do {
                _ = try await log.appendRawBatches(bytes, to: tp)
                return nil
            } catch {
                return error as? EmbeddedLogError
            }
        }

        // Uncompressed records under a gzip flag.
        var builder = KafkaRecordBatchBuilder()
        builder.append(timestamp: Timestamp.nowMilliseconds(), key: nil, value: Array("opaque".utf8))
        var fake = builder.finish()
        fake.setInteger(KafkaRecordBatch.Compression.gzip.rawValue, at: KafkaRecordBatch.Layout.attributes)
        fixCRC(&fake)
        let corrupt = await rejection(fake)
        #expect(corrupt?.code == .invalidBatch)
        #expect(corrupt?.compressionError?.code == .corrupt)

        // An unknown codec.
        var unknown = try compressedBatch(.zstd)
        unknown.setInteger(Int16(5), at: KafkaRecordBatch.Layout.attributes)
        fixCRC(&unknown)
        #expect(await rejection(unknown)?.code == .unsupportedCompression)

        // A zip bomb: 2 MiB of records in a few KiB, above the 1 MiB limit.
        var bombBuilder = KafkaRecordBatchBuilder()
        let zeros = [UInt8](repeating: 0, count: 64 << 10)
        for _ in 0..<32 { bombBuilder.append(timestamp: Timestamp.nowMilliseconds(), key: nil, value: zeros) }
        let bomb = try bombBuilder.finish(compression: .zstd)
        #expect(bomb.readableBytes < 4096)
        let tooLarge = await rejection(bomb)
        #expect(tooLarge?.code == .recordTooLarge)
        #expect(tooLarge?.compressionError?.code == .tooLarge)

        // Records whose offset deltas are wrong, inside a valid zstd stream: 2 records, both with offsetDelta 0.
        var first = KafkaRecordBatchBuilder()
        first.append(timestamp: 1, key: nil, value: Array("a".utf8))
        let single = try #require(
            try {
                var b = first.finish(); return try b.readKafkaRecordBatch()
            }()
        )
        var doubled = KafkaRecordBatchBuilder()
        doubled.append(timestamp: 1, key: nil, value: Array("a".utf8))
        doubled.append(timestamp: 1, key: nil, value: Array("a".utf8))
        let wrongDeltas = try doubled.finish(compression: .zstd) {
            (_: ByteBuffer) throws(KafkaCompressionError) -> ByteBuffer? in
            var twice = single.recordsData
            twice.writeImmutableBuffer(single.recordsData)
            return try KafkaCompression.compress(twice, codec: .zstd)
        }
        let deltas = await rejection(wrongDeltas)
        #expect(deltas?.code == .invalidBatch)
        #expect(deltas?.underlying?.code == .invalidRecord)

        #expect(try await log.offsets(of: "bad")[0] == ClosedOffsetRange(earliest: 0, end: 0))
        try await log.close()
    }

    @Test("a stored batch beyond a lowered decompression limit fails to read, clearly")
    func storedBatchBeyondTheLimit() async throws {
        var fixture = try LogFixture()
        defer { fixture.remove() }
        let log = try fixture.open()
        try await log.createTopic("big", partitions: 1)
        var builder = KafkaRecordBatchBuilder()
        let zeros = [UInt8](repeating: 0, count: 64 << 10)
        for _ in 0..<32 { builder.append(timestamp: Timestamp.nowMilliseconds(), key: nil, value: zeros) }
        _ = try await log.appendRawBatches(
            try builder.finish(compression: .lz4),
            to: TopicPartition(topic: "big", partition: 0)
        )
        try await log.close()

        fixture.configuration.maxDecompressedBatchBytes = 1 << 20
        let reopened = try fixture.open()
        do {
            _ = try await consumeAll(reopened, topic: "big")
            Issue.record("a batch beyond the limit was decompressed")
        } catch let error as EmbeddedLogError {
            #expect(error.code == .recordTooLarge)
            #expect(error.compressionError?.code == .tooLarge)
        }
        try await reopened.close()
    }
}
