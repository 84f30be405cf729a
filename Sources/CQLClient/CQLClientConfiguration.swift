import CQLWire

/// One node to connect to: a host name or address and the native transport port.
public struct CQLEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// Cassandra's native transport port.
    public static let defaultPort = 9042

    public init(host: String, port: Int = CQLEndpoint.defaultPort) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; `nil` for an empty host or a port outside 1…65535.
    public init?(parsing text: some StringProtocol) {
        var host = trimmedSpaces(text)
        var port = CQLEndpoint.defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            guard let value = Int(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.init(host: String(host), port: port)
    }

    /// Parses a comma-separated list of endpoints (`cass-1,cass-2:9142`); `nil` when any entry is invalid or the list
    /// is empty.
    public static func list(parsing text: String) -> [CQLEndpoint]? {
        let parts = text.split(separator: ",").filter { !trimmedSpaces($0).isEmpty }
        guard !parts.isEmpty else { return nil }
        var endpoints: [CQLEndpoint] = []
        for part in parts {
            guard let endpoint = CQLEndpoint(parsing: part) else { return nil }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// `text` without leading and trailing spaces and tabs.
func trimmedSpaces(_ text: some StringProtocol) -> Substring {
    var text = Substring(text)
    while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
    return text
}

/// How a `CQLClient` connects to a cluster and runs requests.
///
/// Every property has a documented default, so `CQLClientConfiguration(contactPoints: [...])` is a working
/// configuration for an unauthenticated cluster without TLS.
public struct CQLClientConfiguration: Sendable {
    /// Username and password for Cassandra's `PasswordAuthenticator` (SASL PLAIN: `AUTH_RESPONSE` with
    /// `\0user\0password`).
    public struct Credentials: Sendable, Hashable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// The SASL PLAIN token.
        var token: [UInt8] { [0] + Array(username.utf8) + [0] + Array(password.utf8) }
    }

    /// TLS to the nodes, through swift-nio-ssl.
    public struct TLS: Sendable, Hashable {
        /// CA certificates (PEM) to trust; `nil` uses the system's trust roots.
        public var caFile: String?
        /// Client certificate chain (PEM) for mutual TLS, with `privateKeyFile`.
        public var certificateFile: String?
        /// Client private key (PEM).
        public var privateKeyFile: String?
        /// Verify the node's certificate chain and, when connecting by name, its host name. Default `true`.
        public var verifyCertificates: Bool
        /// The name to send as SNI and to check the certificate against; default: the endpoint's host when it is a
        /// name (not an address).
        public var serverName: String?

        public init(
            caFile: String? = nil,
            certificateFile: String? = nil,
            privateKeyFile: String? = nil,
            verifyCertificates: Bool = true,
            serverName: String? = nil
        ) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.privateKeyFile = privateKeyFile
            self.verifyCertificates = verifyCertificates
            self.serverName = serverName
        }
    }

    /// When a failed request is tried again (on another node when there is one, else on a fresh connection).
    ///
    /// Whatever the settings, a request is retried only when running it twice cannot do harm: a request that
    /// never reached a node (the connection could not be opened or was closed before the request was written), a
    /// node that said it did not run it (`Is_bootstrapping`; `Unavailable`, once), or an idempotent statement
    /// (connection lost after the request was written, client timeout, `Overloaded`).
    public struct RetryPolicy: Sendable, Hashable {
        /// How many times one request is tried again at most. Default 2; 0 turns retries off.
        public var maximumRetries: Int

        public init(maximumRetries: Int = 2) {
            self.maximumRetries = maximumRetries
        }

        /// Never retry.
        public static let none = RetryPolicy(maximumRetries: 0)
    }

    /// The nodes to connect to. Each gets `connectionsPerHost` connections; requests go round-robin over the nodes.
    /// There is no discovery of other nodes (`system.peers`): list the nodes the client should use.
    public var contactPoints: [CQLEndpoint]
    /// Credentials for `PasswordAuthenticator`; `nil` (default) for a cluster without authentication.
    public var credentials: Credentials?
    /// TLS settings; `nil` (default) for plain TCP.
    public var tls: TLS?
    /// Connections opened to each node, lazily, on first use. Default 2.
    public var connectionsPerHost: Int
    /// Requests in flight on one connection at most (stream ids 0…`maximumInFlightPerConnection - 1`, at most
    /// 32,768); further requests wait for a free stream id. Default 1,024.
    public var maximumInFlightPerConnection: Int
    /// How long to wait for a response before failing the request with `.timeout`. Default 12 seconds (Cassandra
    /// gives up on writes after 2 s and on reads after 5 s by default, and answers with its own timeout error).
    public var requestTimeout: Duration
    /// How long opening a connection may take, TCP, TLS and the protocol handshake included. Default 5 seconds.
    public var connectTimeout: Duration
    /// When a failed request is tried again. Default: at most 2 retries.
    public var retryPolicy: RetryPolicy
    /// The consistency of requests that do not name one. Default `LOCAL_QUORUM`, like the drivers' recommendation
    /// for writes: with a replication factor of 1 it is the same as `ONE`, and it makes reads see completed writes.
    public var defaultConsistency: CQLConsistency
    /// The keyspace each connection switches to with `USE` after the handshake; `nil` (default) for none
    /// (statements then qualify their tables: `spark_streams.created_users`).
    public var keyspace: String?
    /// The largest response frame body accepted, in bytes. Default 256 MiB (Cassandra's own limit is 256 MiB for
    /// v4 frames).
    public var maximumFrameSize: Int
    /// How long a node whose connection attempt failed is put at the end of the node order. Default 2 seconds.
    public var downHostDelay: Duration

    public init(
        contactPoints: [CQLEndpoint],
        credentials: Credentials? = nil,
        tls: TLS? = nil,
        connectionsPerHost: Int = 2,
        maximumInFlightPerConnection: Int = 1024,
        requestTimeout: Duration = .seconds(12),
        connectTimeout: Duration = .seconds(5),
        retryPolicy: RetryPolicy = RetryPolicy(),
        defaultConsistency: CQLConsistency = .localQuorum,
        keyspace: String? = nil,
        maximumFrameSize: Int = 256 * 1024 * 1024,
        downHostDelay: Duration = .seconds(2)
    ) {
        self.contactPoints = contactPoints
        self.credentials = credentials
        self.tls = tls
        self.connectionsPerHost = connectionsPerHost
        self.maximumInFlightPerConnection = maximumInFlightPerConnection
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.retryPolicy = retryPolicy
        self.defaultConsistency = defaultConsistency
        self.keyspace = keyspace
        self.maximumFrameSize = maximumFrameSize
        self.downHostDelay = downHostDelay
    }
}
