import NIOCore

// Value serialization, native_protocol_v4.spec §6 and §7. A value's bytes never include their own length: the
// `[bytes]` around them (in rows, bound values and collection elements) carries it.
//   ascii: bytes 0…127. text/varchar: UTF-8. blob, custom: any bytes.
//   bigint, counter, time (ns since midnight), timestamp (ms since the epoch): 8-byte two's complement.
//   int 4, smallint 2, tinyint 1 byte two's complement. boolean: 1 byte, non-zero true.
//   double, float: IEEE 754 binary64 / binary32. date: unsigned 4 bytes, days with the epoch at 2^31.
//   uuid, timeuuid: 16 bytes. inet: 4 or 16 bytes. varint: two's complement big-endian, as short as possible.
//   decimal: [int] scale, then the unscaled varint.
//   list, set: [int] n, then n [bytes]. map: [int] n, then n pairs of [bytes].
//   tuple, udt: one [bytes] per element/field, in the type's order (a UDT may stop early).
//
// "Most non-string types support 'empty' values (i.e. a value with zero length)" (§6): a zero-length value of any
// type but ascii, text, blob and custom decodes as `.null`.

extension CQLValue {
    /// Decodes a value's bytes (without their `[bytes]` length) as `type`; the bytes must be consumed exactly.
    ///
    /// - Throws: ``CQLWireError`` `.malformed` for a wrong size, invalid UTF-8 or leftover bytes; `.truncated` when a
    ///   collection's count or an element's length claims more bytes than there are.
    public init(decoding bytes: ByteBuffer, as type: CQLType) throws(CQLWireError) {
        var buffer = bytes
        self = try CQLValue.decode(&buffer, as: type)
    }

    /// Decodes a value's bytes (without their `[bytes]` length) as `type`.
    public init(decoding bytes: some Collection<UInt8>, as type: CQLType) throws(CQLWireError) {
        try self.init(decoding: ByteBuffer(bytes: bytes), as: type)
    }

    /// Decodes a bound value (`[value]`) as `type`: null and unset stay what they are.
    public init(decoding bound: CQLBoundValue, as type: CQLType) throws(CQLWireError) {
        switch bound {
        case .null: self = .null
        case .unset: self = .unset
        case .bytes(let bytes): try self.init(decoding: bytes, as: type)
        }
    }

    /// Decodes all of `buffer` (the value's bytes) as `type`.
    static func decode(_ buffer: inout ByteBuffer, as type: CQLType) throws(CQLWireError) -> CQLValue {
        let count = buffer.readableBytes
        switch type {
        case .ascii:
            guard buffer.readableBytesView.allSatisfy({ $0 < 0x80 }) else {
                throw CQLWireError(.malformed, "ascii value has a byte above 127", bytes: buffer)
            }
            return .text(try buffer.readCQLUTF8(length: count, "ascii value"))
        case .text:
            return .text(try buffer.readCQLUTF8(length: count, "text value"))
        case .blob, .custom:
            return .blob(Array(buffer.readSlice(length: count)!.readableBytesView))
        default:
            break
        }
        if count == 0 { return .null }
        let value: CQLValue
        switch type {
        case .bigint, .counter, .time: value = .bigint(try fixed(&buffer, Int64.self, type))
        case .timestamp: value = .timestamp(try fixed(&buffer, Int64.self, type))
        case .int: value = .int(try fixed(&buffer, Int32.self, type))
        case .smallint: value = .smallint(try fixed(&buffer, Int16.self, type))
        case .tinyint: value = .tinyint(try fixed(&buffer, Int8.self, type))
        case .boolean: value = .boolean(try fixed(&buffer, UInt8.self, type) != 0)
        case .double: value = .double(Double(bitPattern: try fixed(&buffer, UInt64.self, type)))
        case .float: value = .float(Float(bitPattern: try fixed(&buffer, UInt32.self, type)))
        case .date: value = .date(Int32(bitPattern: try fixed(&buffer, UInt32.self, type) ^ 0x8000_0000))
        case .uuid, .timeuuid:
            guard count == 16 else {
                throw CQLWireError(.malformed, "\(type) value of \(count) bytes (expected 16)", bytes: buffer)
            }
            value = .uuid(try buffer.readCQLUUID())
        case .inet:
            guard count == 4 || count == 16 else {
                throw CQLWireError(.malformed, "inet value of \(count) bytes (expected 4 or 16)", bytes: buffer)
            }
            value = .inet(Array(buffer.readSlice(length: count)!.readableBytesView))
        case .varint:
            value = .varint(Array(buffer.readSlice(length: count)!.readableBytesView))
        case .decimal:
            let scale = try buffer.readCQLInt()
            guard buffer.readableBytes > 0 else {
                throw CQLWireError(.malformed, "decimal value has no unscaled varint", bytes: buffer)
            }
            value = .decimal(
                scale: scale,
                unscaled: Array(buffer.readSlice(length: buffer.readableBytes)!.readableBytesView)
            )
        case .list(let element), .set(let element):
            let elementCount = Int(try buffer.readCQLInt())
            try buffer.checkCQLCount(elementCount, minimumSize: 4, "collection element")
            var elements: [CQLValue] = []
            elements.reserveCapacity(elementCount)
            for _ in 0..<elementCount { elements.append(try buffer.readCQLValue(as: element)) }
            if case .set = type { value = .set(elements) } else { value = .list(elements) }
        case .map(let keyType, let valueType):
            let pairCount = Int(try buffer.readCQLInt())
            try buffer.checkCQLCount(pairCount, minimumSize: 8, "map entry")
            var pairs: [(CQLValue, CQLValue)] = []
            pairs.reserveCapacity(pairCount)
            for _ in 0..<pairCount {
                let key = try buffer.readCQLValue(as: keyType)
                pairs.append((key, try buffer.readCQLValue(as: valueType)))
            }
            value = .map(pairs)
        case .tuple(let types):
            var elements: [CQLValue] = []
            elements.reserveCapacity(types.count)
            for elementType in types {
                elements.append(buffer.readableBytes > 0 ? try buffer.readCQLValue(as: elementType) : .null)
            }
            value = .tuple(elements)
        case .udt(_, _, let fields):
            var values: [(String, CQLValue)] = []
            values.reserveCapacity(fields.count)
            for (name, fieldType) in fields {
                values.append((name, buffer.readableBytes > 0 ? try buffer.readCQLValue(as: fieldType) : .null))
            }
            value = .udt(values)
        case .ascii, .text, .blob, .custom:
            preconditionFailure("handled above")
        }
        guard buffer.readableBytes == 0 else {
            throw CQLWireError(.malformed, "\(buffer.readableBytes) bytes left after a \(type) value", bytes: buffer)
        }
        return value
    }

