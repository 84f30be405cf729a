import CQLWire
import NIOCore
import Testing

/// What the DataStax python driver sends, byte for byte, decoded field by field.
@Suite struct CQLRequestTests {
    static let userID = CQLUUID(string: "550e8400-e29b-41d4-a716-446655440000")!
    static let preparedID: [UInt8] = Array(0..<16)

    static let startupBody =
        short(3) + string("CQL_VERSION") + string("3.4.5") + string("DRIVER_NAME") + string("DataStax Python Driver")
        + string("DRIVER_VERSION") + string("3.29.2")
    static let queryBody =
        longString("SELECT * FROM system.local WHERE key='local'") + short(0x0001) + [0x04] + int(5000)
    static let prepareBody = longString("INSERT INTO ks.users (id, name) VALUES (?, ?)")
    static let executeBody =
        short(16) + preparedID + short(0x000A) + [0x27] + short(2) + bytes(userID.bytes) + bytes(Array("Ada".utf8))
        + int(5000) + long(1_700_000_000_000_000)
    static let batchBody =
        [0x01] + short(2)
        + [0x00] + longString("INSERT INTO ks.users (id, name) VALUES (uuid(), 'Bob')") + short(0)
        + [0x01] + short(16) + preparedID + short(2) + bytes(userID.bytes) + int(-1)
        + short(0x0001) + [0x20] + long(1_700_000_000_000_001)

    func decodeFrame(_ bytes: [UInt8]) throws -> CQLRequest {
        var decoder = CQLFrameDecoder()
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try #require(try decoder.decode(buffer: &buffer))
        #expect(buffer.readableBytes == 0)
        return try CQLRequest(frame: frame)
    }

    func encodedBody(_ message: some CQLMessage) throws -> [UInt8] {
        Array(try message.encoded().readableBytesView)
    }

    @Test func options() throws {
        #expect(try decodeFrame(frame(0x04, stream: 0, opcode: 0x05, [])) == .options(CQLOptions()))
    }

    @Test func startup() throws {
        guard case .startup(let startup) = try decodeFrame(frame(0x04, stream: 1, opcode: 0x01, Self.startupBody))
        else {
            Issue.record("not a STARTUP")
            return
        }
        #expect(startup.cqlVersion == "3.4.5")
        #expect(startup.options["DRIVER_NAME"] == "DataStax Python Driver")
        #expect(startup.options["DRIVER_VERSION"] == "3.29.2")
        #expect(startup.compression == nil)
        #expect(try encodedBody(startup) == Self.startupBody)
    }

    @Test func querySystemLocal() throws {
        guard case .query(let query) = try decodeFrame(frame(0x04, stream: 2, opcode: 0x07, Self.queryBody)) else {
            Issue.record("not a QUERY")
            return
        }
        #expect(query.query == "SELECT * FROM system.local WHERE key='local'")
        #expect(query.parameters.consistency == .one)
        #expect(query.parameters.values.isEmpty)
        #expect(query.parameters.names == nil)
        #expect(query.parameters.pageSize == 5000)
        #expect(query.parameters.pagingState == nil)
        #expect(query.parameters.skipMetadata == false)
        #expect(query.parameters.serialConsistency == nil)
        #expect(query.parameters.defaultTimestamp == nil)
        #expect(try encodedBody(query) == Self.queryBody)
    }

    @Test func prepare() throws {
        let request = try decodeFrame(frame(0x04, stream: 3, opcode: 0x09, Self.prepareBody))
        #expect(request == .prepare(CQLPrepare(query: "INSERT INTO ks.users (id, name) VALUES (?, ?)")))
        #expect(try encodedBody(CQLPrepare(query: "INSERT INTO ks.users (id, name) VALUES (?, ?)")) == Self.prepareBody)
    }

    @Test func executeWithBoundValues() throws {
        guard case .execute(let execute) = try decodeFrame(frame(0x04, stream: 4, opcode: 0x0A, Self.executeBody))
        else {
            Issue.record("not an EXECUTE")
            return
        }
        #expect(execute.id == Self.preparedID)
        let parameters = execute.parameters
        #expect(parameters.consistency == .localOne)
        #expect(parameters.flags == [.values, .skipMetadata, .pageSize, .withDefaultTimestamp])
        #expect(parameters.values == [.bytes(Self.userID.bytes), .bytes(Array("Ada".utf8))])
        #expect(try CQLValue(decoding: parameters.values[0], as: .uuid) == .uuid(Self.userID))
        #expect(try CQLValue(decoding: parameters.values[1], as: .text) == .text("Ada"))
        #expect(parameters.skipMetadata)
        #expect(parameters.pageSize == 5000)
        #expect(parameters.defaultTimestamp == 1_700_000_000_000_000)
        #expect(try encodedBody(execute) == Self.executeBody)
    }

    @Test func batch() throws {
        guard case .batch(let batch) = try decodeFrame(frame(0x04, stream: 5, opcode: 0x0D, Self.batchBody)) else {
            Issue.record("not a BATCH")
            return
        }
        #expect(batch.type == .unlogged)
        #expect(batch.statements.count == 2)
        #expect(batch.statements[0].kind == .query("INSERT INTO ks.users (id, name) VALUES (uuid(), 'Bob')"))
        #expect(batch.statements[0].values == [])
        #expect(batch.statements[1].kind == .prepared(id: Self.preparedID))
        #expect(batch.statements[1].values == [.bytes(Self.userID.bytes), .null])
        #expect(batch.consistency == .one)
        #expect(batch.serialConsistency == nil)
        #expect(batch.defaultTimestamp == 1_700_000_000_000_001)
        #expect(try encodedBody(batch) == Self.batchBody)
    }

