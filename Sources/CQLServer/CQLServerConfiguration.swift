/// Configuration of a ``CQLServer``.
public struct CQLServerConfiguration: Sendable {
    /// Users and passwords for Cassandra's PasswordAuthenticator (SASL PLAIN).
    public struct Credentials: Sendable, Hashable {
        public var users: [String: String]

        public init(users: [String: String]) { self.users = users }

        /// Cassandra's out-of-the-box superuser, `cassandra` / `cassandra`.
        public static let cassandraDefault = Credentials(users: ["cassandra": "cassandra"])
    }

    /// The address to listen on. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The port; `0` picks a free one (see ``CQLServer/bind()``). Default 9042.
    public var port: Int = 9042
    /// Password authentication; `nil` lets every client in. Required (``validate()`` refuses `nil`) when `host` is
    /// not a loopback address. Default `nil`.
    public var authentication: Credentials? = nil
    /// The largest frame body accepted, checked before anything is allocated. Default 16 MiB.
    public var maxFrameBytes: Int = 16 * 1024 * 1024
    /// Requests of one connection executed at the same time (streams); further requests wait. Default 128.
    public var maxConcurrentRequestsPerConnection: Int = 128
    /// The most client connections; further connections are closed at once. Default 1024.
    public var maxConnections: Int = 1024

    public init(host: String = "127.0.0.1", port: Int = 9042) {
        self.host = host
        self.port = port
    }

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public func validate() throws(CQLServerError) {
        guard (0...65535).contains(port) else {
            throw CQLServerError(.invalidConfiguration, "the CQL port must be in 0...65535, got \(port)")
        }
        guard isLoopback || authentication != nil else {
            throw CQLServerError(
                .invalidConfiguration,
                "listening on \(host) (not loopback) requires password authentication"
            )
        }
        guard (1024...(256 << 20)).contains(maxFrameBytes) else {
            throw CQLServerError(.invalidConfiguration, "the largest frame must be 1 KiB ... 256 MiB")
        }
        guard maxConcurrentRequestsPerConnection >= 1, maxConnections >= 1 else {
            throw CQLServerError(.invalidConfiguration, "connection limits must be at least 1")
        }
    }
}

/// An error of the CQL server.
public struct CQLServerError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case bindFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public static let invalidConfiguration = Code(.invalidConfiguration)
        public static let bindFailed = Code(.bindFailed)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CQLServerError.\(code): \(message)" }
}
