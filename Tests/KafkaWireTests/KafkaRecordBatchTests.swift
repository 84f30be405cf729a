import KafkaWire
import NIOCore
import Testing

@Suite("Record batch v2")
struct KafkaRecordBatchTests {
    /// A two-record batch written out by hand from docs/protocols/kafka-record-format.md §1–2 (CRC computed
    /// independently). Record 0: timestamp 1700000000000, key "k", value "v1", header h=x. Record 1: +5 ms, null key
    /// and value.
    static let fixture: [UInt8] =
        [0, 0, 0, 0, 0, 0, 0, 0]  // baseOffset 0
        + [0x00, 0x00, 0x00, 0x46]  // batchLength 70
        + [0xFF, 0xFF, 0xFF, 0xFF]  // partitionLeaderEpoch -1
        + [0x02]  // magic
        + [0x29, 0xD1, 0x61, 0xF1]  // crc
        + [0x00, 0x00]  // attributes
        + [0x00, 0x00, 0x00, 0x01]  // lastOffsetDelta 1
        + [0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00]  // baseTimestamp 1700000000000
        + [0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x05]  // maxTimestamp 1700000000005
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // producerId -1
        + [0xFF, 0xFF]  // producerEpoch -1
        + [0xFF, 0xFF, 0xFF, 0xFF]  // baseSequence -1
        + [0x00, 0x00, 0x00, 0x02]  // recordsCount 2
        // record 0: length 13, attributes, tsDelta 0, offsetDelta 0, key "k", value "v1", 1 header "h"="x"
        + [0x1A, 0x00, 0x00, 0x00, 0x02, 0x6B, 0x04, 0x76, 0x31, 0x02, 0x02, 0x68, 0x02, 0x78]
        // record 1: length 6, attributes, tsDelta 5, offsetDelta 1, key null, value null, 0 headers
        + [0x0C, 0x00, 0x0A, 0x02, 0x01, 0x01, 0x00]

    static func fixtureBuilder() -> KafkaRecordBatchBuilder {
        var builder = KafkaRecordBatchBuilder()
        builder.append(
            timestamp: 1_700_000_000_000,
            key: Array("k".utf8),
            value: Array("v1".utf8),
            headers: [(key: "h", value: Array("x".utf8))]
        )
        builder.append(timestamp: 1_700_000_000_005, key: nil, value: nil)
        return builder
    }

    @Test
    func encoderMatchesHandWrittenFixture() {
        let builder = Self.fixtureBuilder()
        #expect(builder.encodedSize == Self.fixture.count)
        let buffer = builder.finish()
        #expect(Array(buffer.readableBytesView) == Self.fixture)
    }

    @Test
    func decoderReadsHandWrittenFixture() throws {
        var buffer = ByteBuffer(bytes: Self.fixture)
        let batch = try #require(try buffer.readKafkaRecordBatch())
        #expect(buffer.readableBytes == 0)
        #expect(batch.baseOffset == 0)
        #expect(batch.batchLength == 70)
        #expect(batch.totalSize == 82)
        #expect(batch.partitionLeaderEpoch == -1)
        #expect(batch.magic == 2)
        #expect(batch.crc == 0x29D1_61F1)
        #expect(batch.attributes.compression == .none)
        #expect(batch.attributes.timestampType == .createTime)
        #expect(batch.lastOffsetDelta == 1)
        #expect(batch.baseTimestamp == 1_700_000_000_000)
        #expect(batch.maxTimestamp == 1_700_000_000_005)
        #expect(batch.producerId == -1)
        #expect(batch.producerEpoch == -1)
        #expect(batch.baseSequence == -1)
        #expect(batch.recordsCount == 2)
        let records = try batch.records()
        #expect(records.count == 2)
        #expect(records[0].key == ByteBuffer(string: "k"))
        #expect(records[0].value == ByteBuffer(string: "v1"))
        #expect(records[0].headers == [KafkaRecordHeader(key: "h", value: ByteBuffer(string: "x"))])
        #expect(batch.timestamp(of: records[0]) == 1_700_000_000_000)
        #expect(batch.offset(of: records[1]) == 1)
        #expect(batch.timestamp(of: records[1]) == 1_700_000_000_005)
        #expect(records[1].key == nil)
        #expect(records[1].value == nil)
        #expect(records[1].headers.isEmpty)
    }

