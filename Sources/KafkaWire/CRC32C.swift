import CRC32CHardware
import NIOCore

/// CRC-32C (Castagnoli), the checksum of Kafka record batches (docs/protocols/kafka-record-format.md §1 "CRC"):
/// reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF, final xor 0xFFFFFFFF. The check value of "123456789" is
/// 0xE3069283.
///
/// Uses the CPU's CRC-32C instruction when it has one (SSE 4.2 on x86-64, the CRC extension on AArch64); otherwise
/// slicing-by-8: eight 256-entry tables, built once, consume eight bytes per step.
public struct CRC32C: Sendable {
    /// The running, not yet finalised register.
    private var register: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// The checksum of everything fed so far.
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    /// Feeds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if Self.hardware, let base = bytes.baseAddress {
            register = userstream_crc32c_hardware_update(register, base, bytes.count)
            return
        }
        updateWithTables(bytes)
    }

    /// Feeds bytes through the slicing-by-8 tables, whatever the CPU (the fallback, and the reference in tests).
    public mutating func updateWithTables(_ bytes: UnsafeRawBufferPointer) {
        register = Self.tables.withUnsafeBufferPointer { Self.update(register, bytes, tables: $0.baseAddress!) }
    }

    /// Whether this CPU's CRC-32C instruction is used.
    public static let hardware = userstream_crc32c_hardware_available() != 0

    /// Feeds the readable bytes of a buffer (the reader index does not move).
    public mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { self.update($0) }
    }

    /// Feeds bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { self.update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            self.update(Array(bytes))
        }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of the readable bytes of `buffer`.
    public static func checksum(_ buffer: ByteBuffer) -> UInt32 {
        buffer.withUnsafeReadableBytes { checksum($0) }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    private static let polynomial: UInt32 = 0x82F6_3B78

    /// `tables[k * 256 + b]`: table k of slicing-by-8; table 0 is the classic byte-at-a-time table.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for table in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(table - 1) * 256 + byte]
                tables[table * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    private static func update(
        _ crc: UInt32,
        _ bytes: UnsafeRawBufferPointer,
        tables t: UnsafePointer<UInt32>
    ) -> UInt32 {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return crc }
        var crc = crc
        var remaining = bytes.count
        // Align to 8 bytes first so the wide loads are aligned.
        while remaining > 0 && Int(bitPattern: pointer) & 7 != 0 {
            crc = t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
            pointer += 1
            remaining -= 1
        }
        while remaining >= 8 {
            let word = UInt64(littleEndian: pointer.load(as: UInt64.self))
            let low = UInt32(truncatingIfNeeded: word) ^ crc
            let high = UInt32(truncatingIfNeeded: word >> 32)
            crc =
                t[7 * 256 + Int(low & 0xFF)]
                ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((low >> 16) & 0xFF)]
                ^ t[4 * 256 + Int(low >> 24)]
                ^ t[3 * 256 + Int(high & 0xFF)]
                ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((high >> 16) & 0xFF)]
                ^ t[Int(high >> 24)]
            pointer += 8
            remaining -= 8
        }
        while remaining > 0 {
            crc = t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
            pointer += 1
            remaining -= 1
        }
        return crc
    }
}
