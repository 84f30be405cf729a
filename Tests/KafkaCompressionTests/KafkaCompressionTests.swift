import Foundation
import KafkaCompression
import KafkaWire
import NIOCore
import Testing

/// The fixtures made by other implementations (see `Fixtures/generate.py`).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    )

    static func bytes(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text() throws -> String {
        String(buffer: try bytes("text.txt"))
    }
}

let codecs: [KafkaRecordBatch.Compression] = [.gzip, .snappy, .lz4, .zstd]

/// Compressible but not trivially so: numbered lines, with a pseudo-random word per line.
func sampleData(size: Int) -> ByteBuffer {
    var buffer = ByteBuffer()
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var line = 0
    while buffer.readableBytes < size {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        buffer.writeString("line \(line) \(String(state >> 40, radix: 36)) lorem ipsum\n")
        line += 1
    }
    buffer.moveWriterIndex(to: size)
    return buffer
}

/// The error `body` throws (recording an issue when it is not a ``KafkaCompressionError``), `nil` when it returns.
func compressionError(_ body: () throws -> Void) -> KafkaCompressionError? {
    do {
        try body()
        return nil
    } catch let error as KafkaCompressionError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite("KafkaCompression codecs")
struct KafkaCompressionTests {
    @Test("round trip", arguments: codecs)
    func roundTrip(codec: KafkaRecordBatch.Compression) throws {
        for size in [0, 1, 100, 40_000, 300_000] {
            let data = sampleData(size: size)
            let compressed = try KafkaCompression.compress(data, codec: codec)
            if size >= 40_000 { #expect(compressed.readableBytes < size / 2, "\(codec) \(size)") }
            let back = try KafkaCompression.decompress(compressed, codec: codec)
            #expect(back == data, "\(codec) \(size)")
        }
    }

    @Test("levels", arguments: codecs)
    func levels(codec: KafkaRecordBatch.Compression) throws {
        let data = sampleData(size: 50_000)
        for level in codec == .snappy ? [nil] : [1, 9] as [Int?] {
            let compressed = try KafkaCompression.compress(data, codec: codec, level: level)
            #expect(try KafkaCompression.decompress(compressed, codec: codec) == data)
        }
        if codec != .snappy {
            let error = compressionError { _ = try KafkaCompression.compress(data, codec: codec, level: 1000) }
            #expect(error?.code == .invalidLevel)
        }
    }

    @Test("none passes through")
    func none() throws {
        let data = sampleData(size: 1000)
        #expect(try KafkaCompression.compress(data, codec: .none) == data)
        #expect(try KafkaCompression.decompress(data, codec: .none) == data)
        let error = compressionError { _ = try KafkaCompression.decompress(data, codec: .none, maxOutputBytes: 999) }
        #expect(error?.code == .tooLarge)
    }

    @Test("unknown codecs are refused")
    func unknownCodec() {
        for raw in Int16(5)...7 {
            let codec = KafkaRecordBatch.Compression(rawValue: raw)
            #expect(!KafkaCompression.supports(codec))
            #expect(
                compressionError { _ = try KafkaCompression.decompress(ByteBuffer(), codec: codec) }?.code
                    == .unsupportedCodec
            )
            #expect(
                compressionError { _ = try KafkaCompression.compress(ByteBuffer(), codec: codec) }?.code
                    == .unsupportedCodec
            )
        }
    }

    @Test("snappy writes the xerial framing")
    func snappyWritesXerial() throws {
        let compressed = try KafkaCompression.compress(sampleData(size: 100_000), codec: .snappy)
        #expect(
            Array(compressed.readableBytesView.prefix(16)) == [
                0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1,
            ]
        )
    }

    // MARK: - Fixtures from other implementations

    @Test(
        "fixtures from other implementations",
        arguments: [
            ("gzip.bin", KafkaRecordBatch.Compression.gzip),
            ("snappy-raw.bin", .snappy),
            ("snappy-xerial.bin", .snappy),
            ("lz4-frame.bin", .lz4),
            ("lz4-frame-blockchecksum.bin", .lz4),
            ("zstd-streamed.bin", .zstd),
        ]
    )
    func fixture(name: String, codec: KafkaRecordBatch.Compression) throws {
        let decompressed = try KafkaCompression.decompress(try Fixtures.bytes(name), codec: codec)
        #expect(String(buffer: decompressed) == (try Fixtures.text()))
        #expect(String(buffer: decompressed).hasPrefix("user 000: {\"id\": 0, \"name\": \"User 0\""))
    }

    @Test("kafka-python record batches", arguments: zip(["gzip", "snappy", "lz4", "zstd"], codecs))
    func kafkaPythonBatch(name: String, codec: KafkaRecordBatch.Compression) throws {
        var buffer = try Fixtures.bytes("batch-\(name).bin")
        let batch = try #require(try buffer.readKafkaRecordBatch())  // CRC-32C verified
        #expect(buffer.readableBytes == 0)
        #expect(batch.attributes.compression == codec)
        #expect(batch.recordsCount == 5 && batch.lastOffsetDelta == 4)
        #expect(throws: KafkaWireError.self) { try batch.records() }
        let records = try batch.decompressedRecords()
        #expect(records.count == 5)
        for (index, record) in records.enumerated() {
            #expect(batch.offset(of: record) == Int64(index))
            #expect(batch.timestamp(of: record) == 1_700_000_000_000 + Int64(index))
            #expect(record.key.map { String(buffer: $0) } == "key-\(index)")
            #expect(record.value.map { String(buffer: $0) } == String(repeating: "value \(index) ", count: 20))
            #expect(record.headers.map(\.key) == ["source", "n"])
            #expect(record.headers.map { $0.value.map { String(buffer: $0) } } == ["kafka-python", "\(index)"])
        }
    }

    // MARK: - Building compressed batches

    @Test("compressed batches built here", arguments: codecs)
    func builtBatch(codec: KafkaRecordBatch.Compression) throws {
        func build() -> KafkaRecordBatchBuilder {
            var builder = KafkaRecordBatchBuilder(buffer: ByteBuffer(string: "prefix"), baseOffset: 42)
            for index in 0..<50 {
                builder.append(
                    timestamp: 1_000 + Int64(index),
                    key: index.isMultiple(of: 3) ? nil : Array("k\(index)".utf8),
                    value: Array(String(repeating: "payload \(index) ", count: 10).utf8),
                    headers: [(key: "h", value: Array("v\(index)".utf8)), (key: "null", value: nil)]
                )
            }
            return builder
        }
        var plain = build().finish()
        var compressed = try build().finish(compression: codec)
        #expect(plain.readString(length: 6) == "prefix" && compressed.readString(length: 6) == "prefix")
        let plainBatch = try #require(try plain.readKafkaRecordBatch())
        let batch = try #require(try compressed.readKafkaRecordBatch())  // CRC-32C verified
        #expect(compressed.readableBytes == 0)
        #expect(batch.attributes.compression == codec)
        #expect(batch.totalSize < plainBatch.totalSize / 2)
        #expect(batch.baseOffset == 42 && batch.recordsCount == 50 && batch.lastOffsetDelta == 49)
        #expect(batch.baseTimestamp == plainBatch.baseTimestamp && batch.maxTimestamp == plainBatch.maxTimestamp)
        #expect(try batch.decompressedRecordsData() == plainBatch.recordsData)
        #expect(try batch.decompressedRecords() == (try plainBatch.records()))
        #expect(try plainBatch.decompressedRecords() == (try plainBatch.records()))
    }

    @Test("a decompressed section that does not hold the records is invalid")
    func invalidRecords() throws {
        var builder = KafkaRecordBatchBuilder()
        builder.append(timestamp: 1, key: nil, value: Array("x".utf8))
        var bytes = try builder.finish(compression: .zstd) {
            (_: ByteBuffer) throws(KafkaCompressionError) -> ByteBuffer? in
            try KafkaCompression.compress(ByteBuffer(string: "not records at all"), codec: .zstd)
        }
        let batch = try #require(try bytes.readKafkaRecordBatch())
        let error = compressionError { _ = try batch.decompressedRecords() }
        #expect(error?.code == .invalidRecords)
        #expect(error?.underlying != nil)
    }

    // MARK: - Bounds

    @Test("output beyond the limit throws", arguments: codecs)
    func bomb(codec: KafkaRecordBatch.Compression) throws {
        let zeros = ByteBuffer(repeating: 0, count: 4 << 20)
        let compressed = try KafkaCompression.compress(zeros, codec: codec)
        #expect(compressed.readableBytes < 256 << 10)
        let error = compressionError {
            _ = try KafkaCompression.decompress(compressed, codec: codec, maxOutputBytes: 64 << 10)
        }
        #expect(error?.code == .tooLarge)
        #expect(error?.codec == codec)
        // Exactly at the limit is fine; one byte less is not.
        #expect(try KafkaCompression.decompress(compressed, codec: codec, maxOutputBytes: 4 << 20) == zeros)
        let justUnder = compressionError {
            _ = try KafkaCompression.decompress(compressed, codec: codec, maxOutputBytes: (4 << 20) - 1)
        }
        #expect(justUnder?.code == .tooLarge)
        // A limit of 0 admits an empty stream only.
        let empty = try KafkaCompression.compress(ByteBuffer(), codec: codec)
        #expect(try KafkaCompression.decompress(empty, codec: codec, maxOutputBytes: 0).readableBytes == 0)
        let one = try KafkaCompression.compress(ByteBuffer(string: "x"), codec: codec)
        let error0 = compressionError { _ = try KafkaCompression.decompress(one, codec: codec, maxOutputBytes: 0) }
        #expect(error0?.code == .tooLarge)
    }

    @Test("the default limit stops a large bomb", arguments: codecs)
    func defaultLimit(codec: KafkaRecordBatch.Compression) throws {
        let zeros = ByteBuffer(repeating: 0, count: KafkaCompression.defaultMaxOutputBytes + 1)
        let compressed = try KafkaCompression.compress(zeros, codec: codec)
        let error = compressionError { _ = try KafkaCompression.decompress(compressed, codec: codec) }
        #expect(error?.code == .tooLarge)
    }

    @Test("a raw snappy length prefix beyond the limit throws before decompressing")
    func snappyLengthPrefix() {
        // Varint 0x40000000 (1 GiB), then a literal tag claiming 60 bytes with none following.
        let claim = ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x04, 0xEC])
        #expect(compressionError { _ = try KafkaCompression.decompress(claim, codec: .snappy) }?.code == .tooLarge)
        var xerial = ByteBuffer(bytes: [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
        xerial.writeInteger(Int32(claim.readableBytes))
        xerial.writeImmutableBuffer(claim)
        #expect(compressionError { _ = try KafkaCompression.decompress(xerial, codec: .snappy) }?.code == .tooLarge)
    }

    // MARK: - Malformed input

    @Test("empty input throws", arguments: codecs)
    func empty(codec: KafkaRecordBatch.Compression) {
        #expect(
            compressionError { _ = try KafkaCompression.decompress(ByteBuffer(), codec: codec) }?.code == .truncated
        )
    }

    @Test("truncated input throws", arguments: codecs)
    func truncated(codec: KafkaRecordBatch.Compression) throws {
        let compressed = try KafkaCompression.compress(sampleData(size: 100_000), codec: codec)
        for length in [1, 5, 17, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let cut = compressed.getSlice(at: compressed.readerIndex, length: length)!
            let error = compressionError { _ = try KafkaCompression.decompress(cut, codec: codec) }
            #expect(
                error?.code == .truncated || error?.code == .corrupt,
                "\(codec) cut at \(length): \(String(describing: error))"
            )
        }
    }

    @Test("garbage throws", arguments: codecs)
    func garbage(codec: KafkaRecordBatch.Compression) {
        let garbage = ByteBuffer(string: "this is not compressed data, not at all, whatever the codec says")
        let error = compressionError { _ = try KafkaCompression.decompress(garbage, codec: codec) }
        #expect(error?.code == .corrupt || error?.code == .truncated, "\(codec): \(String(describing: error))")
        #expect(error?.bytes != nil)
    }

    @Test(
        "flipped bytes are detected by the codec's checksums",
        arguments: [
            ("gzip.bin", KafkaRecordBatch.Compression.gzip),
            ("lz4-frame.bin", .lz4),
            ("lz4-frame-blockchecksum.bin", .lz4),
            ("zstd-streamed.bin", .zstd),
        ]
    )
    func checksums(name: String, codec: KafkaRecordBatch.Compression) throws {
        var data = try Fixtures.bytes(name)
        // The last bytes are a checksum (gzip: CRC-32 and size; lz4: content or block checksum; zstd: XXH64).
        let index = data.writerIndex - (codec == .lz4 && name.contains("block") ? 6 : 3)
        data.setInteger(data.getInteger(at: index, as: UInt8.self)! ^ 0x5A, at: index)
        let error = compressionError { _ = try KafkaCompression.decompress(data, codec: codec) }
        #expect(error?.code == .corrupt, "\(name): \(String(describing: error))")
    }

    @Test("malformed xerial snappy framing throws")
    func xerialFraming() throws {
        let header: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]
        func decode(_ bytes: [UInt8]) -> KafkaCompressionError.Code? {
            compressionError { _ = try KafkaCompression.decompress(ByteBuffer(bytes: bytes), codec: .snappy) }?.code
        }
        #expect(decode(Array(header.prefix(12))) == .truncated)
        #expect(decode(header + [0, 0]) == .truncated)
        #expect(decode(header + [0, 0, 0, 0]) == .corrupt)
        #expect(decode(header + [0xFF, 0xFF, 0xFF, 0xFF]) == .corrupt)
        #expect(decode(header + [0, 0, 0, 9, 1, 2]) == .truncated)
        #expect(decode(header + [0, 0, 0, 2, 0x05, 0x00]) == .corrupt)
        // A header alone is an empty stream.
        #expect(try KafkaCompression.decompress(ByteBuffer(bytes: header), codec: .snappy).readableBytes == 0)
    }
}
