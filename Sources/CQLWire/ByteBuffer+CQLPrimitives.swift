import NIOCore

// Notations, native_protocol_v4.spec §3:
//   [int] 4 bytes, [long] 8 bytes, [short] 2 bytes unsigned, [byte] 1 byte (all big-endian).
//   [string]       [short] n, then n UTF-8 bytes.        [long string]  [int] n, then n UTF-8 bytes.
//   [uuid]         16 bytes.                             [string list]  [short] n, then n [string].
//   [bytes]        [int] n, then n bytes if n >= 0; n < 0 is null.
//   [value]        [int] n, then n bytes if n >= 0; -1 null, -2 "not set", n < -2 an error.
//   [short bytes]  [short] n, then n bytes.
//   [option]       [short] id, then a value depending on the id (§4.2.5.2).   [option list] [short] n, n [option].
//   [inet]         [byte] n (4 or 16), n address bytes, [int] port.          [inetaddr] the same without the port.
//   [consistency]  [short].
//   [string map]   [short] n, n pairs <[string]><[string]>.
//   [string multimap] [short] n, n pairs <[string]><[string list]>.
//   [bytes map]    [short] n, n pairs <[string]><[bytes]>.
//
// The readers work on a whole, already sliced frame body: running out of bytes is a `.truncated` error, never `nil`
// (`nil` only ever means a null). Lengths and counts are checked against the readable bytes before anything is
// allocated. The map writers write keys in sorted order so output is deterministic.

extension ByteBuffer {
    // MARK: Integers

    /// Reads a big-endian integer, throwing `.truncated` when the buffer ends first.
    @inlinable
    public mutating func readCQLInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(CQLWireError) -> T {
        guard let value = self.readInteger(as: T.self) else {
            throw CQLWireError(
                .truncated,
                "expected a \(MemoryLayout<T>.size)-byte integer, \(self.readableBytes) bytes left",
                bytes: self
            )
        }
        return value
    }

    /// Reads an `[int]`.
    @inlinable
    public mutating func readCQLInt() throws(CQLWireError) -> Int32 { try readCQLInteger(as: Int32.self) }

    /// Writes an `[int]`.
    @discardableResult @inlinable
    public mutating func writeCQLInt(_ value: Int32) -> Int { writeInteger(value) }

    /// Reads a `[long]`.
    @inlinable
    public mutating func readCQLLong() throws(CQLWireError) -> Int64 { try readCQLInteger(as: Int64.self) }

    /// Writes a `[long]`.
    @discardableResult @inlinable
    public mutating func writeCQLLong(_ value: Int64) -> Int { writeInteger(value) }

    /// Reads a `[short]` (unsigned).
    @inlinable
    public mutating func readCQLShort() throws(CQLWireError) -> UInt16 { try readCQLInteger(as: UInt16.self) }

    /// Writes a `[short]`.
    @discardableResult @inlinable
    public mutating func writeCQLShort(_ value: UInt16) -> Int { writeInteger(value) }

    /// Reads a `[byte]`.
    @inlinable
    public mutating func readCQLByte() throws(CQLWireError) -> UInt8 { try readCQLInteger(as: UInt8.self) }

    /// Writes a `[byte]`.
    @discardableResult @inlinable
    public mutating func writeCQLByte(_ value: UInt8) -> Int { writeInteger(value) }

    /// Checks that `count` elements of at least `minimumSize` bytes each can still follow.
    @usableFromInline
    func checkCQLCount(_ count: Int, minimumSize: Int, _ what: StaticString) throws(CQLWireError) {
        guard count >= 0 else {
            throw CQLWireError(.malformed, "\(what) count \(count) is negative", bytes: self)
        }
        guard count <= self.readableBytes / Swift.max(minimumSize, 1) else {
            throw CQLWireError(
                .truncated,
                "\(what) count \(count) needs at least \(count * minimumSize) bytes, \(self.readableBytes) left",
                bytes: self
            )
        }
    }

    /// Reads `length` bytes as a slice, throwing `.truncated` if fewer are left.
    @usableFromInline
    mutating func readCQLSlice(length: Int, _ what: StaticString) throws(CQLWireError) -> ByteBuffer {
        guard length <= self.readableBytes, let slice = self.readSlice(length: length) else {
            throw CQLWireError(
                .truncated,
                "\(what) of \(length) bytes, \(self.readableBytes) left",
                bytes: self
            )
        }
        return slice
    }

    // MARK: Strings

