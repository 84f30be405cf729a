import CQLWire

/// An error from `CQLClient`: what kind it is, what happened, and, for an ERROR response, the server's error with its
/// protocol code and details.
public struct CQLClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is. A struct rather than an enum so that codes can be added without breaking clients.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case connection
            case timeout
            case server
            case authentication
            case protocolViolation = "protocol_violation"
            case invalidArgument = "invalid_argument"
            case noHostAvailable = "no_host_available"
            case tls
            case closed
        }

        fileprivate let base: Base

        /// A connection could not be opened, or was lost before the response arrived.
        public static let connection = Code(base: .connection)
        /// No response within the request timeout, or the connection was not ready within the connect timeout.
        public static let timeout = Code(base: .timeout)
        /// The node answered with an ERROR (see ``CQLClientError/serverError``).
        public static let server = Code(base: .server)
        /// The node refused the credentials, or asked for authentication when none are configured.
        public static let authentication = Code(base: .authentication)
        /// The node sent something this client does not understand (bad frame, wrong version, unexpected message).
        public static let protocolViolation = Code(base: .protocolViolation)
        /// The request itself is wrong: the number of bound values does not match the statement's markers, a value
        /// does not fit its column's type, an empty contact point list.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// Every contact point failed to connect.
        public static let noHostAvailable = Code(base: .noHostAvailable)
        /// The TLS configuration could not be loaded.
        public static let tls = Code(base: .tls)
        /// The client or the connection was closed by `close()`.
        public static let closed = Code(base: .closed)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What went wrong, in words.
    public var message: String
    /// The node's ERROR, for `.server` and `.authentication` errors that come from one: its code
    /// (``CQLErrorCode``, numeric values as in the spec), message and details.
    public var serverError: CQLError?
    /// The node the error comes from, when there is one.
    public var endpoint: CQLEndpoint?
    /// Whether the request may have reached the node (it was written, or being written, when the error happened).
    /// A request that was never sent is always safe to try again.
    public var mayHaveBeenSent: Bool

    public init(
        _ code: Code,
        _ message: String,
        serverError: CQLError? = nil,
        endpoint: CQLEndpoint? = nil,
        mayHaveBeenSent: Bool = true
    ) {
        self.code = code
        self.message = message
        self.serverError = serverError
        self.endpoint = endpoint
        self.mayHaveBeenSent = mayHaveBeenSent
    }

    /// The server's error code, for `.server` errors.
    public var serverCode: CQLErrorCode? { serverError?.code }

    /// An ERROR response as a client error.
    static func server(_ error: CQLError, endpoint: CQLEndpoint?) -> CQLClientError {
        CQLClientError(
            error.code == .authenticationError ? .authentication : .server,
            "\(error.code): \(error.message)",
            serverError: error,
            endpoint: endpoint
        )
    }

    public var description: String {
        var text = "CQLClientError(\(code)): \(message)"
        if let endpoint { text += " [\(endpoint)]" }
        return text
    }
}
