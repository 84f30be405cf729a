import KafkaWire
import NIOCore
import Testing

@Suite("CRC-32C")
struct CRC32CTests {
    @Test
    func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(ByteBuffer(string: "123456789")) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    // RFC 3720 (iSCSI) appendix B.4 vectors.
    @Test
    func iscsiVectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test
    func incrementalUpdatesMatchOneShotAtEveryAlignment() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = bitwise(bytes)
        #expect(CRC32C.checksum(bytes) == expected)
        for split in [0, 1, 3, 7, 8, 9, 63, 500, 999, 1000] {
            var crc = CRC32C()
            crc.update(bytes[..<split])
            crc.update(bytes[split...])
            #expect(crc.value == expected, "split at \(split)")
        }
        // Unaligned starts exercise the alignment prologue.
        for offset in 0..<9 {
            #expect(CRC32C.checksum(bytes[offset...]) == bitwise(Array(bytes[offset...])))
        }
    }

    /// The textbook bit-at-a-time definition, as an independent reference.
    private func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

@Suite("CRC-32C: the CPU instruction and the tables agree")
struct CRC32CHardwareTests {
    @Test func hardwareMatchesTablesAtEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4200).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes.withUnsafeBytes { all in
            for start in 0..<9 {
                for length in [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4096] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    var tables = CRC32C()
                    tables.updateWithTables(slice)
                    var either = CRC32C()
                    either.update(slice)
                    #expect(either.value == tables.value, "start \(start) length \(length)")
                }
            }
        }
        // The check value through both paths.
        Array("123456789".utf8).withUnsafeBytes { check in
            var tables = CRC32C()
            tables.updateWithTables(check)
            #expect(tables.value == 0xE306_9283)
            #expect(CRC32C.checksum(check) == 0xE306_9283)
        }
    }

    @Test func incrementalUpdatesEqualOneUpdate() {
        let bytes = Array((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var pieces = CRC32C()
        bytes.withUnsafeBytes { all in
            pieces.update(UnsafeRawBufferPointer(rebasing: all[0..<3]))
            pieces.update(UnsafeRawBufferPointer(rebasing: all[3..<500]))
            pieces.update(UnsafeRawBufferPointer(rebasing: all[500...]))
        }
        #expect(pieces.value == CRC32C.checksum(bytes))
    }
}