    @Test
    func roundTripWithKeysHeadersAndNullValues() throws {
        var builder = KafkaRecordBatchBuilder(buffer: ByteBuffer(), baseOffset: 0)
        var expected: [(Int64, [UInt8]?, [UInt8]?, [(key: String, value: [UInt8]?)])] = []
        for index in 0..<300 {
            let key: [UInt8]? = index % 7 == 0 ? nil : Array("user-\(index)".utf8)
            let value: [UInt8]? = index % 5 == 0 ? nil : [UInt8](repeating: UInt8(index % 256), count: index * 3)
            let headers: [(key: String, value: [UInt8]?)] = [
                (key: "schema_version", value: Array("1".utf8)), (key: "empty", value: []), (key: "null", value: nil),
            ]
            // Timestamps go back and forth: deltas may be negative.
            let timestamp = 1_700_000_000_000 + Int64((index * 37) % 101) - 50
            expected.append((timestamp, key, value, headers))
            builder.append(timestamp: timestamp, key: key, value: value, headers: headers)
        }
        var buffer = builder.finish()
        buffer.setKafkaRecordBatchBaseOffset(1_000, at: 0)
        let batch = try #require(try buffer.readKafkaRecordBatch())
        #expect(batch.baseOffset == 1_000)
        #expect(batch.lastOffset == 1_299)
        #expect(batch.maxTimestamp == expected.map(\.0).max())
        let records = try batch.records()
        #expect(records.count == expected.count)
        for (index, (record, want)) in zip(records, expected).enumerated() {
            #expect(batch.offset(of: record) == 1_000 + Int64(index))
            #expect(batch.timestamp(of: record) == want.0)
            #expect(record.key.map { Array($0.readableBytesView) } == want.1)
            #expect(record.value.map { Array($0.readableBytesView) } == want.2)
            #expect(record.headers.map(\.key) == want.3.map(\.key))
            #expect(record.headers.map { $0.value.map { Array($0.readableBytesView) } } == want.3.map(\.value))
        }
    }

    @Test
    func encodedSizePredictsAppend() {
        var builder = KafkaRecordBatchBuilder()
        for index in 0..<50 {
            let key = Array("key-\(index)".utf8)
            let value = [UInt8](repeating: 1, count: index * 11)
            let headers: [(key: String, value: [UInt8]?)] = [(key: "a", value: nil)]
            let before = builder.encodedSize
            let predicted = builder.encodedSize(
                ofRecordWithTimestamp: Int64(index * 1000),
                key: key,
                value: value,
                headers: headers
            )
            builder.append(timestamp: Int64(index * 1000), key: key, value: value, headers: headers)
            #expect(builder.encodedSize - before == predicted)
        }
    }

    @Test
    func reencodingDecodedRecords() throws {
        var source = ByteBuffer(bytes: Self.fixture)
        let batch = try #require(try source.readKafkaRecordBatch())
        var builder = KafkaRecordBatchBuilder()
        for record in try batch.records() {
            builder.append(record, timestamp: batch.timestamp(of: record))
        }
        #expect(Array(builder.finish().readableBytesView) == Self.fixture)
    }

    @Test
    func severalBatchesInOneBuffer() throws {
        var buffer = Self.fixtureBuilder().finish()
        var second = KafkaRecordBatchBuilder(buffer: buffer, baseOffset: 2)
        second.append(timestamp: 5, key: nil, value: Array("x".utf8))
        buffer = second.finish()
        let first = try #require(try buffer.readKafkaRecordBatch())
        let next = try #require(try buffer.readKafkaRecordBatch())
        #expect(first.baseOffset == 0)
        #expect(next.baseOffset == 2)
        #expect(try next.records().first?.value == ByteBuffer(string: "x"))
        #expect(try buffer.readKafkaRecordBatch() == nil)
    }

