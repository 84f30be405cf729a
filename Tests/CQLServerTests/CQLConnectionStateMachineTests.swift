import CQLWire
import NIOCore
import Testing

@testable import CQLServer

@Suite struct CQLConnectionStateMachineTests {
    func plain(_ user: String, _ password: String) -> [UInt8] {
        [0] + Array(user.utf8) + [0] + Array(password.utf8)
    }

    @Test func withoutAuthenticationStartupIsReadyAndStatementsRun() {
        var machine = CQLConnectionStateMachine(credentials: nil)
        #expect(
            machine.request("QUERY")
                == .error(.protocolError, "Unexpected message QUERY, expecting STARTUP", close: false)
        )
        #expect(machine.options() == .supported)
        #expect(machine.startup(CQLStartup(options: ["CQL_VERSION": "3.0.0"])) == .ready)
        #expect(machine.request("QUERY") == .execute(user: nil))
        #expect(machine.register() == .ready)
        if case .error(.protocolError, _, _) = machine.startup(CQLStartup(options: [:])) {
        } else {
            Issue.record("a second STARTUP was accepted")
        }
    }

    @Test func passwordAuthenticationAcceptsTheRightPasswordOnly() {
        var machine = CQLConnectionStateMachine(credentials: .cassandraDefault)
        #expect(machine.startup(CQLStartup(options: ["CQL_VERSION": "3.4.6"])) == .authenticate)
        #expect(machine.request("QUERY") == .error(.unauthorized, "You have not logged in", close: false))
        #expect(
            machine.authResponse(plain("cassandra", "wrong"))
                == .error(
                    .authenticationError,
                    "Provided username cassandra and/or password are incorrect",
                    close: false
                )
        )
        #expect(machine.authResponse(plain("cassandra", "cassandra")) == .authSuccess(user: "cassandra"))
        #expect(machine.request("EXECUTE") == .execute(user: "cassandra"))
    }

    @Test func compressionAndOtherCQLVersionsAreRefused() {
        var machine = CQLConnectionStateMachine(credentials: nil)
        if case .error(.protocolError, _, _) = machine.startup(CQLStartup(options: ["COMPRESSION": "lz4"])) {
        } else {
            Issue.record("compression was accepted")
        }
        if case .error(.protocolError, _, _) = machine.startup(CQLStartup(options: ["CQL_VERSION": "2.0.0"])) {
        } else {
            Issue.record("CQL 2 was accepted")
        }
    }
}

@Suite struct CQLServerConfigurationTests {
    @Test func aNonLoopbackAddressRequiresPasswordAuthentication() throws {
        #expect(throws: CQLServerError.self) { try CQLServerConfiguration(host: "0.0.0.0", port: 9042).validate() }
        var configuration = CQLServerConfiguration(host: "0.0.0.0", port: 9042)
        configuration.authentication = .cassandraDefault
        try configuration.validate()
        try CQLServerConfiguration(host: "127.0.0.1", port: 9042).validate()
    }
}

/// Whole frames in, actions out: the protocol-version and decode-error decisions the connection only executes.
extension CQLConnectionStateMachineTests {
    func frame(
        _ opcode: CQLOpcode,
        version: UInt8 = CQLFrameHeader.v4,
        isResponse: Bool = false,
        flags: CQLFrameFlags = [],
        stream: Int16 = 1,
        body: [UInt8] = []
    ) -> CQLFrame {
        CQLFrame(
            header: CQLFrameHeader(
                version: version,
                isResponse: isResponse,
                flags: flags,
                stream: stream,
                opcode: opcode,
                length: Int32(body.count)
            ),
            body: ByteBuffer(bytes: body)
        )
    }

    func body(_ message: some CQLMessage) throws -> [UInt8] {
        Array(try message.encoded().readableBytesView)
    }

    /// What decoding the frame throws, as the connection would answer it.
    func decodeError(_ frame: CQLFrame) -> String? {
        do {
            _ = try CQLRequest(frame: frame)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func framesOfOtherProtocolVersionsAreAnsweredWithTheSupportedVersionAndTheConnectionStays() throws {
        var machine = CQLConnectionStateMachine(credentials: nil)
        for version: UInt8 in [1, 2, 3, 5, 0x42] {
            #expect(
                machine.received(frame(.options, version: version))
                    == .init(request: nil, action: .unsupportedVersion(version))
            )
        }
        // Nothing moved: the driver's retry in v4 opens the connection.
        #expect(machine.state == .awaitingStartup)
        let startup = CQLStartup(options: ["CQL_VERSION": "3.0.0"])
        #expect(
            machine.received(frame(.startup, body: try body(startup)))
                == .init(request: .startup(startup), action: .ready)
        )
        #expect(machine.received(frame(.options, version: 5)) == .init(request: nil, action: .unsupportedVersion(5)))
        #expect(machine.state == .ready(user: nil))
    }

    @Test func framesThatDoNotDecodeAreProtocolErrorsThatKeepTheConnection() throws {
        var machine = CQLConnectionStateMachine(credentials: nil)
        let malformed = [
            // A response sent by a client.
            frame(.options, isResponse: true),
            // An opcode that is not a request.
            frame(.ready),
            // A STARTUP whose string map claims an entry that is not there.
            frame(.startup, body: [0x00, 0x01]),
            // A compressed body, though no compression was negotiated.
            frame(.query, flags: [.compression], body: try body(CQLQuery(query: "SELECT 1"))),
            // OPTIONS with a byte left over.
            frame(.options, body: [0x00]),
        ]
        for frame in malformed {
            let message = try #require(decodeError(frame), "\(frame.header.opcode) decoded")
            #expect(!message.isEmpty)
            #expect(
                machine.received(frame) == .init(request: nil, action: .error(.protocolError, message, close: false))
            )
        }
        #expect(machine.state == .awaitingStartup)
        #expect(machine.received(frame(.options)) == .init(request: .options(CQLOptions()), action: .supported))
    }

    @Test func decodedFramesGoToTheirMessagesEvents() throws {
        var machine = CQLConnectionStateMachine(credentials: .cassandraDefault)
        let query = CQLQuery(query: "SELECT * FROM system.local")
        #expect(
            machine.received(frame(.query, body: try body(query)))
                == .init(
                    request: .query(query),
                    action: .error(.protocolError, "Unexpected message QUERY, expecting STARTUP", close: false)
                )
        )
        let startup = CQLStartup(options: ["CQL_VERSION": "3.4.6"])
        #expect(
            machine.received(frame(.startup, body: try body(startup)))
                == .init(request: .startup(startup), action: .authenticate)
        )
        #expect(
            machine.received(frame(.query, body: try body(query)))
                == .init(request: .query(query), action: .error(.unauthorized, "You have not logged in", close: false))
        )
        let login = CQLAuthResponse(token: plain("cassandra", "cassandra"))
        #expect(
            machine.received(frame(.authResponse, body: try body(login)))
                == .init(request: .authResponse(login), action: .authSuccess(user: "cassandra"))
        )
        #expect(
            machine.received(frame(.query, stream: 9, body: try body(query)))
                == .init(request: .query(query), action: .execute(user: "cassandra"))
        )
    }
}
