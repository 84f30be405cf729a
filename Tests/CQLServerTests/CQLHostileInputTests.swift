import CQLServerTestSupport
import CQLWire
import NIOCore
import NIOPosix
import Testing

/// A bare CQL connection for protocol tests: writes raw bytes, reads whole frames (or learns the server closed).
struct RawCQLClient {
    let channel: NIOAsyncChannel<CQLFrame, ByteBuffer>

    static func connect(port: Int) async throws -> RawCQLClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CQLFrameDecoder()))
                    return try NIOAsyncChannel<CQLFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawCQLClient(channel: channel)
    }

    struct TimedOut: Error {}

    /// Writes `bytes`, then collects `count` frames (fewer if the server closes), then closes.
    func exchange(
        _ bytes: ByteBuffer,
        expecting count: Int,
        timeout: Duration = .seconds(10)
    ) async throws
        -> (frames: [CQLFrame], closed: Bool)
    {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(bytes)
            return try await withThrowingTaskGroup(of: ([CQLFrame], Bool)?.self) { group in
                group.addTask {
                    var frames: [CQLFrame] = []
                    var iterator = inbound.makeAsyncIterator()
                    while frames.count < count {
                        do {
                            guard let frame = try await iterator.next() else { return (frames, true) }
                            frames.append(frame)
                        } catch {
                            return (frames, true)
                        }
                    }
                    return (frames, false)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                guard let first else { throw TimedOut() }
                return first
            }
        }
    }

    static func frame(_ message: some CQLMessage, stream: Int16 = 1, version: UInt8 = 4) -> ByteBuffer {
        var buffer = ByteBuffer()
        try! buffer.writeCQLFrame(version: version, stream: stream, message: message)
        return buffer
    }

    static let startup = frame(CQLStartup(options: ["CQL_VERSION": "3.0.0"]), stream: 0)
}

/// What the CQL server does with input no honest driver sends: sizes bounded before allocating, protocol errors
/// answered on the offending stream, and one bad connection never disturbing another.
@Suite struct CQLHostileInputTests {
    func healthy(_ port: Int) async throws -> Bool {
        let client = try await RawCQLClient.connect(port: port)
        var bytes = RawCQLClient.startup
        bytes.writeImmutableBuffer(
            RawCQLClient.frame(CQLQuery(query: "SELECT key FROM system.local WHERE key = 'local'"), stream: 9)
        )
        let (frames, _) = try await client.exchange(bytes, expecting: 2)
        guard frames.count == 2, case .result(.rows(let rows)) = try CQLResponse(frame: frames[1]) else { return false }
        return frames[1].header.stream == 9 && rows.rows.count == 1
    }

    @Test(arguments: [Int32(17 * 1024 * 1024), Int32.max, -1])
    func anOversizedOrNegativeBodyLengthClosesOnlyThatConnection(length: Int32) async throws {
        try await withTestCQLServer { server in
            let bystander = try await RawCQLClient.connect(port: server.port)
            let hostile = try await RawCQLClient.connect(port: server.port)
            var bytes = ByteBuffer()
            bytes.writeInteger(UInt8(4))
            bytes.writeInteger(UInt8(0))
            bytes.writeInteger(Int16(1))
            bytes.writeInteger(UInt8(0x07))
            bytes.writeInteger(length)
            bytes.writeRepeatingByte(0, count: 32)
            let (frames, closed) = try await hostile.exchange(bytes, expecting: 1)
            #expect(closed && frames.isEmpty, "a \(length)-byte body was not refused")
            let (answers, _) = try await bystander.exchange(RawCQLClient.startup, expecting: 1)
            #expect(answers.first?.header.opcode == .ready)
            #expect(try await healthy(server.port))
        }
    }

    @Test func anotherProtocolVersionGetsTheErrorTheDriverDowngradesOn() async throws {
        try await withTestCQLServer { server in
            let client = try await RawCQLClient.connect(port: server.port)
            let (frames, _) = try await client.exchange(
                RawCQLClient.frame(CQLOptions(), stream: 3, version: 5),
                expecting: 1
            )
            let frame = try #require(frames.first)
            #expect(frame.header.version == 4 && frame.header.isResponse && frame.header.stream == 3)
            guard case .error(let error) = try CQLResponse(frame: frame) else {
                Issue.record("not an error")
                return
            }
            #expect(error.code == .protocolError)
            #expect(error.message.contains("unsupported protocol version"))
        }
    }

