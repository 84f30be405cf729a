import CQLWire
import NIOCore
import Testing

@testable import CQLClient

/// Event → action sequences of the connection state machine, without I/O. Contexts are request names.
@Suite("CQLConnectionStateMachine")
struct CQLConnectionStateMachineTests {
    typealias Machine = CQLConnectionStateMachine<String>

    /// A response frame as the decoder would deliver it.
    static func frame(_ response: CQLResponse, stream: Int16) -> CQLFrame {
        var buffer = ByteBuffer()
        try! buffer.writeCQLFrame(version: 0x84, stream: stream, message: response.message)
        var decoder = CQLFrameDecoder()
        return try! decoder.decode(buffer: &buffer)!
    }

    /// Actions as short strings, so whole sequences compare.
    static func describe(_ actions: [Machine.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .sendFrame(let stream, let request):
                var text = "send \(stream) \(type(of: request.message).opcode)"
                if case .query(let query) = request { text += " \(query.query)" }
                if case .authResponse(let response) = request {
                    text +=
                        " "
                        + String(
                            decoding: (response.token ?? []).map { $0 == 0 ? UInt8(ascii: "|") : $0 },
                            as: UTF8.self
                        )
                }
                return text
            case .succeedHandshake: return "ready"
            case .failHandshake(let error): return "handshake failed \(error.code)"
            case .succeedRequest(_, let context, let response):
                return "\(context) <- \(type(of: response.message).opcode)"
            case .failRequest(_, let context, let error):
                return "\(context) failed \(error.code)\(error.mayHaveBeenSent ? "" : " unsent")"
            case .closeConnection: return "close"
            }
        }
    }

    static func ready(maximumInFlight: Int = 8) -> Machine {
        var machine = Machine(maximumInFlight: maximumInFlight, credentials: nil, keyspace: nil)
        _ = machine.connected()
        _ = machine.received(frame(.supported(CQLSupported(options: ["CQL_VERSION": ["3.4.5"]])), stream: 0))
        _ = machine.received(frame(.ready(CQLReady()), stream: 0))
        return machine
    }

    static func select(_ text: String) -> CQLRequest { .query(CQLQuery(query: text)) }

    @Test func handshakeWithoutAuthentication() {
        var machine = Machine(maximumInFlight: 8, credentials: nil, keyspace: nil)
        #expect(Self.describe(machine.connected()) == ["send 0 OPTIONS"])
        // A request made during the handshake waits for it.
        #expect(Self.describe(machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")) == [])
        #expect(
            Self.describe(machine.received(Self.frame(.supported(CQLSupported(options: [:])), stream: 0)))
                == ["send 0 STARTUP"]
        )
        #expect(
            Self.describe(machine.received(Self.frame(.ready(CQLReady()), stream: 0)))
                == ["ready", "send 0 QUERY SELECT a"]
        )
        #expect(machine.isReady)
    }

    @Test func handshakeWithPasswordAndKeyspace() {
        var machine = Machine(
            maximumInFlight: 8,
            credentials: .init(username: "u", password: "p"),
            keyspace: "spark_streams"
        )
        _ = machine.connected()
        _ = machine.received(Self.frame(.supported(CQLSupported(options: [:])), stream: 0))
        let authenticate = CQLAuthenticate(authenticator: "org.apache.cassandra.auth.PasswordAuthenticator")
        #expect(
            Self.describe(machine.received(Self.frame(.authenticate(authenticate), stream: 0)))
                == ["send 0 AUTH_RESPONSE |u|p"]
        )
        #expect(
            Self.describe(machine.received(Self.frame(.authSuccess(CQLAuthSuccess()), stream: 0)))
                == ["send 0 QUERY USE \"spark_streams\""]
        )
        #expect(
            Self.describe(machine.received(Self.frame(.result(.setKeyspace("spark_streams")), stream: 0)))
                == ["ready"]
        )
    }

    @Test func startupOptionsNameTheCQLVersion() {
        #expect(Machine.startupOptions["CQL_VERSION"] == "3.0.0")
    }

    @Test func refusedCredentialsFailTheHandshake() {
        var machine = Machine(maximumInFlight: 8, credentials: .init(username: "u", password: "x"), keyspace: nil)
        _ = machine.connected()
        _ = machine.received(Self.frame(.supported(CQLSupported(options: [:])), stream: 0))
        _ = machine.received(Self.frame(.authenticate(CQLAuthenticate(authenticator: "PA")), stream: 0))
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        let error = CQLError(code: .authenticationError, message: "bad credentials")
        #expect(
            Self.describe(machine.received(Self.frame(.error(error), stream: 0)))
                == ["handshake failed authentication", "a failed authentication unsent", "close"]
        )
        #expect(machine.state == .closed)
        // Later requests fail at once.
        #expect(
            Self.describe(machine.enqueue(id: 2, request: Self.select("SELECT b"), context: "b"))
                == ["b failed connection unsent"]
        )
    }

    @Test func authenticationWithoutCredentialsFails() {
        var machine = Machine(maximumInFlight: 8, credentials: nil, keyspace: nil)
        _ = machine.connected()
        _ = machine.received(Self.frame(.supported(CQLSupported(options: [:])), stream: 0))
        #expect(
            Self.describe(machine.received(Self.frame(.authenticate(CQLAuthenticate(authenticator: "PA")), stream: 0)))
                == ["handshake failed authentication", "close"]
        )
    }

    @Test func unexpectedHandshakeMessageIsAProtocolViolation() {
        var machine = Machine(maximumInFlight: 8, credentials: nil, keyspace: nil)
        _ = machine.connected()
        #expect(
            Self.describe(machine.received(Self.frame(.ready(CQLReady()), stream: 0)))
                == ["handshake failed protocol_violation", "close"]
        )
    }

    @Test func streamIdsAreAllocatedAndRequestsWaitForAFreeOne() {
        var machine = Self.ready(maximumInFlight: 2)
        #expect(
            Self.describe(machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")) == [
                "send 0 QUERY SELECT a"
            ]
        )
        #expect(
            Self.describe(machine.enqueue(id: 2, request: Self.select("SELECT b"), context: "b")) == [
                "send 1 QUERY SELECT b"
            ]
        )
        #expect(Self.describe(machine.enqueue(id: 3, request: Self.select("SELECT c"), context: "c")) == [])
        #expect(machine.load == 3)
        // Responses are routed by stream, in any order; a freed stream carries the waiting request.
        #expect(
            Self.describe(machine.received(Self.frame(.result(.void), stream: 1)))
                == ["b <- RESULT", "send 1 QUERY SELECT c"]
        )
        #expect(Self.describe(machine.received(Self.frame(.result(.void), stream: 0))) == ["a <- RESULT"])
        #expect(Self.describe(machine.received(Self.frame(.result(.void), stream: 1))) == ["c <- RESULT"])
        #expect(machine.load == 0)
    }

    @Test func errorResponsesGoToTheirRequest() {
        var machine = Self.ready()
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        let error = CQLError(code: .invalid, message: "no such table")
        #expect(Self.describe(machine.received(Self.frame(.error(error), stream: 0))) == ["a <- ERROR"])
        #expect(machine.isReady)
    }

    @Test func timedOutStreamIsNotReusedUntilItsLateResponse() {
        var machine = Self.ready(maximumInFlight: 1)
        _ = machine.enqueue(id: 1, request: Self.select("SELECT slow"), context: "slow")
        _ = machine.enqueue(id: 2, request: Self.select("SELECT next"), context: "next")
        #expect(Self.describe(machine.timedOut(id: 1)) == ["slow failed timeout"])
        #expect(machine.orphanedStreams == [0])
        // The late response frees the stream for the waiting request, and is not delivered to it.
        #expect(
            Self.describe(machine.received(Self.frame(.result(.void), stream: 0))) == ["send 0 QUERY SELECT next"]
        )
        #expect(machine.orphanedStreams.isEmpty)
        // A waiting request can time out too, unsent.
        _ = machine.enqueue(id: 3, request: Self.select("SELECT queued"), context: "queued")
        #expect(Self.describe(machine.timedOut(id: 3)) == ["queued failed timeout unsent"])
        #expect(Self.describe(machine.timedOut(id: 3)) == [])
        #expect(Self.describe(machine.received(Self.frame(.result(.void), stream: 0))) == ["next <- RESULT"])
    }

    @Test func connectionLossFailsEveryRequest() {
        var machine = Self.ready(maximumInFlight: 1)
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        _ = machine.enqueue(id: 2, request: Self.select("SELECT b"), context: "b")
        #expect(Self.describe(machine.channelInactive()) == ["a failed connection", "b failed connection unsent"])
        #expect(Self.describe(machine.channelInactive()) == [])
        #expect(machine.state == .closed)
    }

    @Test func closeFailsEveryRequestAsClosed() {
        var machine = Self.ready()
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        #expect(Self.describe(machine.close()) == ["a failed closed", "close"])
    }

    @Test func handshakeFailsWhenTheConnectionDrops() {
        var machine = Machine(maximumInFlight: 8, credentials: nil, keyspace: nil)
        _ = machine.connected()
        #expect(Self.describe(machine.channelInactive()) == ["handshake failed connection"])
    }

    @Test func responseOnAnUnknownStreamClosesTheConnection() {
        var machine = Self.ready()
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        #expect(
            Self.describe(machine.received(Self.frame(.result(.void), stream: 5)))
                == ["a failed protocol_violation", "close"]
        )
    }

    @Test func eventsAreIgnoredAndWrongVersionsRefused() {
        var machine = Self.ready()
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        var event = Self.frame(.ready(CQLReady()), stream: 0)
        event.header.stream = -1
        #expect(Self.describe(machine.received(event)) == [])
        var v3 = Self.frame(.result(.void), stream: 0)
        v3.header.version = 3
        #expect(Self.describe(machine.received(v3)) == ["a failed protocol_violation", "close"])
    }

    @Test func undecodableResponseFailsOnlyItsRequest() {
        var machine = Self.ready()
        _ = machine.enqueue(id: 1, request: Self.select("SELECT a"), context: "a")
        _ = machine.enqueue(id: 2, request: Self.select("SELECT b"), context: "b")
        var frame = Self.frame(.result(.void), stream: 0)
        frame.body = ByteBuffer(bytes: [0, 0, 0, 9])  // unknown RESULT kind
        #expect(Self.describe(machine.received(frame)) == ["a failed protocol_violation"])
        #expect(Self.describe(machine.received(Self.frame(.result(.void), stream: 1))) == ["b <- RESULT"])
    }
}
