import CQLWire

/// The per-connection protocol state of the CQL server, without I/O: OPTIONS may come first, STARTUP opens the
/// connection, then either READY or the PasswordAuthenticator exchange, then queries. Each event returns what the
/// connection must do; ``received(_:)`` is the event for a whole frame (it decides the protocol version and decode
/// errors, then hands the message to its own event).
struct CQLConnectionStateMachine {
    enum State: Equatable {
        case awaitingStartup
        case authenticating
        case ready(user: String?)
        case closed
    }

    enum Action: Equatable {
        case supported
        case ready
        case authenticate
        case authSuccess(user: String)
        /// An error answer; `close` when the connection must end after it.
        case error(CQLErrorCode, String, close: Bool)
        /// Run the request (QUERY, PREPARE, EXECUTE, BATCH) as this user.
        case execute(user: String?)
        /// A frame of another protocol version: answer with ``CQLError/unsupportedProtocolVersion(_:)`` (the version
        /// the client tried), keep the connection, so the driver retries in v4.
        case unsupportedVersion(UInt8)
    }

    /// What to do with one received frame, and the request it carried when it could be decoded.
    struct FrameAction: Equatable {
        var request: CQLRequest?
        var action: Action
    }

    static let authenticator = "org.apache.cassandra.auth.PasswordAuthenticator"

    private(set) var state: State = .awaitingStartup
    let credentials: CQLServerConfiguration.Credentials?

    init(credentials: CQLServerConfiguration.Credentials?) {
        self.credentials = credentials
    }

    /// A whole request frame: a version other than v4 is answered with the supported version, a frame that does not
    /// decode with a PROTOCOL_ERROR naming the reason (the connection stays open in both cases: the framing is
    /// intact); a decoded request goes to its message's event.
    mutating func received(_ frame: CQLFrame) -> FrameAction {
        guard frame.header.version == CQLFrameHeader.v4 else {
            return FrameAction(request: nil, action: .unsupportedVersion(frame.header.version))
        }
        let request: CQLRequest
        do {
            request = try CQLRequest(frame: frame)
        } catch {
            return FrameAction(request: nil, action: .error(.protocolError, error.message, close: false))
        }
        let action: Action
        switch request {
        case .options: action = options()
        case .startup(let startup): action = self.startup(startup)
        case .authResponse(let response): action = authResponse(response.token)
        case .register: action = register()
        case .query: action = self.request("QUERY")
        case .prepare: action = self.request("PREPARE")
        case .execute: action = self.request("EXECUTE")
        case .batch: action = self.request("BATCH")
        }
        return FrameAction(request: request, action: action)
    }

    mutating func options() -> Action { .supported }

    mutating func startup(_ startup: CQLStartup) -> Action {
        guard case .awaitingStartup = state else {
            return .error(.protocolError, "STARTUP was already received on this connection", close: false)
        }
        if let version = startup.options["CQL_VERSION"], !version.hasPrefix("3.") {
            return .error(.protocolError, "unsupported CQL_VERSION \(version); this server speaks 3.4.6", close: false)
        }
        if let compression = startup.options["COMPRESSION"], !compression.isEmpty {
            return .error(.protocolError, "unsupported compression \(compression)", close: false)
        }
        if credentials == nil {
            state = .ready(user: nil)
            return .ready
        }
        state = .authenticating
        return .authenticate
    }

    /// SASL PLAIN: `authzid \0 user \0 password` (Cassandra's drivers send an empty authzid).
    mutating func authResponse(_ token: [UInt8]?) -> Action {
        guard case .authenticating = state, let credentials else {
            return .error(.protocolError, "unexpected AUTH_RESPONSE", close: false)
        }
        let parts = (token ?? []).split(separator: 0, omittingEmptySubsequences: false)
        guard parts.count >= 2 else {
            return .error(.authenticationError, "Authentication failed: malformed PLAIN token", close: false)
        }
        let user = String(decoding: parts[parts.count - 2], as: UTF8.self)
        let password = String(decoding: parts[parts.count - 1], as: UTF8.self)
        guard credentials.users[user] == password else {
            return .error(
                .authenticationError,
                "Provided username \(user) and/or password are incorrect",
                close: false
            )
        }
        state = .ready(user: user)
        return .authSuccess(user: user)
    }

    mutating func register() -> Action {
        guard case .ready = state else { return notReady("REGISTER") }
        return .ready
    }

    mutating func request(_ name: String) -> Action {
        guard case .ready(let user) = state else { return notReady(name) }
        return .execute(user: user)
    }

    private func notReady(_ name: String) -> Action {
        switch state {
        case .authenticating:
            .error(.unauthorized, "You have not logged in", close: false)
        default:
            .error(.protocolError, "Unexpected message \(name), expecting STARTUP", close: false)
        }
    }
}
