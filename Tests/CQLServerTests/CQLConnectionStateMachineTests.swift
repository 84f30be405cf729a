import CQLWire
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
