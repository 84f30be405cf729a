import KafkaWire
import NIOCore
import Testing

@Suite("Varints")
struct VarintTests {
    // docs/protocols/kafka-record-format.md §3 examples.
    static let vectors: [(Int32, [UInt8])] = [
        (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (63, [0x7E]), (-64, [0x7F]), (64, [0x80, 0x01]),
        (150, [0xAC, 0x02]),
    ]

    @Test(arguments: vectors)
    func varintEncodesAndDecodes(value: Int32, bytes: [UInt8]) throws {
        var buffer = ByteBuffer()
        #expect(buffer.writeKafkaVarint(value) == bytes.count)
        #expect(Array(buffer.readableBytesView) == bytes)
        #expect(KafkaVarint.size(value) == bytes.count)
        #expect(try buffer.readKafkaVarint() == value)
        #expect(buffer.readableBytes == 0)

        var long = ByteBuffer()
        long.writeKafkaVarlong(Int64(value))
        #expect(Array(long.readableBytesView) == bytes)
        #expect(try long.readKafkaVarlong() == Int64(value))
    }

    @Test(arguments: [Int32.min, Int32.max, -1_000_000, 1_000_000, 127, 128, -129, 16_383, 16_384])
    func varintRoundTripsExtremes(value: Int32) throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaVarint(value)
        #expect(buffer.readableBytes <= 5)
        #expect(try buffer.readKafkaVarint() == value)
    }

    @Test(arguments: [Int64.min, Int64.max, 0, -1, 1_700_000_000_000, -1_700_000_000_000])
    func varlongRoundTripsExtremes(value: Int64) throws {
        var buffer = ByteBuffer()
        let written = buffer.writeKafkaVarlong(value)
        #expect(written == KafkaVarint.size(value))
        #expect(buffer.readableBytes <= 10)
        #expect(try buffer.readKafkaVarlong() == value)
    }

    @Test
    func unsignedVarintHasNoZigZag() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaUnsignedVarint(300)
        #expect(Array(buffer.readableBytesView) == [0xAC, 0x02])
        buffer.writeKafkaUnsignedVarint(UInt32.max)
        #expect(try buffer.readKafkaUnsignedVarint() == 300)
        #expect(try buffer.readKafkaUnsignedVarint() == UInt32.max)
    }

    @Test
    func incompleteVarintReturnsNilWithoutConsuming() throws {
        var buffer = ByteBuffer(bytes: [0x80, 0x80])
        #expect(try buffer.readKafkaVarint() == nil)
        #expect(buffer.readerIndex == 0)
        var empty = ByteBuffer()
        #expect(try empty.readKafkaVarlong() == nil)
        buffer.writeInteger(UInt8(0x01))
        #expect(try buffer.readKafkaUnsignedVarint() == 1 << 14)
    }

    @Test
    func overlongVarintThrows() throws {
        var sixBytes = ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(throws: KafkaWireError.self) { try sixBytes.readKafkaVarint() }
        #expect(sixBytes.readerIndex == 0)
        // Five bytes whose last one carries bits beyond 32.
        var wide = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x1F])
        do {
            _ = try wide.readKafkaUnsignedVarint()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidVarint)
        }
        var elevenBytes = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 10) + [0x00])
        #expect(throws: KafkaWireError.self) { try elevenBytes.readKafkaVarlong() }
        // Ten bytes, last one within 64 bits: fine.
        var maxLong = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(try maxLong.readKafkaUnsignedVarlong() == UInt64.max)
    }
}
