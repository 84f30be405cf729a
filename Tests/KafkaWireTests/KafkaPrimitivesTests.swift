import KafkaWire
import NIOCore
import Testing

@Suite("Protocol primitives")
struct KafkaPrimitivesTests {
    @Test func nullableStringRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaNullableString("rdkafka")
        buffer.writeKafkaNullableString(nil)
        buffer.writeKafkaNullableString("")
        #expect(
            Array(buffer.readableBytesView) == [0x00, 0x07] + Array("rdkafka".utf8) + [0xFF, 0xFF] + [0x00, 0x00]
        )
        #expect(try buffer.readKafkaNullableString() == "rdkafka")
        #expect(try buffer.readKafkaNullableString() == nil)
        #expect(try buffer.readKafkaString() == "")
        #expect(buffer.readableBytes == 0)
    }

    @Test func compactStringRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaCompactString("librdkafka")
        buffer.writeKafkaCompactNullableString(nil)
        buffer.writeKafkaCompactString("")
        #expect(Array(buffer.readableBytesView) == [0x0B] + Array("librdkafka".utf8) + [0x00, 0x01])
        #expect(try buffer.readKafkaCompactString() == "librdkafka")
        #expect(try buffer.readKafkaCompactNullableString() == nil)
        #expect(try buffer.readKafkaCompactString() == "")
        #expect(buffer.readableBytes == 0)
    }

    @Test func bytesRoundTrip() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaBytes(ByteBuffer(bytes: [1, 2, 3]))
        buffer.writeKafkaNullableBytes(nil)
        buffer.writeKafkaCompactBytes(ByteBuffer(bytes: [4]))
        buffer.writeKafkaCompactNullableBytes(nil)
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 3, 1, 2, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 4, 0x00])
        #expect(try buffer.readKafkaBytes() == ByteBuffer(bytes: [1, 2, 3]))
        #expect(try buffer.readKafkaNullableBytes() == nil)
        #expect(try buffer.readKafkaCompactBytes() == ByteBuffer(bytes: [4]))
        #expect(try buffer.readKafkaCompactNullableBytes() == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test func arrayCountsRoundTrip() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaArrayCount(2)
        buffer.writeKafkaArrayCount(nil)
        buffer.writeKafkaCompactArrayCount(2)
        buffer.writeKafkaCompactArrayCount(nil)
        buffer.writeBytes([0xAA, 0xBB])
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x00, 0xAA, 0xBB])
        #expect(try buffer.readKafkaArrayCount() == 2)
        #expect(try buffer.readKafkaArrayCount() == nil)
        #expect(try buffer.readKafkaCompactArrayCount() == 2)
        #expect(try buffer.readKafkaCompactArrayCount() == nil)
    }

    @Test func uuidRoundTrips() throws {
        let uuid = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        var buffer = ByteBuffer()
        buffer.writeKafkaUUID(uuid)
        #expect(buffer.readableBytes == 16)
        #expect(uuid.description == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(try buffer.readKafkaUUID() == uuid)
        #expect(throws: KafkaWireError.self) { try ByteBuffer(bytes: [1, 2, 3]).readingUUID() }
    }

    // MARK: Malformed

    @Test func absurdArrayCountThrowsBeforeAllocating() {
        // 2^30 elements announced, 10 bytes left.
        var buffer = ByteBuffer(bytes: [0x40, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 10))
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaArrayCount() }
        #expect(error?.code == .truncated)
        #expect(buffer.readerIndex == 0)

        // The same as a compact array: UNSIGNED_VARINT 2^30 + 1.
        var compact = ByteBuffer()
        compact.writeKafkaUnsignedVarint((1 << 30) + 1)
        compact.writeBytes([UInt8](repeating: 0, count: 10))
        let compactError = #expect(throws: KafkaWireError.self) { try compact.readKafkaCompactArrayCount() }
        #expect(compactError?.code == .truncated)

        // Elements of at least 6 bytes: 2 of them cannot fit in 10 bytes.
        var sized = ByteBuffer(bytes: [0, 0, 0, 2] + [UInt8](repeating: 0, count: 10))
        #expect(throws: KafkaWireError.self) { try sized.readKafkaArrayCount(minimumElementSize: 6) }
    }

    @Test func negativeArrayCountIsMalformed() {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaArrayCount() }
        #expect(error?.code == .malformed)
    }

    @Test func overlongStringLengthIsTruncated() {
        var buffer = ByteBuffer(bytes: [0x00, 0x10, 0x61, 0x62])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaNullableString() }
        #expect(error?.code == .truncated)
        #expect(buffer.readerIndex == 0)
    }

    @Test func negativeStringLengthIsMalformed() {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFE, 0x61])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaNullableString() }
        #expect(error?.code == .malformed)
    }

    @Test func nullWhereAValueIsRequiredIsMalformed() {
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaString() }
        #expect(error?.code == .malformed)
    }

    @Test func compactStringLongerThanTheBytesLeftIsTruncated() {
        // Length 5 (varint 6) with 2 bytes left.
        var buffer = ByteBuffer(bytes: [0x06, 0x61, 0x62])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaCompactString() }
        #expect(error?.code == .truncated)
        #expect(buffer.readerIndex == 0)

        // A huge length from a 5-byte varint.
        var huge = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x61])
        #expect(throws: KafkaWireError.self) { try huge.readKafkaCompactNullableBytes() }
    }

    @Test func varintEndingEarlyIsTruncated() {
        var buffer = ByteBuffer(bytes: [0x80])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaCompactString() }
        #expect(error?.code == .truncated)
    }

    @Test func invalidUTF8IsMalformed() {
        var buffer = ByteBuffer(bytes: [0x00, 0x02, 0xC3, 0x28])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaString() }
        #expect(error?.code == .malformed)
    }

    @Test func missingIntegerIsTruncated() {
        var buffer = ByteBuffer(bytes: [0x00])
        let error = #expect(throws: KafkaWireError.self) { try buffer.readKafkaInteger(as: Int16.self) }
        #expect(error?.code == .truncated)
    }
}

extension ByteBuffer {
    fileprivate func readingUUID() throws -> KafkaUUID {
        var copy = self
        return try copy.readKafkaUUID()
    }
}
