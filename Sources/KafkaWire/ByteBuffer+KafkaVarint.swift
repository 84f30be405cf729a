import NIOCore

// Variable-length integers, docs/protocols/kafka-record-format.md §3: "varint" (zig-zag int32) and "varlong" (zig-zag
// int64) in records, UNSIGNED_VARINT (plain LEB128) in flexible protocol messages. 7 bits per byte, least-significant
// group first, the high bit set on every byte but the last; at most 5 bytes for 32-bit values and 10 for 64-bit values.

extension ByteBuffer {
    /// Reads a zig-zag encoded `varint`. Returns `nil` without consuming anything when the buffer ends before the
    /// varint does; throws ``KafkaWireError/Code-swift.struct/invalidVarint`` when it is longer than 5 bytes.
    @inlinable
    public mutating func readKafkaVarint() throws(KafkaWireError) -> Int32? {
        guard let raw = try self.readKafkaUnsignedVarint() else { return nil }
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a zig-zag encoded `varlong` (at most 10 bytes), like ``readKafkaVarint()``.
    @inlinable
    public mutating func readKafkaVarlong() throws(KafkaWireError) -> Int64? {
        guard let raw = try self.readKafkaUnsignedVarlong() else { return nil }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads an `UNSIGNED_VARINT` (at most 5 bytes), like ``readKafkaVarint()``.
    @inlinable
    public mutating func readKafkaUnsignedVarint() throws(KafkaWireError) -> UInt32? {
        guard let decoded = try self.getKafkaUnsignedVarlong(at: self.readerIndex, maximumBytes: 5) else {
            return nil
        }
        self.moveReaderIndex(forwardBy: decoded.1)
        return UInt32(truncatingIfNeeded: decoded.0)
    }

    /// Reads an unsigned LEB128 64-bit value (at most 10 bytes), like ``readKafkaVarint()``.
    @inlinable
    public mutating func readKafkaUnsignedVarlong() throws(KafkaWireError) -> UInt64? {
        guard let decoded = try self.getKafkaUnsignedVarlong(at: self.readerIndex, maximumBytes: 10) else {
            return nil
        }
        self.moveReaderIndex(forwardBy: decoded.1)
        return decoded.0
    }

    /// Writes a zig-zag encoded `varint`; returns the number of bytes written.
    @discardableResult
    @inlinable
    public mutating func writeKafkaVarint(_ value: Int32) -> Int {
        self.writeKafkaUnsignedVarlong(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    /// Writes a zig-zag encoded `varlong`; returns the number of bytes written.
    @discardableResult
    @inlinable
    public mutating func writeKafkaVarlong(_ value: Int64) -> Int {
        self.writeKafkaUnsignedVarlong(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes an `UNSIGNED_VARINT`; returns the number of bytes written.
    @discardableResult
    @inlinable
    public mutating func writeKafkaUnsignedVarint(_ value: UInt32) -> Int {
        self.writeKafkaUnsignedVarlong(UInt64(value))
    }

    /// Writes an unsigned LEB128 64-bit value; returns the number of bytes written.
    @discardableResult
    @inlinable
    public mutating func writeKafkaUnsignedVarlong(_ value: UInt64) -> Int {
        let length = KafkaVarint.size(unsigned: value)
        return self.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
            var rest = value
            var index = 0
            while rest >= 0x80 {
                pointer[index] = UInt8(truncatingIfNeeded: rest) | 0x80
                rest >>= 7
                index += 1
            }
            pointer[index] = UInt8(truncatingIfNeeded: rest)
            return length
        }
    }

    /// Decodes an unsigned LEB128 value at `index` without moving the reader index: the value and its length, or
    /// `nil` when the readable bytes end first.
    @inlinable
    func getKafkaUnsignedVarlong(at index: Int, maximumBytes: Int) throws(KafkaWireError) -> (UInt64, Int)? {
        let result = self.withUnsafeReadableBytes { pointer in
            KafkaVarint.decodeUnsigned(pointer, at: index - self.readerIndex, maximumBytes: maximumBytes)
        }
        switch result {
        case .value(let value, let length):
            return (value, length)
        case .needMoreBytes:
            return nil
        case .invalid:
            throw KafkaWireError(
                .invalidVarint,
                "varint longer than \(maximumBytes) bytes or wider than its type",
                bytes: self.getSlice(at: index, length: min(self.writerIndex - index, maximumBytes + 1))
            )
        }
    }
}

/// Varint sizes and decoding over raw memory, shared by the `ByteBuffer` extensions and the record codec.
public enum KafkaVarint {
    /// The encoded size of a zig-zag `varint`.
    @inlinable
    public static func size(_ value: Int32) -> Int {
        size(unsigned: UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))))
    }

    /// The encoded size of a zig-zag `varlong`.
    @inlinable
    public static func size(_ value: Int64) -> Int {
        size(unsigned: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// The encoded size of an unsigned LEB128 value.
    @inlinable
    public static func size(unsigned value: UInt64) -> Int {
        // 1 byte per started group of 7 bits; 0 still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    @usableFromInline
    enum DecodeResult {
        case value(UInt64, Int)
        case needMoreBytes
        case invalid
    }

    /// Decodes an unsigned LEB128 value at `offset` in `bytes`: the value and its length, `.needMoreBytes` when the
    /// bytes end first, `.invalid` when the encoding is longer than `maximumBytes` (5 or 10) or its last byte
    /// carries bits beyond the type's width.
    @inlinable
    static func decodeUnsigned(_ bytes: UnsafeRawBufferPointer, at offset: Int, maximumBytes: Int) -> DecodeResult {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            let length = index - offset
            if length == maximumBytes {
                let usedBits = UInt64(maximumBytes == 5 ? 32 : 64) - shift
                if byte & 0x80 != 0 || (usedBits < 7 && UInt64(byte) >> usedBits != 0) {
                    return .invalid
                }
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                return .value(value, length)
            }
            shift += 7
        }
        return .needMoreBytes
    }
}