    private static func fixed<T: FixedWidthInteger>(
        _ buffer: inout ByteBuffer,
        _: T.Type,
        _ type: CQLType
    ) throws(CQLWireError) -> T {
        let size = MemoryLayout<T>.size
        guard buffer.readableBytes == size else {
            throw CQLWireError(
                .malformed,
                "\(type) value of \(buffer.readableBytes) bytes (expected \(size))",
                bytes: buffer
            )
        }
        return buffer.readInteger(as: T.self)!
    }
}

extension CQLValue {
    /// Writes the value's bytes as `type`, without the `[bytes]` length.
    ///
    /// Lenient where CQL is: any integer case fits a wider (or, when the value fits, narrower) integer column, and
    /// bigint/timestamp are interchangeable; integers are accepted for varint, decimal, double and float; a float
    /// for a double (and the reverse); a list for a set (and the reverse); `.int` days for a date. Anything else
    /// (text for a uuid, …) throws.
    ///
    /// - Throws: ``CQLWireError`` `.invalidValue` when the value does not fit the type, including `.null` and
    ///   `.unset`, which have no bytes (``ByteBuffer/writeCQLValue(_:as:)`` writes them as lengths).
    public func encode(into buffer: inout ByteBuffer, as type: CQLType) throws(CQLWireError) {
        switch (type, self) {
        case (_, .null), (_, .unset):
            throw CQLWireError(.invalidValue, "\(self) has no value bytes; write it with writeCQLValue")
        case (.ascii, .text(let string)):
            guard string.utf8.allSatisfy({ $0 < 0x80 }) else {
                throw CQLWireError(.invalidValue, "ascii value has a character outside ASCII")
            }
            buffer.writeString(string)
        case (.text, .text(let string)):
            buffer.writeString(string)
        case (.blob, .blob(let bytes)), (.custom, .blob(let bytes)):
            buffer.writeBytes(bytes)
        case (.bigint, _), (.counter, _), (.timestamp, _):
            buffer.writeInteger(try integer(as: Int64.self, for: type))
        case (.time, _):
            let nanoseconds = try integer(as: Int64.self, for: type)
            guard (0...86_399_999_999_999).contains(nanoseconds) else {
                throw CQLWireError(.invalidValue, "time \(nanoseconds) ns is outside one day")
            }
            buffer.writeInteger(nanoseconds)
        case (.int, _): buffer.writeInteger(try integer(as: Int32.self, for: type))
        case (.smallint, _): buffer.writeInteger(try integer(as: Int16.self, for: type))
        case (.tinyint, _): buffer.writeInteger(try integer(as: Int8.self, for: type))
        case (.boolean, .boolean(let bool)): buffer.writeInteger(UInt8(bool ? 1 : 0))
        case (.double, .double(let double)): buffer.writeInteger(double.bitPattern)
        case (.double, .float(let float)): buffer.writeInteger(Double(float).bitPattern)
        case (.double, _): buffer.writeInteger(Double(try integer(as: Int64.self, for: type)).bitPattern)
        case (.float, .float(let float)): buffer.writeInteger(float.bitPattern)
        case (.float, .double(let double)): buffer.writeInteger(Float(double).bitPattern)
        case (.float, _): buffer.writeInteger(Float(try integer(as: Int64.self, for: type)).bitPattern)
        case (.date, .date(let days)), (.date, .int(let days)):
            buffer.writeInteger(UInt32(bitPattern: days) ^ 0x8000_0000)
        case (.uuid, .uuid(let uuid)), (.timeuuid, .uuid(let uuid)):
            buffer.writeCQLUUID(uuid)
        case (.inet, .inet(let bytes)):
            guard bytes.count == 4 || bytes.count == 16 else {
                throw CQLWireError(.invalidValue, "inet of \(bytes.count) bytes (expected 4 or 16)")
            }
            buffer.writeBytes(bytes)
        case (.varint, .varint(let bytes)):
            guard !bytes.isEmpty else { throw CQLWireError(.invalidValue, "varint without bytes") }
            buffer.writeBytes(bytes)
        case (.varint, _):
            buffer.writeBytes(CQLValue.varintBytes(try integer(as: Int64.self, for: type)))
        case (.decimal, .decimal(let scale, let unscaled)):
            guard !unscaled.isEmpty else { throw CQLWireError(.invalidValue, "decimal without unscaled bytes") }
            buffer.writeInteger(scale)
            buffer.writeBytes(unscaled)
        case (.decimal, .varint(let bytes)) where !bytes.isEmpty:
            buffer.writeInteger(Int32(0))
            buffer.writeBytes(bytes)
        case (.decimal, _):
            buffer.writeInteger(Int32(0))
            buffer.writeBytes(CQLValue.varintBytes(try integer(as: Int64.self, for: type)))
        case (.list(let element), .list(let elements)), (.list(let element), .set(let elements)),
            (.set(let element), .set(let elements)), (.set(let element), .list(let elements)):
            buffer.writeInteger(Int32(elements.count))
            for value in elements { try buffer.writeCQLCollectionElement(value, as: element) }
        case (.map(let keyType, let valueType), .map(let pairs)):
            buffer.writeInteger(Int32(pairs.count))
            for (key, value) in pairs {
                try buffer.writeCQLCollectionElement(key, as: keyType)
                try buffer.writeCQLCollectionElement(value, as: valueType)
            }
        case (.tuple(let types), .tuple(let elements)):
            guard elements.count <= types.count else {
                throw CQLWireError(.invalidValue, "tuple of \(elements.count) values for \(type)")
            }
            for (index, elementType) in types.enumerated() {
                try buffer.writeCQLValue(index < elements.count ? elements[index] : .null, as: elementType)
            }
        case (.udt(_, let name, let fields), .udt(let values)):
            for (valueName, _) in values where !fields.contains(where: { $0.0 == valueName }) {
                throw CQLWireError(.invalidValue, "user type \(name) has no field \(valueName)")
            }
            for (index, (fieldName, fieldType)) in fields.enumerated() {
                let value: CQLValue
                if index < values.count, values[index].0 == fieldName {
                    value = values[index].1
                } else {
                    value = values.first(where: { $0.0 == fieldName })?.1 ?? .null
                }
                try buffer.writeCQLValue(value, as: fieldType)
            }
        default:
            throw CQLWireError(.invalidValue, "\(self.caseName) value cannot be encoded as \(type)")
        }
    }

