import NIOCore

// Protocol primitive types, docs/protocols/kafka-record-format.md §4 (Type.java):
//   INT8/16/32/64 big-endian; BOOLEAN 1 byte; UUID 16 bytes (two big-endian int64).
//   STRING: INT16 length N then N UTF-8 bytes. NULLABLE_STRING: length -1 = null.
//   COMPACT_STRING: UNSIGNED_VARINT N+1 then N bytes. COMPACT_NULLABLE_STRING: 0 = null.
//   BYTES: INT32 length N then N bytes. NULLABLE_BYTES: -1 = null.
//   COMPACT_BYTES / COMPACT_NULLABLE_BYTES: UNSIGNED_VARINT N+1 (0 = null).
//   ARRAY: INT32 count N (-1 = null) then N elements. COMPACT_ARRAY: UNSIGNED_VARINT N+1 (0 = null).
//
// These readers work on a whole, already sliced frame: running out of bytes is a `.truncated` error, never `nil`
// (`nil` only ever means a null value). Lengths and counts are checked against the readable bytes before anything
// is allocated.

extension ByteBuffer {
    // MARK: Integers

    /// Reads a big-endian integer, throwing `.truncated` when the buffer ends first.
    @inlinable
    public mutating func readKafkaInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(KafkaWireError) -> T {
        guard let value = self.readInteger(as: T.self) else {
            throw KafkaWireError(
                .truncated,
                "expected a \(MemoryLayout<T>.size)-byte integer, \(self.readableBytes) bytes left",
                bytes: self
            )
        }
        return value
    }

    /// Reads a BOOLEAN (any non-zero byte is true).
    @inlinable
    public mutating func readKafkaBoolean() throws(KafkaWireError) -> Bool {
        try self.readKafkaInteger(as: UInt8.self) != 0
    }

