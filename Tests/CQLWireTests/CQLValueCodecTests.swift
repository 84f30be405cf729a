import CQLWire
import NIOCore
import Testing

@Suite struct CQLValueCodecTests {
    static let udtType = CQLType.udt(
        keyspace: "ks",
        name: "address",
        fields: [("street", .text), ("zip", .int), ("tags", .set(.text))]
    )

    static let roundTrips: [(CQLValue, CQLType)] = [
        (.text("hello"), .ascii),
        (.text("héllo ✓ 🎉"), .text),
        (.text(""), .text),
        (.bigint(.min), .bigint),
        (.bigint(42), .counter),
        (.bigint(86_399_999_999_999), .time),
        (.int(-7), .int),
        (.smallint(.min), .smallint),
        (.tinyint(-1), .tinyint),
        (.boolean(true), .boolean),
        (.boolean(false), .boolean),
        (.double(-0.5), .double),
        (.double(.nan), .double),
        (.float(.infinity), .float),
        (.timestamp(1_700_000_000_123), .timestamp),
        (.timestamp(-1), .timestamp),
        (.date(0), .date),
        (.date(.min), .date),
        (.date(.max), .date),
        (.date(-1), .date),
        (.uuid(CQLUUID(string: "550e8400-e29b-41d4-a716-446655440000")!), .uuid),
        (.uuid(CQLUUID(string: "e5a1b8c0-1dd2-11b2-8080-808080808080")!), .timeuuid),
        (.blob([0, 1, 2, 255]), .blob),
        (.blob([]), .blob),
        (.inet([127, 0, 0, 1]), .inet),
        (.inet(Array(repeating: 0, count: 15) + [1]), .inet),
        (.varint([0xFF, 0x7F]), .varint),
        (.varint([0x00, 0x80]), .varint),
        (.decimal(scale: 2, unscaled: [0x30, 0x39]), .decimal),
        (.list([.int(1), .int(2), .null]), .list(.int)),
        (.list([]), .list(.int)),
        (.set([.text("a"), .text("b")]), .set(.text)),
        (.map([(.text("k"), .list([.bigint(1)])), (.text("j"), .list([]))]), .map(.text, .list(.bigint))),
        (.list([.map([(.int(1), .set([.uuid(CQLUUID(high: 1, low: 2))]))])]), .list(.map(.int, .set(.uuid)))),
        (.tuple([.int(1), .text("x"), .null]), .tuple([.int, .text, .boolean])),
        (.udt([("street", .text("Main")), ("zip", .int(12345)), ("tags", .set([.text("home")]))]), udtType),
        (.blob([1, 2]), .custom("org.example.Foo")),
    ]

    @Test(arguments: 0..<roundTrips.count)
    func everyTypeRoundTrips(_ index: Int) throws {
        let (value, type) = Self.roundTrips[index]
        var buffer = ByteBuffer()
        try value.encode(into: &buffer, as: type)
        #expect(try CQLValue(decoding: buffer, as: type) == value)
        #expect(try CQLValue(decoding: Array(buffer.readableBytesView), as: type) == value)

        var framed = ByteBuffer()
        let written = try framed.writeCQLValue(value, as: type)
        #expect(written == buffer.readableBytes + 4)
        #expect(framed.getInteger(at: 0, as: Int32.self) == Int32(buffer.readableBytes))
        #expect(try framed.readCQLValue(as: type) == value)
        #expect(framed.readableBytes == 0)

        let bound = try CQLBoundValue(encoding: value, as: type)
        #expect(try CQLValue(decoding: bound, as: type) == value)
    }

    @Test func nullAndUnsetAreLengths() throws {
        var buffer = ByteBuffer()
        try buffer.writeCQLValue(.null, as: .int)
        try buffer.writeCQLValue(.unset, as: .text)
        #expect(Array(buffer.readableBytesView) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])
        #expect(try buffer.readCQLValue(as: .int) == .null)
        #expect(try buffer.readCQLValue(as: .text) == .unset)
        #expect(try CQLValue(decoding: CQLBoundValue.null, as: .int) == .null)
        #expect(try CQLValue(decoding: CQLBoundValue.unset, as: .int) == .unset)
        var empty = ByteBuffer()
        #expect(throws: CQLWireError.self) { try CQLValue.null.encode(into: &empty, as: .int) }
    }