    /// The integer this value holds (any integer case, timestamp included), converted to `T` if it fits.
    private func integer<T: FixedWidthInteger>(as: T.Type, for type: CQLType) throws(CQLWireError) -> T {
        let wide: Int64
        switch self {
        case .bigint(let value), .timestamp(let value): wide = value
        case .int(let value): wide = Int64(value)
        case .smallint(let value): wide = Int64(value)
        case .tinyint(let value): wide = Int64(value)
        default: throw CQLWireError(.invalidValue, "\(self.caseName) value cannot be encoded as \(type)")
        }
        guard let value = T(exactly: wide) else {
            throw CQLWireError(.invalidValue, "\(wide) does not fit a \(type)")
        }
        return value
    }

    /// The case's name, for error messages (values themselves are not logged).
    var caseName: String {
        switch self {
        case .null: "null"
        case .unset: "unset"
        case .text: "text"
        case .bigint: "bigint"
        case .int: "int"
        case .smallint: "smallint"
        case .tinyint: "tinyint"
        case .boolean: "boolean"
        case .double: "double"
        case .float: "float"
        case .timestamp: "timestamp"
        case .date: "date"
        case .uuid: "uuid"
        case .blob: "blob"
        case .inet: "inet"
        case .varint: "varint"
        case .decimal: "decimal"
        case .list: "list"
        case .set: "set"
        case .map: "map"
        case .tuple: "tuple"
        case .udt: "udt"
        }
    }