    @Test func namedValuesUnsetAndEverythingElseRoundTrip() throws {
        let parameters = CQLQueryParameters(
            consistency: .quorum,
            values: [.unset, .null, .bytes([1])],
            names: ["a", "b", "c"],
            skipMetadata: true,
            pageSize: 100,
            pagingState: [9, 9],
            serialConsistency: .localSerial,
            defaultTimestamp: 42
        )
        let query = CQLQuery(query: "UPDATE t SET a = :a WHERE b = :b AND c = :c", parameters: parameters)
        let body = try query.encoded()
        #expect(body.getInteger(at: 4 + query.query.utf8.count + 2, as: UInt8.self) == 0x7F)
        #expect(try CQLQuery(decoding: body, version: 4) == query)
        let register = CQLRegister(events: ["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"])
        #expect(try CQLRegister(decoding: try register.encoded(), version: 4) == register)
        let auth = CQLAuthResponse(token: Array("\0cassandra\0cassandra".utf8))
        #expect(try CQLAuthResponse(decoding: try auth.encoded(), version: 4) == auth)
    }

    @Test func namesMustMatchValues() {
        let query = CQLQuery(query: "x", parameters: CQLQueryParameters(values: [.null], names: []))
        #expect(throws: CQLWireError.self) { try query.encoded() }
    }

    @Test func batchNamesFlagIsRefused() {
        var body = Self.batchBody
        body[body.count - 9] = 0x60
        #expect(throws: CQLWireError.self) { try CQLBatch(decoding: ByteBuffer(bytes: body), version: 4) }
    }

    @Test func otherVersionsAreRefusedAsUnsupported() throws {
        var decoder = CQLFrameDecoder()
        var buffer = ByteBuffer(bytes: [0x42, 0x00, 0x00, 0x03, 0x05, 0x00, 0x00, 0x00, 0x00])
        let frame = try #require(try decoder.decode(buffer: &buffer))
        let error = #expect(throws: CQLWireError.self) { try CQLRequest(frame: frame) }
        #expect(error?.code == .unsupportedVersion)
        let answer = CQLError.unsupportedProtocolVersion(frame.header.version)
        #expect(answer.message == "Invalid or unsupported protocol version (66); supported versions are (4/v4)")
    }

    @Test func unknownOpcodeAndResponsesAreNotRequests() throws {
        for bytes in [
            frame(0x04, stream: 1, opcode: 0x04, []), frame(0x84, stream: 1, opcode: 0x05, []),
            frame(0x04, stream: 1, opcode: 0x02, []),
        ] {
            #expect(throws: CQLWireError.self) { try decodeFrame(bytes) }
        }
    }

    @Test func customPayloadIsSplitOffRequests() throws {
        let payload = short(1) + string("k") + bytes([7])
        let request = try decodeFrame(frame(0x04, stream: 2, opcode: 0x07, payload + Self.queryBody, flags: 0x04))
        guard case .query(let query) = request else {
            Issue.record("not a QUERY")
            return
        }
        #expect(query.parameters.pageSize == 5000)
    }

    static let fixtures: [(String, [UInt8], any CQLMessage.Type)] = [
        ("STARTUP", startupBody, CQLStartup.self),
        ("QUERY", queryBody, CQLQuery.self),
        ("PREPARE", prepareBody, CQLPrepare.self),
        ("EXECUTE", executeBody, CQLExecute.self),
        ("BATCH", batchBody, CQLBatch.self),
        ("REGISTER", short(1) + string("SCHEMA_CHANGE"), CQLRegister.self),
        ("AUTH_RESPONSE", bytes([0, 1]), CQLAuthResponse.self),
    ]

    @Test(arguments: 0..<fixtures.count)
    func truncatedAtEveryByteAndTrailingBytesThrow(_ index: Int) throws {
        let (name, body, type) = Self.fixtures[index]
        func decode(_ body: ByteBuffer) throws { _ = try type.init(decoding: body, version: 4) }
        try decode(ByteBuffer(bytes: body))
        for length in 0..<body.count {
            #expect(throws: CQLWireError.self, "\(name) cut at \(length)") {
                try decode(ByteBuffer(bytes: body[..<length]))
            }
        }
        #expect(throws: CQLWireError.self, "\(name) with a trailing byte") { try decode(ByteBuffer(bytes: body + [0])) }
    }

    @Test func countsLargerThanTheBytesLeftThrow() {
        // QUERY with the Values flag announcing 65535 values, none present.
        let query = longString("x") + short(1) + [0x01] + short(0xFFFF)
        let error = #expect(throws: CQLWireError.self) { try CQLQuery(decoding: ByteBuffer(bytes: query), version: 4) }
        #expect(error?.code == .truncated)
        // BATCH announcing 65535 statements.
        let batch: [UInt8] = [0x00] + short(0xFFFF) + short(1) + [0]
        #expect(throws: CQLWireError.self) { try CQLBatch(decoding: ByteBuffer(bytes: batch), version: 4) }
    }
}