    /// Reads `length` bytes as validated UTF-8.
    mutating func readCQLUTF8(length: Int, _ what: StaticString) throws(CQLWireError) -> String {
        let slice = try readCQLSlice(length: length, what)
        guard let string = slice.cqlValidatedString() else {
            throw CQLWireError(.malformed, "\(what) is not valid UTF-8", bytes: slice)
        }
        return string
    }

    /// The readable bytes as a `String`, or `nil` if they are not valid UTF-8.
    func cqlValidatedString() -> String? {
        self.withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) }
    }

    /// Reads a `[string]`.
    public mutating func readCQLString() throws(CQLWireError) -> String {
        let length = try readCQLShort()
        return try readCQLUTF8(length: Int(length), "[string]")
    }

    /// Writes a `[string]`. Strings longer than 65535 UTF-8 bytes are cut (the protocol cannot carry them).
    @discardableResult
    public mutating func writeCQLString(_ value: String) -> Int {
        let lengthIndex = self.writerIndex
        self.writeInteger(UInt16(0))
        var written = self.writeString(value)
        if written > Int(UInt16.max) {
            self.moveWriterIndex(to: lengthIndex + 2 + Int(UInt16.max))
            written = Int(UInt16.max)
        }
        self.setInteger(UInt16(written), at: lengthIndex)
        return 2 + written
    }

    /// Reads a `[long string]`.
    public mutating func readCQLLongString() throws(CQLWireError) -> String {
        let length = try readCQLInt()
        guard length >= 0 else {
            throw CQLWireError(.malformed, "[long string] length \(length) is negative", bytes: self)
        }
        return try readCQLUTF8(length: Int(length), "[long string]")
    }

    /// Writes a `[long string]`.
    @discardableResult
    public mutating func writeCQLLongString(_ value: String) -> Int {
        let lengthIndex = self.writerIndex
        self.writeInteger(Int32(0))
        let written = self.writeString(value)
        self.setInteger(Int32(written), at: lengthIndex)
        return 4 + written
    }

    /// Reads a `[string list]`.
    public mutating func readCQLStringList() throws(CQLWireError) -> [String] {
        let count = Int(try readCQLShort())
        try checkCQLCount(count, minimumSize: 2, "[string list]")
        var list: [String] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try readCQLString()) }
        return list
    }

    /// Writes a `[string list]`.
    @discardableResult
    public mutating func writeCQLStringList(_ value: [String]) -> Int {
        var written = writeCQLShort(UInt16(truncatingIfNeeded: value.count))
        for string in value { written += writeCQLString(string) }
        return written
    }

    // MARK: UUID

    /// Reads a `[uuid]`.
    public mutating func readCQLUUID() throws(CQLWireError) -> CQLUUID {
        let high = try readCQLInteger(as: UInt64.self)
        let low = try readCQLInteger(as: UInt64.self)
        return CQLUUID(high: high, low: low)
    }

    /// Writes a `[uuid]`.
    @discardableResult
    public mutating func writeCQLUUID(_ value: CQLUUID) -> Int {
        writeInteger(value.high) + writeInteger(value.low)
    }

    // MARK: Bytes

    /// Reads a `[bytes]` as a slice of this buffer; `nil` for null (any negative length).
    public mutating func readCQLBytesSlice() throws(CQLWireError) -> ByteBuffer? {
        let length = try readCQLInt()
        if length < 0 { return nil }
        return try readCQLSlice(length: Int(length), "[bytes]")
    }

    /// Reads a `[bytes]`; `nil` for null (any negative length).
    public mutating func readCQLBytes() throws(CQLWireError) -> [UInt8]? {
        try readCQLBytesSlice().map { Array($0.readableBytesView) }
    }

    /// Writes a `[bytes]`; `nil` is written as null (-1).
    @discardableResult
    public mutating func writeCQLBytes(_ value: [UInt8]?) -> Int {
        guard let value else { return writeCQLInt(-1) }
        return writeCQLInt(Int32(value.count)) + writeBytes(value)
    }

    /// Writes a `[bytes]` from the readable bytes of a buffer; `nil` is written as null (-1).
    @discardableResult
    public mutating func writeCQLBytes(_ value: ByteBuffer?) -> Int {
        guard var value else { return writeCQLInt(-1) }
        return writeCQLInt(Int32(value.readableBytes)) + writeBuffer(&value)
    }

    /// Reads a `[value]`: -1 is null, -2 "not set", any other negative length `.malformed`.
    public mutating func readCQLBoundValue() throws(CQLWireError) -> CQLBoundValue {
        let length = try readCQLInt()
        switch length {
        case -1: return .null
        case -2: return .unset
        case ..<(-2): throw CQLWireError(.malformed, "[value] length \(length) is invalid", bytes: self)
        default: return .bytes(Array(try readCQLSlice(length: Int(length), "[value]").readableBytesView))
        }
    }

    /// Writes a `[value]`.
    @discardableResult
    public mutating func writeCQLBoundValue(_ value: CQLBoundValue) -> Int {
        switch value {
        case .null: writeCQLInt(-1)
        case .unset: writeCQLInt(-2)
        case .bytes(let bytes): writeCQLInt(Int32(bytes.count)) + writeBytes(bytes)
        }
    }

    /// Reads a `[short bytes]`.
    public mutating func readCQLShortBytes() throws(CQLWireError) -> [UInt8] {
        let length = try readCQLShort()
        return Array(try readCQLSlice(length: Int(length), "[short bytes]").readableBytesView)
    }

    /// Writes a `[short bytes]` (at most 65535 bytes are written).
    @discardableResult
    public mutating func writeCQLShortBytes(_ value: [UInt8]) -> Int {
        let count = Swift.min(value.count, Int(UInt16.max))
        return writeCQLShort(UInt16(count)) + writeBytes(value.prefix(count))
    }

    // MARK: Options (types)

    /// The deepest nesting of `[option]`s (collections in collections) accepted.
    public static let maximumCQLTypeDepth = 32

    /// Reads an `[option]` describing a type (§4.2.5.2), nested collections, tuples and UDTs included.
    public mutating func readCQLOption() throws(CQLWireError) -> CQLType {
        try readCQLOption(depth: 0)
    }

    private mutating func readCQLOption(depth: Int) throws(CQLWireError) -> CQLType {
        guard depth < ByteBuffer.maximumCQLTypeDepth else {
            throw CQLWireError(.malformed, "[option] nested deeper than \(ByteBuffer.maximumCQLTypeDepth)", bytes: self)
        }
        let id = try readCQLShort()
        switch id {
        case 0x0000: return .custom(try readCQLString())
        case 0x0001: return .ascii
        case 0x0002: return .bigint
        case 0x0003: return .blob
        case 0x0004: return .boolean
        case 0x0005: return .counter
        case 0x0006: return .decimal
        case 0x0007: return .double
        case 0x0008: return .float
        case 0x0009: return .int
        case 0x000B: return .timestamp
        case 0x000C: return .uuid
        case 0x000D: return .text
        case 0x000E: return .varint
        case 0x000F: return .timeuuid
        case 0x0010: return .inet
        case 0x0011: return .date
        case 0x0012: return .time
        case 0x0013: return .smallint
        case 0x0014: return .tinyint
        case 0x0020: return .list(try readCQLOption(depth: depth + 1))
        case 0x0021:
            let key = try readCQLOption(depth: depth + 1)
            return .map(key, try readCQLOption(depth: depth + 1))
        case 0x0022: return .set(try readCQLOption(depth: depth + 1))
        case 0x0030:
            let keyspace = try readCQLString()
            let name = try readCQLString()
            let count = Int(try readCQLShort())
            try checkCQLCount(count, minimumSize: 4, "UDT field")
            var fields: [(String, CQLType)] = []
            fields.reserveCapacity(count)
            for _ in 0..<count {
                let fieldName = try readCQLString()
                fields.append((fieldName, try readCQLOption(depth: depth + 1)))
            }
            return .udt(keyspace: keyspace, name: name, fields: fields)
        case 0x0031:
            let count = Int(try readCQLShort())
            try checkCQLCount(count, minimumSize: 2, "tuple element")
            var elements: [CQLType] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try readCQLOption(depth: depth + 1)) }
            return .tuple(elements)
        default:
            throw CQLWireError(.malformed, "unknown [option] id 0x\(String(id, radix: 16))", bytes: self)
        }
    }

    /// Writes an `[option]` describing a type.
    @discardableResult
    public mutating func writeCQLOption(_ type: CQLType) -> Int {
        let start = self.writerIndex
        writeCQLShort(type.optionID)
        switch type {
        case .custom(let name): writeCQLString(name)
        case .list(let element), .set(let element): writeCQLOption(element)
        case .map(let key, let value):
            writeCQLOption(key)
            writeCQLOption(value)
        case .udt(let keyspace, let name, let fields):
            writeCQLString(keyspace)
            writeCQLString(name)
            writeCQLShort(UInt16(truncatingIfNeeded: fields.count))
            for (fieldName, fieldType) in fields {
                writeCQLString(fieldName)
                writeCQLOption(fieldType)
            }
        case .tuple(let elements):
            writeCQLShort(UInt16(truncatingIfNeeded: elements.count))
            for element in elements { writeCQLOption(element) }
        default: break
        }
        return self.writerIndex - start
    }

    /// Reads an `[option list]`.
    public mutating func readCQLOptionList() throws(CQLWireError) -> [CQLType] {
        let count = Int(try readCQLShort())
        try checkCQLCount(count, minimumSize: 2, "[option list]")
        var list: [CQLType] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try readCQLOption()) }
        return list
    }

    /// Writes an `[option list]`.
    @discardableResult
    public mutating func writeCQLOptionList(_ types: [CQLType]) -> Int {
        var written = writeCQLShort(UInt16(truncatingIfNeeded: types.count))
        for type in types { written += writeCQLOption(type) }
        return written
    }

    // MARK: Addresses

    /// Reads an `[inetaddr]`: a [byte] size (4 or 16) and that many address bytes.
    public mutating func readCQLInetAddr() throws(CQLWireError) -> [UInt8] {
        let size = try readCQLByte()
        guard size == 4 || size == 16 else {
            throw CQLWireError(.malformed, "[inetaddr] size \(size) is neither 4 nor 16", bytes: self)
        }
        return Array(try readCQLSlice(length: Int(size), "[inetaddr]").readableBytesView)
    }

    /// Writes an `[inetaddr]`.
    @discardableResult
    public mutating func writeCQLInetAddr(_ address: [UInt8]) -> Int {
        writeCQLByte(UInt8(truncatingIfNeeded: address.count)) + writeBytes(address)
    }

    /// Reads an `[inet]`: an `[inetaddr]` and an [int] port.
    public mutating func readCQLInet() throws(CQLWireError) -> CQLInet {
        let address = try readCQLInetAddr()
        return CQLInet(address: address, port: try readCQLInt())
    }

    /// Writes an `[inet]`.
    @discardableResult
    public mutating func writeCQLInet(_ inet: CQLInet) -> Int {
        writeCQLInetAddr(inet.address) + writeCQLInt(inet.port)
    }

    // MARK: Consistency

    /// Reads a `[consistency]`.
    public mutating func readCQLConsistency() throws(CQLWireError) -> CQLConsistency {
        CQLConsistency(rawValue: try readCQLShort())
    }

    /// Writes a `[consistency]`.
    @discardableResult
    public mutating func writeCQLConsistency(_ consistency: CQLConsistency) -> Int {
        writeCQLShort(consistency.rawValue)
    }

    // MARK: Maps

    /// Reads a `[string map]` (a repeated key keeps its last value).
    public mutating func readCQLStringMap() throws(CQLWireError) -> [String: String] {
        let count = Int(try readCQLShort())
        try checkCQLCount(count, minimumSize: 4, "[string map]")
        var map: [String: String] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readCQLString()
            map[key] = try readCQLString()
        }
        return map
    }

    /// Writes a `[string map]`, keys sorted.
    @discardableResult
    public mutating func writeCQLStringMap(_ map: [String: String]) -> Int {
        var written = writeCQLShort(UInt16(truncatingIfNeeded: map.count))
        for key in map.keys.sorted() {
            written += writeCQLString(key) + writeCQLString(map[key]!)
        }
        return written
    }

    /// Reads a `[string multimap]`.
    public mutating func readCQLStringMultimap() throws(CQLWireError) -> [String: [String]] {
        let count = Int(try readCQLShort())
        try checkCQLCount(count, minimumSize: 4, "[string multimap]")
        var map: [String: [String]] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readCQLString()
            map[key] = try readCQLStringList()
        }
        return map
    }

    /// Writes a `[string multimap]`, keys sorted.
    @discardableResult
    public mutating func writeCQLStringMultimap(_ map: [String: [String]]) -> Int {
        var written = writeCQLShort(UInt16(truncatingIfNeeded: map.count))
        for key in map.keys.sorted() {
            written += writeCQLString(key) + writeCQLStringList(map[key]!)
        }
        return written
    }

    /// Reads a `[bytes map]` (a null value stays `nil` in the dictionary's value).
    public mutating func readCQLBytesMap() throws(CQLWireError) -> [String: [UInt8]?] {
        let count = Int(try readCQLShort())
        try checkCQLCount(count, minimumSize: 6, "[bytes map]")
        var map: [String: [UInt8]?] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readCQLString()
            map[key] = .some(try readCQLBytes())
        }
        return map
    }

    /// Writes a `[bytes map]`, keys sorted.
    @discardableResult
    public mutating func writeCQLBytesMap(_ map: [String: [UInt8]?]) -> Int {
        var written = writeCQLShort(UInt16(truncatingIfNeeded: map.count))
        for key in map.keys.sorted() {
            written += writeCQLString(key) + writeCQLBytes(map[key]!)
        }
        return written
    }
}