    /// The shortest two's-complement big-endian bytes of `value` (a varint, §6.23: 128 is `00 80`, -129 `FF 7F`).
    public static func varintBytes(_ value: Int64) -> [UInt8] {
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
        while bytes.count > 1,
            (bytes[0] == 0x00 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0)
        {
            bytes.removeFirst()
        }
        return bytes
    }

    /// A varint's value, if it fits an `Int64` (`nil` for other cases and larger varints).
    public var varintInt64: Int64? {
        guard case .varint(let bytes) = self, !bytes.isEmpty else { return nil }
        var significant = bytes[...]
        while significant.count > 8 {
            let sign: UInt8 = significant[significant.startIndex + 1] & 0x80 == 0 ? 0x00 : 0xFF
            guard significant.first == sign else { return nil }
            significant = significant.dropFirst()
        }
        var value: Int64 = significant.first! & 0x80 == 0 ? 0 : -1
        for byte in significant { value = value << 8 | Int64(byte) }
        return value
    }
}

extension CQLBoundValue {
    /// Encodes a value as a bound value of `type` (null and unset stay what they are).
    public init(encoding value: CQLValue, as type: CQLType) throws(CQLWireError) {
        switch value {
        case .null: self = .null
        case .unset: self = .unset
        default:
            var buffer = ByteBuffer()
            try value.encode(into: &buffer, as: type)
            self = .bytes(Array(buffer.readableBytesView))
        }
    }
}

extension ByteBuffer {
    /// Writes a value as `[bytes]`/`[value]`: its length then its bytes; `.null` as -1, `.unset` as -2. Returns the
    /// number of bytes written. Nothing is written when it throws.
    @discardableResult
    public mutating func writeCQLValue(_ value: CQLValue, as type: CQLType) throws(CQLWireError) -> Int {
        switch value {
        case .null: return writeInteger(Int32(-1))
        case .unset: return writeInteger(Int32(-2))
        default:
            let lengthIndex = self.writerIndex
            self.writeInteger(Int32(0))
            do {
                try value.encode(into: &self, as: type)
            } catch {
                self.moveWriterIndex(to: lengthIndex)
                throw error
            }
            let length = self.writerIndex - lengthIndex - 4
            guard length <= Int(Int32.max) else {
                self.moveWriterIndex(to: lengthIndex)
                throw CQLWireError(.tooLarge, "\(type) value of \(length) bytes")
            }
            self.setInteger(Int32(length), at: lengthIndex)
            return length + 4
        }
    }

    /// A collection element: like ``writeCQLValue(_:as:)``, but "not set" has no meaning inside a collection.
    mutating func writeCQLCollectionElement(_ value: CQLValue, as type: CQLType) throws(CQLWireError) {
        if case .unset = value { throw CQLWireError(.invalidValue, "unset inside a collection") }
        try writeCQLValue(value, as: type)
    }

    /// Reads a value written as `[bytes]`/`[value]` and decodes it as `type`: -1 is `.null`, -2 `.unset`.
    ///
    /// - Throws: ``CQLWireError`` `.truncated` when the length claims more bytes than there are, `.malformed` for a
    ///   length below -2 or bytes that are not a `type` value.
    public mutating func readCQLValue(as type: CQLType) throws(CQLWireError) -> CQLValue {
        let length = try readCQLInt()
        switch length {
        case -1: return .null
        case -2: return .unset
        case ..<(-2): throw CQLWireError(.malformed, "value length \(length) is invalid", bytes: self)
        default:
            var slice = try readCQLSlice(length: Int(length), "value")
            return try CQLValue.decode(&slice, as: type)
        }
    }
}