    /// Writes a BOOLEAN as 0 or 1.
    @discardableResult
    @inlinable
    public mutating func writeKafkaBoolean(_ value: Bool) -> Int {
        self.writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    // MARK: Strings

    /// Reads a STRING (INT16 length); a null (-1) is `.malformed`.
    public mutating func readKafkaString() throws(KafkaWireError) -> String {
        guard let value = try self.readKafkaNullableString() else {
            throw KafkaWireError(.malformed, "null STRING where a value is required", bytes: self)
        }
        return value
    }

    /// Reads a NULLABLE_STRING (INT16 length, -1 = null).
    public mutating func readKafkaNullableString() throws(KafkaWireError) -> String? {
        let start = self
        let length = try self.readKafkaInteger(as: Int16.self)
        if length == -1 { return nil }
        guard length >= 0 else {
            self = start
            throw KafkaWireError(.malformed, "STRING length \(length) is negative", bytes: start)
        }
        return try self.readKafkaUTF8(length: Int(length), context: start)
    }

    /// Reads a COMPACT_STRING (UNSIGNED_VARINT N+1); a null (0) is `.malformed`.
    public mutating func readKafkaCompactString() throws(KafkaWireError) -> String {
        guard let value = try self.readKafkaCompactNullableString() else {
            throw KafkaWireError(.malformed, "null COMPACT_STRING where a value is required", bytes: self)
        }
        return value
    }

    /// Reads a COMPACT_NULLABLE_STRING (UNSIGNED_VARINT N+1, 0 = null).
    public mutating func readKafkaCompactNullableString() throws(KafkaWireError) -> String? {
        let start = self
        guard let length = try self.readKafkaCompactLength() else { return nil }
        return try self.readKafkaUTF8(length: length, context: start)
    }

    /// Writes a STRING / NULLABLE_STRING (INT16 length, -1 for `nil`). The string must be at most 32767 UTF-8 bytes.
    @discardableResult
    public mutating func writeKafkaNullableString(_ value: String?) -> Int {
        guard let value else { return self.writeInteger(-1, as: Int16.self) }
        let length = value.utf8.count
        precondition(length <= Int(Int16.max), "STRING of \(length) bytes does not fit an INT16 length")
        return self.writeInteger(Int16(length)) + self.writeString(value)
    }

    /// Writes a STRING (INT16 length).
    @discardableResult
    public mutating func writeKafkaString(_ value: String) -> Int {
        self.writeKafkaNullableString(value)
    }

    /// Writes a COMPACT_STRING / COMPACT_NULLABLE_STRING (UNSIGNED_VARINT N+1, 0 for `nil`).
    @discardableResult
    public mutating func writeKafkaCompactNullableString(_ value: String?) -> Int {
        guard let value else { return self.writeKafkaUnsignedVarint(0) }
        return self.writeKafkaUnsignedVarint(UInt32(value.utf8.count + 1)) + self.writeString(value)
    }

    /// Writes a COMPACT_STRING (UNSIGNED_VARINT N+1).
    @discardableResult
    public mutating func writeKafkaCompactString(_ value: String) -> Int {
        self.writeKafkaCompactNullableString(value)
    }

    // MARK: Bytes

    /// Reads BYTES (INT32 length) as a slice; a null (-1) is `.malformed`.
    public mutating func readKafkaBytes() throws(KafkaWireError) -> ByteBuffer {
        guard let value = try self.readKafkaNullableBytes() else {
            throw KafkaWireError(.malformed, "null BYTES where a value is required", bytes: self)
        }
        return value
    }

    /// Reads NULLABLE_BYTES (INT32 length, -1 = null) as a slice.
    public mutating func readKafkaNullableBytes() throws(KafkaWireError) -> ByteBuffer? {
        let start = self
        let length = try self.readKafkaInteger(as: Int32.self)
        if length == -1 { return nil }
        guard length >= 0 else {
            self = start
            throw KafkaWireError(.malformed, "BYTES length \(length) is negative", bytes: start)
        }
        return try self.readKafkaSlice(length: Int(length), context: start)
    }

    /// Reads COMPACT_BYTES (UNSIGNED_VARINT N+1) as a slice; a null (0) is `.malformed`.
    public mutating func readKafkaCompactBytes() throws(KafkaWireError) -> ByteBuffer {
        guard let value = try self.readKafkaCompactNullableBytes() else {
            throw KafkaWireError(.malformed, "null COMPACT_BYTES where a value is required", bytes: self)
        }
        return value
    }

    /// Reads COMPACT_NULLABLE_BYTES (UNSIGNED_VARINT N+1, 0 = null) as a slice.
    public mutating func readKafkaCompactNullableBytes() throws(KafkaWireError) -> ByteBuffer? {
        let start = self
        guard let length = try self.readKafkaCompactLength() else { return nil }
        return try self.readKafkaSlice(length: length, context: start)
    }

    /// Writes BYTES / NULLABLE_BYTES (INT32 length, -1 for `nil`).
    @discardableResult
    public mutating func writeKafkaNullableBytes(_ value: ByteBuffer?) -> Int {
        guard var value else { return self.writeInteger(-1, as: Int32.self) }
        return self.writeInteger(Int32(value.readableBytes)) + self.writeBuffer(&value)
    }

    /// Writes BYTES (INT32 length).
    @discardableResult
    public mutating func writeKafkaBytes(_ value: ByteBuffer) -> Int {
        self.writeKafkaNullableBytes(value)
    }

    /// Writes COMPACT_BYTES / COMPACT_NULLABLE_BYTES (UNSIGNED_VARINT N+1, 0 for `nil`).
    @discardableResult
    public mutating func writeKafkaCompactNullableBytes(_ value: ByteBuffer?) -> Int {
        guard var value else { return self.writeKafkaUnsignedVarint(0) }
        return self.writeKafkaUnsignedVarint(UInt32(value.readableBytes + 1)) + self.writeBuffer(&value)
    }

    /// Writes COMPACT_BYTES (UNSIGNED_VARINT N+1).
    @discardableResult
    public mutating func writeKafkaCompactBytes(_ value: ByteBuffer) -> Int {
        self.writeKafkaCompactNullableBytes(value)
    }

    // MARK: Arrays

    /// Reads an ARRAY's INT32 count; `nil` for a null array (-1).
    ///
    /// The count is checked against the readable bytes before the caller allocates anything: each element takes at
    /// least `minimumElementSize` bytes (1 unless the caller knows better), so a count that cannot fit throws
    /// `.truncated` at once. A negative count other than -1 is `.malformed`.
    public mutating func readKafkaArrayCount(minimumElementSize: Int = 1) throws(KafkaWireError) -> Int? {
        let start = self
        let count = try self.readKafkaInteger(as: Int32.self)
        if count == -1 { return nil }
        guard count >= 0 else {
            self = start
            throw KafkaWireError(.malformed, "ARRAY count \(count) is negative", bytes: start)
        }
        try self.checkKafkaArrayCount(Int(count), minimumElementSize: minimumElementSize, context: start)
        return Int(count)
    }

    /// Reads a COMPACT_ARRAY's UNSIGNED_VARINT count (N+1); `nil` for a null array (0). Checked like
    /// ``readKafkaArrayCount(minimumElementSize:)``.
    public mutating func readKafkaCompactArrayCount(minimumElementSize: Int = 1) throws(KafkaWireError) -> Int? {
        let start = self
        guard let count = try self.readKafkaCompactLength(checkingBytes: false) else { return nil }
        try self.checkKafkaArrayCount(count, minimumElementSize: minimumElementSize, context: start)
        return count
    }

    /// Writes an ARRAY's INT32 count (-1 for `nil`).
    @discardableResult
    public mutating func writeKafkaArrayCount(_ count: Int?) -> Int {
        self.writeInteger(Int32(count ?? -1))
    }

    /// Writes a COMPACT_ARRAY's UNSIGNED_VARINT count (N+1, 0 for `nil`).
    @discardableResult
    public mutating func writeKafkaCompactArrayCount(_ count: Int?) -> Int {
        self.writeKafkaUnsignedVarint(count.map { UInt32($0 + 1) } ?? 0)
    }

    // MARK: UUID

    /// Reads a UUID (16 bytes).
    public mutating func readKafkaUUID() throws(KafkaWireError) -> KafkaUUID {
        let start = self
        guard let high = self.readInteger(as: UInt64.self), let low = self.readInteger(as: UInt64.self) else {
            self = start
            throw KafkaWireError(.truncated, "expected a 16-byte UUID, \(start.readableBytes) bytes left", bytes: start)
        }
        return KafkaUUID(high: high, low: low)
    }

    /// Writes a UUID (16 bytes).
    @discardableResult
    public mutating func writeKafkaUUID(_ value: KafkaUUID) -> Int {
        self.writeInteger(value.high) + self.writeInteger(value.low)
    }

    // MARK: Helpers

    /// Reads an UNSIGNED_VARINT N+1 length: `nil` for 0 (null), else N, checked against the readable bytes when
    /// `checkingBytes` is true.
    mutating func readKafkaCompactLength(checkingBytes: Bool = true) throws(KafkaWireError) -> Int? {
        let start = self
        guard let raw = try self.readKafkaUnsignedVarint() else {
            throw KafkaWireError(.truncated, "the data ends inside an UNSIGNED_VARINT", bytes: start)
        }
        if raw == 0 { return nil }
        let length = Int(raw - 1)
        if checkingBytes && length > self.readableBytes {
            let left = self.readableBytes
            self = start
            throw KafkaWireError(.truncated, "compact length \(length) exceeds the \(left) bytes left", bytes: start)
        }
        return length
    }

    mutating func readKafkaSlice(length: Int, context start: ByteBuffer) throws(KafkaWireError) -> ByteBuffer {
        guard let slice = self.readSlice(length: length) else {
            let left = self.readableBytes
            self = start
            throw KafkaWireError(.truncated, "length \(length) exceeds the \(left) bytes left", bytes: start)
        }
        return slice
    }

    mutating func readKafkaUTF8(length: Int, context start: ByteBuffer) throws(KafkaWireError) -> String {
        let slice = try self.readKafkaSlice(length: length, context: start)
        guard let string = String(validating: slice.readableBytesView, as: UTF8.self) else {
            self = start
            throw KafkaWireError(.malformed, "string of \(length) bytes is not valid UTF-8", bytes: start)
        }
        return string
    }

    mutating func checkKafkaArrayCount(
        _ count: Int,
        minimumElementSize: Int,
        context start: ByteBuffer
    ) throws(KafkaWireError) {
        let (needed, overflow) = count.multipliedReportingOverflow(by: max(minimumElementSize, 0))
        guard !overflow, needed <= self.readableBytes else {
            self = start
            throw KafkaWireError(
                .truncated,
                "array count \(count) cannot fit in the \(start.readableBytes) bytes left",
                bytes: start
            )
        }
    }
}
