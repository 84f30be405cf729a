import CQLWire
import NIOCore
import Testing

@Suite struct CQLPrimitivesTests {
    @Test func notationsRoundTrip() throws {
        var buffer = ByteBuffer()
        buffer.writeCQLInt(-5)
        buffer.writeCQLLong(.min)
        buffer.writeCQLShort(0xFFFF)
        buffer.writeCQLString("héllo")
        buffer.writeCQLLongString("SELECT 1")
        buffer.writeCQLUUID(CQLUUID(high: 7, low: 8))
        buffer.writeCQLStringList(["a", "", "b"])
        buffer.writeCQLBytes([1, 2] as [UInt8]?)
        buffer.writeCQLBytes(nil as [UInt8]?)
        buffer.writeCQLBoundValue(.unset)
        buffer.writeCQLBoundValue(.null)
        buffer.writeCQLBoundValue(.bytes([9]))
        buffer.writeCQLShortBytes([0xCA, 0xFE])
        buffer.writeCQLInet(CQLInet(address: [10, 0, 0, 1], port: 9042))
        buffer.writeCQLInetAddr(Array(repeating: 0, count: 16))
        buffer.writeCQLConsistency(.localQuorum)
        buffer.writeCQLStringMap(["CQL_VERSION": "3.0.0", "DRIVER_NAME": "x"])
        buffer.writeCQLStringMultimap(["COMPRESSION": [], "CQL_VERSION": ["3.4.5"]])
        buffer.writeCQLBytesMap(["a": [1], "b": nil])

        #expect(try buffer.readCQLInt() == -5)
        #expect(try buffer.readCQLLong() == .min)
        #expect(try buffer.readCQLShort() == 0xFFFF)
        #expect(try buffer.readCQLString() == "héllo")
        #expect(try buffer.readCQLLongString() == "SELECT 1")
        #expect(try buffer.readCQLUUID() == CQLUUID(high: 7, low: 8))
        #expect(try buffer.readCQLStringList() == ["a", "", "b"])
        #expect(try buffer.readCQLBytes() == [1, 2])
        #expect(try buffer.readCQLBytes() == nil)
        #expect(try buffer.readCQLBoundValue() == .unset)
        #expect(try buffer.readCQLBoundValue() == .null)
        #expect(try buffer.readCQLBoundValue() == .bytes([9]))
        #expect(try buffer.readCQLShortBytes() == [0xCA, 0xFE])
        #expect(try buffer.readCQLInet() == CQLInet(address: [10, 0, 0, 1], port: 9042))
        #expect(try buffer.readCQLInetAddr() == Array(repeating: 0, count: 16))
        #expect(try buffer.readCQLConsistency() == .localQuorum)
        #expect(try buffer.readCQLStringMap() == ["CQL_VERSION": "3.0.0", "DRIVER_NAME": "x"])
        #expect(try buffer.readCQLStringMultimap() == ["COMPRESSION": [], "CQL_VERSION": ["3.4.5"]])
        #expect(try buffer.readCQLBytesMap() == ["a": [1], "b": nil])
        #expect(buffer.readableBytes == 0)
    }

    @Test func stringMapIsWrittenInKeyOrder() {
        var buffer = ByteBuffer()
        buffer.writeCQLStringMap(["b": "2", "a": "1"])
        #expect(Array(buffer.readableBytesView) == [0, 2, 0, 1, 0x61, 0, 1, 0x31, 0, 1, 0x62, 0, 1, 0x32])
    }

    static let types: [CQLType] = [
        .ascii, .bigint, .blob, .boolean, .counter, .decimal, .double, .float, .int, .timestamp, .uuid, .text,
        .varint, .timeuuid, .inet, .date, .time, .smallint, .tinyint,
        .custom("org.apache.cassandra.db.marshal.DurationType"),
        .list(.int), .set(.text), .map(.text, .list(.frozenTuple)),
        .udt(keyspace: "ks", name: "address", fields: [("street", .text), ("codes", .set(.int))]),
    ]

    @Test(arguments: types)
    func optionsRoundTrip(_ type: CQLType) throws {
        var buffer = ByteBuffer()
        buffer.writeCQLOption(type)
        #expect(buffer.getInteger(at: 0, as: UInt16.self) == type.optionID)
        let decoded = try buffer.readCQLOption()
        #expect(decoded == type)
        #expect(buffer.readableBytes == 0)
        if case .udt(let keyspace, _, let fields) = decoded {
            #expect(keyspace == "ks")
            #expect(fields.map(\.0) == ["street", "codes"])
        }
    }

    @Test func optionListRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeCQLOptionList([.int, .map(.text, .blob)])
        #expect(try buffer.readCQLOptionList() == [.int, .map(.text, .blob)])
    }

    @Test func optionNestingIsBounded() {
        // list<list<list<…>>> 1000 deep: refused, not a stack overflow.
        var buffer = ByteBuffer()
        for _ in 0..<1000 { buffer.writeCQLShort(0x0020) }
        buffer.writeCQLShort(0x0009)
        let error = #expect(throws: CQLWireError.self) { try buffer.readCQLOption() }
        #expect(error?.code == .malformed)
    }

    @Test func unknownOptionIdThrows() {
        var buffer = ByteBuffer(bytes: [0x00, 0x0A])
        #expect(throws: CQLWireError.self) { try buffer.readCQLOption() }
    }

    @Test func countsLargerThanTheBytesLeftThrowBeforeAllocating() {
        // 65535 strings announced, 2 bytes present.
        var list = ByteBuffer(bytes: [0xFF, 0xFF, 0x00, 0x00])
        let error = #expect(throws: CQLWireError.self) { try list.readCQLStringList() }
        #expect(error?.code == .truncated)
        var map = ByteBuffer(bytes: [0xFF, 0xFF, 0x00, 0x00])
        #expect(throws: CQLWireError.self) { try map.readCQLStringMap() }
        var bytes = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF, 0x00])
        #expect(throws: CQLWireError.self) { try bytes.readCQLBytes() }
        var longString = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: CQLWireError.self) { try longString.readCQLLongString() }
        var value = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFD])
        #expect(throws: CQLWireError.self) { try value.readCQLBoundValue() }
    }

    @Test func invalidUTF8AndBadInetThrow() {
        var string = ByteBuffer(bytes: [0x00, 0x02, 0xC3, 0x28])
        #expect(throws: CQLWireError.self) { try string.readCQLString() }
        var inet = ByteBuffer(bytes: [0x05, 1, 2, 3, 4, 5, 0, 0, 0, 1])
        #expect(throws: CQLWireError.self) { try inet.readCQLInet() }
    }

    @Test func truncatedMultimapThrowsAtEveryLength() {
        var buffer = ByteBuffer()
        buffer.writeCQLStringMultimap(["CQL_VERSION": ["3.4.5"], "COMPRESSION": ["lz4", "snappy"]])
        let bytes = Array(buffer.readableBytesView)
        for length in 0..<bytes.count {
            var cut = ByteBuffer(bytes: bytes[..<length])
            #expect(throws: CQLWireError.self, "cut at \(length)") { try cut.readCQLStringMultimap() }
        }
    }
}

extension CQLType {
    static let frozenTuple = CQLType.tuple([.int, .text])
}