    @Test
    func dripFeedNeedsMoreBytesUntilComplete() throws {
        var buffer = ByteBuffer()
        for (index, byte) in Self.fixture.enumerated() {
            buffer.writeInteger(byte)
            let readerIndex = buffer.readerIndex
            let batch = try buffer.readKafkaRecordBatch()
            if index < Self.fixture.count - 1 {
                #expect(batch == nil, "complete after \(index + 1) bytes?")
                #expect(buffer.readerIndex == readerIndex)
            } else {
                #expect(try batch?.records().count == 2)
                #expect(buffer.readableBytes == 0)
            }
        }
    }

    @Test
    func baseOffsetRewriteKeepsCRCValid() throws {
        var buffer = ByteBuffer(bytes: Self.fixture)
        buffer.setKafkaRecordBatchBaseOffset(Int64.max - 10, at: 0)
        let batch = try #require(try buffer.readKafkaRecordBatch())
        #expect(batch.baseOffset == Int64.max - 10)
    }
}

@Suite("Record batch v2: malformed input")
struct KafkaRecordBatchMalformedTests {
    static let fixture = KafkaRecordBatchTests.fixture

    func readError(_ bytes: [UInt8], maximumBatchSize: Int = KafkaRecordBatch.defaultMaximumSize) -> KafkaWireError? {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            _ = try buffer.readKafkaRecordBatch(maximumBatchSize: maximumBatchSize)
            return nil
        } catch {
            #expect(buffer.readerIndex == 0, "consumed bytes before throwing")
            return error
        }
    }

    func recordsError(_ bytes: [UInt8]) throws -> KafkaWireError? {
        var buffer = ByteBuffer(bytes: withFixedCRC(bytes))
        let batch = try #require(try buffer.readKafkaRecordBatch())
        do {
            _ = try batch.records()
            return nil
        } catch {
            return error
        }
    }

    /// Recomputes the CRC so a test reaches record parsing.
    func withFixedCRC(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let crc = CRC32C.checksum(bytes[21...])
        bytes[17] = UInt8(crc >> 24)
        bytes[18] = UInt8((crc >> 16) & 0xFF)
        bytes[19] = UInt8((crc >> 8) & 0xFF)
        bytes[20] = UInt8(crc & 0xFF)
        return bytes
    }

    @Test
    func badCRCIsCorruptMessage() {
        var bytes = Self.fixture
        bytes[70] ^= 0x01
        #expect(readError(bytes)?.code == .corruptMessage)
        var crcBytes = Self.fixture
        crcBytes[18] ^= 0x80
        #expect(readError(crcBytes)?.code == .corruptMessage)
    }

    @Test
    func magicOneIsUnsupported() {
        var bytes = Self.fixture
        bytes[16] = 1
        #expect(readError(bytes)?.code == .unsupportedMagic)
        // Detected as soon as the magic byte is there, without waiting for the rest.
        #expect(readError(Array(bytes[..<17]))?.code == .unsupportedMagic)
    }

    @Test
    func oversizedBatchFailsBeforeTheBytesArrive() {
        var bytes = Array(Self.fixture[..<12])
        bytes[8...11] = [0x7F, 0xFF, 0xFF, 0xFF]
        #expect(readError(bytes)?.code == .tooLarge)
        #expect(readError(Self.fixture, maximumBatchSize: 81)?.code == .tooLarge)
        #expect(readError(Self.fixture, maximumBatchSize: 82) == nil)
    }

    @Test
    func impossibleBatchLengthIsInvalid() {
        var bytes = Self.fixture
        bytes[8...11] = [0x00, 0x00, 0x00, 0x10]
        #expect(readError(bytes)?.code == .invalidRecord)
        bytes[8...11] = [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(readError(bytes)?.code == .invalidRecord)
    }

    @Test
    func truncatedBatchIsIncomplete() throws {
        for length in [0, 11, 12, 17, 60, 61, 81] {
            var buffer = ByteBuffer(bytes: Self.fixture[..<length])
            #expect(try buffer.readKafkaRecordBatch() == nil)
            #expect(buffer.readerIndex == 0)
        }
    }

    @Test
    func absurdRecordsCountFailsImmediately() throws {
        var bytes = Self.fixture
        bytes[57...60] = [0x3B, 0x9A, 0xCA, 0x00]  // 1_000_000_000
        #expect(try recordsError(bytes)?.code == .invalidRecord)
        bytes[57...60] = [0xFF, 0xFF, 0xFF, 0xFF]  // -1
        #expect(readError(withFixedCRC(bytes))?.code == .invalidRecord)
        bytes[57...60] = [0x00, 0x00, 0x00, 0x03]  // one more than there is
        let error = try recordsError(bytes)
        #expect(error?.code == .invalidRecord || error?.code == .truncated)
    }

    @Test
    func absurdHeadersCountFailsImmediately() throws {
        var bytes = Self.fixture
        // Record 0's headersCount (offset 61 + 9): a varint for 1e9.
        var count = ByteBuffer()
        count.writeKafkaVarint(1_000_000_000)
        let countBytes = Array(count.readableBytesView)
        bytes.replaceSubrange(70...70, with: countBytes)
        bytes[61] = UInt8(13 + countBytes.count - 1) << 1
        bytes[8...11] = [0, 0, 0, UInt8(70 + countBytes.count - 1)]
        #expect(try recordsError(bytes)?.code == .invalidRecord)
    }

    @Test
    func negativeLengthsAreInvalid() throws {
        var key = Self.fixture
        key[65] = 0x03  // keyLength -2
        #expect(try recordsError(key)?.code == .invalidRecord)
        var recordLength = Self.fixture
        recordLength[61] = 0x01  // record length -1
        #expect(try recordsError(recordLength)?.code == .invalidRecord)
        var headerKey = Self.fixture
        headerKey[71] = 0x01  // header key length -1: keys are not nullable
        #expect(try recordsError(headerKey)?.code == .invalidRecord)
    }

    @Test
    func lengthsBeyondTheRecordAreTruncated() throws {
        var value = Self.fixture
        value[67] = 0x7E  // valueLength 63 in a 13-byte record
        #expect(try recordsError(value)?.code == .truncated)
        var record = Self.fixture
        record[61] = 0x7E  // record length 63 in a 21-byte section
        #expect(try recordsError(record)?.code == .truncated)
    }

    @Test
    func trailingBytesInARecordAreInvalid() throws {
        var bytes = Self.fixture
        // Record 1 claims 7 bytes of body but its fields take 6: the next byte is record 0's... append a filler.
        bytes[75] = 0x0E
        bytes.append(0x00)
        bytes[11] += 1
        #expect(try recordsError(bytes)?.code == .invalidRecord)
    }

    @Test
    func compressedBatchDecodesButRecordsAreUnsupported() throws {
        var bytes = Self.fixture
        bytes[22] = 0x01  // gzip
        var buffer = ByteBuffer(bytes: withFixedCRC(bytes))
        let batch = try #require(try buffer.readKafkaRecordBatch())
        #expect(batch.attributes.compression == .gzip)
        #expect(throws: KafkaWireError.self) { try batch.records() }
        #expect(try recordsError(bytes)?.code == .unsupportedCompression)
    }

    @Test
    func overlongVarintInRecord() throws {
        var bytes = Self.fixture
        // Record 1: tsDelta replaced by an 11-byte varlong; lengths adjusted.
        let overlong = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        bytes.replaceSubrange(77...77, with: overlong)
        bytes[75] = UInt8(6 + 10) << 1
        bytes[11] += 10
        #expect(try recordsError(bytes)?.code == .invalidVarint)
    }
}
