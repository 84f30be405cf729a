import CQLWire
import NIOCore
import Testing

/// Responses encoded to exact bytes, then decoded back.
@Suite struct CQLResponseTests {
    func encodeFrame(_ message: some CQLMessage, stream: Int16) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try buffer.writeCQLFrame(version: 0x84, stream: stream, message: message)
        return Array(buffer.readableBytesView)
    }

    func decode(_ bytes: [UInt8], knownColumns: [CQLColumnSpec]? = nil) throws -> CQLResponse {
        var decoder = CQLFrameDecoder()
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try #require(try decoder.decode(buffer: &buffer))
        return try CQLResponse(frame: frame, knownColumns: knownColumns)
    }

    @Test func ready() throws {
        let bytes = try encodeFrame(CQLReady(), stream: 1)
        #expect(bytes == [0x84, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00])
        #expect(try decode(bytes) == .ready(CQLReady()))
    }

    @Test func supported() throws {
        let supported = CQLSupported(options: [
            "CQL_VERSION": ["3.4.5"], "COMPRESSION": [], "PROTOCOL_VERSIONS": ["4/v4"],
        ])
        let body =
            short(3) + string("COMPRESSION") + short(0) + string("CQL_VERSION") + short(1) + string("3.4.5")
            + string("PROTOCOL_VERSIONS") + short(1) + string("4/v4")
        let bytes = try encodeFrame(supported, stream: 0)
        #expect(bytes == frame(0x84, stream: 0, opcode: 0x06, body))
        #expect(try decode(bytes) == .supported(supported))
    }

    static let localColumns = [
        CQLColumnSpec(keyspace: "system", table: "local", name: "key", type: .text),
        CQLColumnSpec(keyspace: "system", table: "local", name: "rpc_port", type: .int),
    ]

    @Test func rowsWithTwoColumnsAndTwoRows() throws {
        let rows = CQLRows(
            metadata: CQLRowsMetadata(columns: Self.localColumns),
            rows: [[.text("local"), .int(9042)], [.text("x"), .null]]
        )
        let body =
            int(2) + int(0x0001) + int(2) + string("system") + string("local") + string("key") + short(0x000D)
            + string("rpc_port") + short(0x0009) + int(2)
            + bytes(Array("local".utf8)) + bytes(int(9042)) + bytes(Array("x".utf8)) + int(-1)
        let bytes = try encodeFrame(CQLResult.rows(rows), stream: 7)
        #expect(bytes == frame(0x84, stream: 7, opcode: 0x08, body))
        #expect(try decode(bytes) == .result(.rows(rows)))
    }

    @Test func rowsWithPagingStateAndPerColumnTables() throws {
        let columns = [
            CQLColumnSpec(keyspace: "a", table: "t", name: "x", type: .list(.int)),
            CQLColumnSpec(keyspace: "b", table: "t", name: "y", type: .map(.text, .uuid)),
        ]
        let rows = CQLRows(
            metadata: CQLRowsMetadata(columns: columns, pagingState: [1, 2, 3]),
            rows: [[.list([.int(1)]), .map([(.text("k"), .uuid(CQLUUID(high: 1, low: 1)))])]]
        )
        let encoded = try CQLResult.rows(rows).encoded()
        #expect(encoded.getInteger(at: 4, as: Int32.self) == 0x0002, "Has_more_pages, no global spec")
        #expect(try CQLResult(decoding: encoded, version: 4) == .rows(rows))
    }

    @Test func noMetadataRowsDecodeWithKnownColumnsOrAsBlobs() throws {
        var metadata = CQLRowsMetadata(columns: Self.localColumns, noMetadata: true)
        let rows = CQLRows(metadata: metadata, rows: [[.text("local"), .int(1)]])
        let encoded = try CQLResult.rows(rows).encoded()
        #expect(
            Array(encoded.readableBytesView)
                == int(2) + int(0x0004) + int(2) + int(1) + bytes(Array("local".utf8)) + bytes(int(1))
        )
        #expect(try CQLResult(decoding: encoded, version: 4, knownColumns: Self.localColumns) == .rows(rows))

        metadata.columns = []
        let blobs = CQLRows(metadata: metadata, rows: [[.blob(Array("local".utf8)), .blob(int(1))]])
        #expect(try CQLResult(decoding: encoded, version: 4) == .rows(blobs))
    }

    @Test func rowsWriterStreamsAndRollsBackABadRow() throws {
        var buffer = ByteBuffer()
        var writer = CQLRowsWriter(metadata: CQLRowsMetadata(columns: Self.localColumns), into: &buffer)
        for index in 0..<1000 { try writer.writeRow([.text("k\(index)"), .int(Int32(index))], into: &buffer) }
        let before = buffer.writerIndex
        #expect(throws: CQLWireError.self) { try writer.writeRow([.text("k"), .text("not an int")], into: &buffer) }
        #expect(throws: CQLWireError.self) { try writer.writeRow([.text("k")], into: &buffer) }
        #expect(buffer.writerIndex == before)
        writer.finish(&buffer)
        #expect(writer.rowCount == 1000)
        guard case .rows(let rows) = try CQLResult(decoding: buffer, version: 4) else {
            Issue.record("not rows")
            return
        }
        #expect(rows.rows.count == 1000)
        #expect(rows.rows[999] == [.text("k999"), .int(999)])
    }

    @Test func setKeyspace() throws {
        let bytes = try encodeFrame(CQLResult.setKeyspace("ks"), stream: 2)
        #expect(bytes == frame(0x84, stream: 2, opcode: 0x08, int(3) + string("ks")))
        #expect(try decode(bytes) == .result(.setKeyspace("ks")))
    }

    @Test func prepared() throws {
        let prepared = CQLPrepared(
            id: [0xAB, 0xCD],
            metadata: CQLPreparedMetadata(
                columns: [
                    CQLColumnSpec(keyspace: "ks", table: "users", name: "id", type: .uuid),
                    CQLColumnSpec(keyspace: "ks", table: "users", name: "name", type: .text),
                ],
                partitionKeyIndexes: [0]
            )
        )
        let body =
            int(4) + short(2) + [0xAB, 0xCD]
            + int(0x0001) + int(2) + int(1) + short(0) + string("ks") + string("users")
            + string("id") + short(0x000C) + string("name") + short(0x000D)
            + int(0x0004) + int(0)
        let bytes = try encodeFrame(CQLResult.prepared(prepared), stream: 3)
        #expect(bytes == frame(0x84, stream: 3, opcode: 0x08, body))
        #expect(try decode(bytes) == .result(.prepared(prepared)))
    }

    @Test func schemaChange() throws {
        let change = CQLSchemaChange(changeType: .created, target: .table, keyspace: "ks", name: "users")
        let bytes = try encodeFrame(CQLResult.schemaChange(change), stream: 4)
        #expect(
            bytes
                == frame(
                    0x84,
                    stream: 4,
                    opcode: 0x08,
                    int(5) + string("CREATED") + string("TABLE") + string("ks") + string("users")
                )
        )
        #expect(try decode(bytes) == .result(.schemaChange(change)))
        let keyspace = CQLSchemaChange(changeType: .dropped, target: .keyspace, keyspace: "ks")
        #expect(
            try CQLResult(decoding: try CQLResult.schemaChange(keyspace).encoded(), version: 4)
                == .schemaChange(keyspace)
        )
        let function = CQLSchemaChange(
            changeType: .updated,
            target: .function,
            keyspace: "ks",
            name: "f",
            argumentTypes: ["int", "text"]
        )
        #expect(
            try CQLResult(decoding: try CQLResult.schemaChange(function).encoded(), version: 4)
                == .schemaChange(function)
        )
        #expect(try CQLResult(decoding: try CQLResult.void.encoded(), version: 4) == .void)
    }

    @Test func events() throws {
        let events: [CQLEvent] = [
            .schemaChange(CQLSchemaChange(changeType: .created, target: .type, keyspace: "ks", name: "address")),
            .topologyChange(.newNode, address: CQLInet(address: [10, 0, 0, 2], port: 9042)),
            .statusChange(.down, address: CQLInet(address: Array(repeating: 0, count: 15) + [1], port: 9042)),
        ]
        for event in events {
            let bytes = try encodeFrame(event, stream: -1)
            #expect(bytes[2...3] == [0xFF, 0xFF])
            #expect(try decode(bytes) == .event(event))
        }
        let status = try CQLEvent.statusChange(.up, address: CQLInet(address: [127, 0, 0, 1], port: 9042)).encoded()
        #expect(
            Array(status.readableBytesView) == string("STATUS_CHANGE") + string("UP") + [4, 127, 0, 0, 1] + int(9042)
        )
    }

    @Test func errorsWithEveryDetail() throws {
        let errors: [CQLError] = [
            CQLError(code: .invalid, message: "unconfigured table peers_v2"),
            CQLError(
                code: .unavailable,
                message: "u",
                details: .unavailable(consistency: .quorum, required: 2, alive: 1)
            ),
            CQLError(
                code: .writeTimeout,
                message: "w",
                details: .writeTimeout(consistency: .one, received: 0, blockFor: 1, writeType: "SIMPLE")
            ),
            CQLError(
                code: .readTimeout,
                message: "r",
                details: .readTimeout(consistency: .one, received: 0, blockFor: 1, dataPresent: true)
            ),
            CQLError(
                code: .readFailure,
                message: "rf",
                details: .readFailure(consistency: .all, received: 1, blockFor: 3, failures: 2, dataPresent: false)
            ),
            CQLError(
                code: .functionFailure,
                message: "f",
                details: .functionFailure(keyspace: "ks", function: "f", argumentTypes: ["int"])
            ),
            CQLError(
                code: .writeFailure,
                message: "wf",
                details: .writeFailure(consistency: .two, received: 1, blockFor: 2, failures: 1, writeType: "BATCH")
            ),
            CQLError(code: .alreadyExists, message: "a", details: .alreadyExists(keyspace: "ks", table: "")),
            CQLError(code: .unprepared, message: "p", details: .unprepared(id: [1, 2, 3])),
        ]
        for error in errors {
            let body = try error.encoded()
            #expect(try CQLError(decoding: body, version: 4) == error)
            let bytes = Array(body.readableBytesView)
            for length in 0..<bytes.count {
                #expect(throws: CQLWireError.self, "\(error.code) cut at \(length)") {
                    try CQLError(decoding: ByteBuffer(bytes: bytes[..<length]), version: 4)
                }
            }
        }
        let unprepared = try CQLError(code: .unprepared, message: "p", details: .unprepared(id: [1, 2, 3])).encoded()
        #expect(Array(unprepared.readableBytesView) == int(0x2500) + string("p") + short(3) + [1, 2, 3])
    }

    @Test func authMessages() throws {
        let authenticate = CQLAuthenticate(authenticator: "org.apache.cassandra.auth.PasswordAuthenticator")
        #expect(try decode(try encodeFrame(authenticate, stream: 1)) == .authenticate(authenticate))
        #expect(
            try decode(try encodeFrame(CQLAuthChallenge(token: [1]), stream: 1))
                == .authChallenge(CQLAuthChallenge(token: [1]))
        )
        let success = try encodeFrame(CQLAuthSuccess(), stream: 1)
        #expect(success == frame(0x84, stream: 1, opcode: 0x10, int(-1)))
        #expect(try decode(success) == .authSuccess(CQLAuthSuccess()))
    }

    @Test func truncatedResultsThrowAtEveryByteAndTrailingBytesThrow() throws {
        let results: [CQLResult] = [
            .rows(
                CQLRows(
                    metadata: CQLRowsMetadata(columns: Self.localColumns, pagingState: [7]),
                    rows: [[.text("a"), .int(1)], [.null, .int(2)]]
                )
            ),
            .prepared(
                CQLPrepared(
                    id: [1],
                    metadata: CQLPreparedMetadata(columns: Self.localColumns, partitionKeyIndexes: [0]),
                    resultMetadata: CQLRowsMetadata(columns: Self.localColumns)
                )
            ),
            .setKeyspace("ks"),
            .schemaChange(
                CQLSchemaChange(
                    changeType: .created,
                    target: .aggregate,
                    keyspace: "ks",
                    name: "a",
                    argumentTypes: ["int"]
                )
            ),
        ]
        for result in results {
            let bytes = Array(try result.encoded().readableBytesView)
            for length in 0..<bytes.count {
                #expect(throws: CQLWireError.self, "\(result.kind) cut at \(length)") {
                    try CQLResult(decoding: ByteBuffer(bytes: bytes[..<length]), version: 4)
                }
            }
            #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: bytes + [0]), version: 4) }
        }
    }

    @Test func hostileCountsThrowBeforeAllocating() {
        // Rows: 1 column, 2^31-1 rows announced, nothing after.
        let rows =
            int(2) + int(0x0001) + int(1) + string("k") + string("t") + string("c") + short(0x0009) + int(0x7FFF_FFFF)
        let error = #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: rows), version: 4) }
        #expect(error?.code == .truncated)
        // Rows without columns.
        let noColumns = int(2) + int(0x0004) + int(0) + int(5)
        #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: noColumns), version: 4) }
        // No_metadata with a huge column count and no rows is fine, and allocates nothing per column.
        let hugeNoMetadata = int(2) + int(0x0004) + int(0x7FFF_FFFF) + int(0)
        #expect(throws: Never.self) { try CQLResult(decoding: ByteBuffer(bytes: hugeNoMetadata), version: 4) }
        // Column specs: 2^31-1 announced.
        let specs = int(2) + int(0) + int(0x7FFF_FFFF) + int(0)
        #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: specs), version: 4) }
        // Prepared: 2^31-1 partition key indexes.
        let prepared = int(4) + short(1) + [1] + int(0) + int(0) + int(0x7FFF_FFFF)
        #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: prepared), version: 4) }
        // Unknown kind.
        #expect(throws: CQLWireError.self) { try CQLResult(decoding: ByteBuffer(bytes: int(9)), version: 4) }
    }
}