    @Test func exactBytes() throws {
        func bytes(_ value: CQLValue, _ type: CQLType) throws -> [UInt8] {
            var buffer = ByteBuffer()
            try value.encode(into: &buffer, as: type)
            return Array(buffer.readableBytesView)
        }
        #expect(try bytes(.date(0), .date) == [0x80, 0, 0, 0])
        #expect(try bytes(.date(.min), .date) == [0, 0, 0, 0])
        #expect(try bytes(.date(.max), .date) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try bytes(.date(-1), .date) == [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(try bytes(.int(1), .int) == [0, 0, 0, 1])
        #expect(try bytes(.boolean(true), .boolean) == [1])
        #expect(try bytes(.double(1.0), .double) == [0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
        #expect(try bytes(.list([.int(5)]), .list(.int)) == [0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 5])
        #expect(
            try bytes(.map([(.text("a"), .null)]), .map(.text, .int)) == [
                0, 0, 0, 1, 0, 0, 0, 1, 0x61, 0xFF, 0xFF, 0xFF, 0xFF,
            ]
        )
        // A UDT's fields are written in the type's order, whatever the value's order; missing ones as null.
        #expect(
            try bytes(.udt([("zip", .int(1))]), Self.udtType)
                == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 4, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]
        )
    }

    static let varints: [(Int64, [UInt8])] = [
        (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x00, 0x80]), (129, [0x00, 0x81]),
        (-1, [0xFF]), (-128, [0x80]), (-129, [0xFF, 0x7F]), (.min, [0x80, 0, 0, 0, 0, 0, 0, 0]),
        (.max, [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), (-32769, [0xFF, 0x7F, 0xFF]),
    ]

    @Test(arguments: 0..<varints.count)
    func varintsFollowTheSpecTable(_ index: Int) throws {
        let (value, bytes) = Self.varints[index]
        #expect(CQLValue.varintBytes(value) == bytes)
        #expect(CQLValue.varint(bytes).varintInt64 == value)
        var buffer = ByteBuffer()
        try CQLValue.bigint(value).encode(into: &buffer, as: .varint)
        #expect(try CQLValue(decoding: buffer, as: .varint) == .varint(bytes))
        // Redundant sign-extension bytes are tolerated when reading.
        let extended: [UInt8] = (value < 0 ? [0xFF, 0xFF] : [0x00, 0x00]) + bytes
        #expect(CQLValue.varint(extended).varintInt64 == value)
    }

    @Test func negativeVarintWithSignExtensionFits() {
        #expect(CQLValue.varint([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).varintInt64 == -129)
        #expect(CQLValue.varint([0x01, 0, 0, 0, 0, 0, 0, 0, 0]).varintInt64 == nil)
    }

    @Test func encodingIsLenientWhereCQLIs() throws {
        func bytes(_ value: CQLValue, _ type: CQLType) throws -> [UInt8] {
            var buffer = ByteBuffer()
            try value.encode(into: &buffer, as: type)
            return Array(buffer.readableBytesView)
        }
        #expect(try bytes(.int(1), .bigint) == [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(try bytes(.bigint(1), .int) == [0, 0, 0, 1])
        #expect(try bytes(.bigint(5), .timestamp) == [0, 0, 0, 0, 0, 0, 0, 5])
        let two = try bytes(.double(2), .double)
        #expect(try bytes(.int(2), .double) == two)
        #expect(try bytes(.int(3), .varint) == [3])
        #expect(try bytes(.int(3), .decimal) == [0, 0, 0, 0, 3])
        let set = try bytes(.set([.int(1)]), .set(.int))
        #expect(try bytes(.list([.int(1)]), .set(.int)) == set)

        let refused: [(CQLValue, CQLType)] = [
            (.text("550e8400-e29b-41d4-a716-446655440000"), .uuid),
            (.bigint(1 << 40), .int),
            (.int(300), .tinyint),
            (.text("é"), .ascii),
            (.inet([1, 2, 3]), .inet),
            (.bigint(-1), .time),
            (.tuple([.int(1), .int(2)]), .tuple([.int])),
            (.udt([("nope", .int(1))]), Self.udtType),
            (.list([.unset]), .list(.int)),
            (.boolean(true), .int),
        ]
        for (value, type) in refused {
            var buffer = ByteBuffer()
            let error = #expect(throws: CQLWireError.self) { try buffer.writeCQLValue(value, as: type) }
            #expect(error?.code == .invalidValue)
            #expect(buffer.readableBytes == 0, "nothing is left behind by a failed write")
        }
    }

    @Test func emptyValuesOfNonStringTypesAreNull() throws {
        for type: CQLType in [.int, .bigint, .uuid, .inet, .varint, .decimal, .list(.int), .date, .boolean] {
            #expect(try CQLValue(decoding: [UInt8](), as: type) == .null)
        }
        #expect(try CQLValue(decoding: [UInt8](), as: .text) == .text(""))
        #expect(try CQLValue(decoding: [UInt8](), as: .blob) == .blob([]))
    }

    @Test func udtAndTupleMayStopEarly() throws {
        // Only the first field present (§7).
        let bytes: [UInt8] = [0, 0, 0, 1, 0x61]
        #expect(
            try CQLValue(decoding: bytes, as: Self.udtType)
                == .udt([("street", .text("a")), ("zip", .null), ("tags", .null)])
        )
        #expect(try CQLValue(decoding: bytes, as: .tuple([.text, .int])) == .tuple([.text("a"), .null]))
    }

    @Test(arguments: [
        ([UInt8]([0, 0, 1]), CQLType.int, "wrong size"),
        ([0, 0, 0, 0, 1], .int, "wrong size"),
        ([0xC3, 0x28], .text, "invalid UTF-8"),
        ([0x80], .ascii, "not ASCII"),
        ([1, 2, 3], .inet, "bad inet"),
        ([1, 2, 3], .uuid, "bad uuid"),
        ([0, 0, 0, 2, 0, 0, 0, 1, 5], .list(.tinyint), "count above the bytes"),
        ([0x7F, 0xFF, 0xFF, 0xFF], .list(.int), "huge count"),
        ([0xFF, 0xFF, 0xFF, 0xFF], .list(.int), "negative count"),
        ([0, 0, 0, 1, 0, 0, 0, 9, 1], .set(.int), "element longer than the bytes"),
        ([0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFD], .list(.int), "element length below -2"),
        ([0, 0, 0, 0, 7], .list(.int), "trailing bytes"),
        ([0, 0, 0, 1, 0, 0, 0, 1, 5], .map(.tinyint, .tinyint), "map entry cut"),
        ([0, 0, 0, 1, 0x61, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 9], udtType, "trailing after the last field"),
        ([0, 0, 0, 2], .decimal, "decimal without unscaled"),
    ])
    func malformedValuesThrow(_ bytes: [UInt8], _ type: CQLType, _ what: String) {
        #expect(throws: CQLWireError.self, "\(what)") { try CQLValue(decoding: bytes, as: type) }
    }

    @Test func truncatedNestedValuesThrowAtEveryLength() throws {
        let type = CQLType.map(.text, .list(.tuple([.int, .text])))
        let value = CQLValue.map([(.text("k"), .list([.tuple([.int(1), .text("v")])]))])
        var buffer = ByteBuffer()
        try buffer.writeCQLValue(value, as: type)
        let bytes = Array(buffer.readableBytesView)
        for length in 0..<bytes.count {
            var cut = ByteBuffer(bytes: bytes[..<length])
            #expect(throws: CQLWireError.self, "cut at \(length)") { try cut.readCQLValue(as: type) }
        }
    }
}