    @Test func statementsBeforeStartupAndUnknownOpcodesAreProtocolErrorsOnTheirStream() async throws {
        try await withTestCQLServer { server in
            let client = try await RawCQLClient.connect(port: server.port)
            var bytes = RawCQLClient.frame(CQLQuery(query: "SELECT * FROM system.local"), stream: 5)
            bytes.writeImmutableBuffer(RawCQLClient.startup)
            bytes.writeCQLFrame(version: 4, stream: 6, opcode: CQLOpcode(rawValue: 0x42)) { $0.writeInteger(UInt32(0)) }
            let (frames, closed) = try await client.exchange(bytes, expecting: 3)
            #expect(!closed)
            #expect(frames.map(\.header.stream) == [5, 0, 6])
            guard frames.count == 3, case .error(let early) = try CQLResponse(frame: frames[0]),
                case .error(let unknown) = try CQLResponse(frame: frames[2])
            else {
                Issue.record("expected two errors around READY: \(frames.map(\.header.opcode))")
                return
            }
            #expect(early.code == .protocolError)
            #expect(unknown.code == .protocolError)
        }
    }

    @Test func manyStreamsOnOneConnectionAreAnsweredEachOnItsOwnStream() async throws {
        try await withTestCQLServer { server in
            let client = try await RawCQLClient.connect(port: server.port)
            var bytes = RawCQLClient.startup
            for stream in 1...200 {
                bytes.writeImmutableBuffer(
                    RawCQLClient.frame(
                        CQLQuery(query: "SELECT key, cluster_name FROM system.local WHERE key = 'local'"),
                        stream: Int16(stream)
                    )
                )
            }
            let (frames, _) = try await client.exchange(bytes, expecting: 201)
            #expect(frames.count == 201)
            #expect(Set(frames.dropFirst().map(\.header.stream)) == Set((1...200).map { Int16($0) }))
            #expect(frames.dropFirst().allSatisfy { $0.header.opcode == .result })
        }
    }

    @Test func executingAnUnknownIdIsUnpreparedCarryingTheId() async throws {
        try await withTestCQLServer { server in
            let client = try await RawCQLClient.connect(port: server.port)
            let id: [UInt8] = Array(0..<16)
            var bytes = RawCQLClient.startup
            bytes.writeImmutableBuffer(RawCQLClient.frame(CQLExecute(id: id), stream: 2))
            let (frames, _) = try await client.exchange(bytes, expecting: 2)
            guard frames.count == 2, case .error(let error) = try CQLResponse(frame: frames[1]) else {
                Issue.record("no error for an unknown id")
                return
            }
            #expect(error.code == .unprepared)
            #expect(error.details == .unprepared(id: id))
        }
    }

    @Test func aValueCountBeyondTheBodyIsAProtocolErrorAndTheConnectionLives() async throws {
        try await withTestCQLServer { server in
            let client = try await RawCQLClient.connect(port: server.port)
            var bytes = RawCQLClient.startup
            bytes.writeCQLFrame(version: 4, stream: 4, opcode: .query) { body in
                body.writeInteger(Int32(8))
                body.writeString("SELECT ?")
                body.writeInteger(UInt16(1))  // consistency ONE
                body.writeInteger(UInt8(0x01))  // values follow
                body.writeInteger(UInt16(60_000))  // far more values than bytes
            }
            bytes.writeImmutableBuffer(
                RawCQLClient.frame(CQLQuery(query: "SELECT key FROM system.local WHERE key = 'local'"), stream: 7)
            )
            let (frames, closed) = try await client.exchange(bytes, expecting: 3)
            #expect(!closed)
            #expect(frames.map(\.header.stream) == [0, 4, 7])
            if frames.count == 3, case .error(let error) = try CQLResponse(frame: frames[1]) {
                #expect(error.code == .protocolError)
            } else {
                Issue.record("the malformed QUERY was not answered with an error")
            }
            #expect(frames.last?.header.opcode == .result)
        }
    }
}
