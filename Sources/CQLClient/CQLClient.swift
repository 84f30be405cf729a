import CQLWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A client for Apache Cassandra (and any node speaking the CQL native protocol v4).
///
/// Connections open lazily, `connectionsPerHost` per contact point, and carry many requests at once on their stream
/// ids. Requests go round-robin over the nodes; failed requests are retried by the ``CQLClientConfiguration/RetryPolicy``
/// (only when that cannot apply a write twice). Prepared statements are cached by their text and prepared again
/// automatically when a node answers UNPREPARED.
///
/// ```swift
/// let client = try CQLClient(configuration: CQLClientConfiguration(contactPoints: [CQLEndpoint(host: "cass-1")]))
/// let insert = try await client.prepare("INSERT INTO ks.t (id, name) VALUES (?, ?)")
/// try await client.execute(insert, [.uuid(id), .text("Ada")])
/// for try await row in client.queryPages("SELECT id, name FROM ks.t").rows { … }
/// try await client.close()
/// ```
public final class CQLClient: Sendable {
    public let configuration: CQLClientConfiguration
    let pool: CQLConnectionPool
    private let logger: Logger
    /// Prepared statements by query text.
    private let prepared = Mutex<[String: CQLPreparedStatement]>([:])

    /// A client for the configured contact points. Nothing is opened until the first request (or `connect()`).
    ///
    /// - Throws: `CQLClientError` `.invalidArgument` without contact points, `.tls` when the TLS files cannot be
    ///   loaded.
    public init(
        configuration: CQLClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "userstream.cql")
    ) throws {
        guard !configuration.contactPoints.isEmpty else {
            throw CQLClientError(.invalidArgument, "no contact points are configured", mayHaveBeenSent: false)
        }
        self.configuration = configuration
        self.logger = logger
        let sslContext = try configuration.tls.map(Self.makeSSLContext)
        self.pool = CQLConnectionPool(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            sslContext: sslContext,
            logger: logger
        )
    }

    static func makeSSLContext(_ tls: CQLClientConfiguration.TLS) throws -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile = tls.caFile { configuration.trustRoots = .file(caFile) }
            if let certificateFile = tls.certificateFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map {
                    .certificate($0)
                }
            }
            if let privateKeyFile = tls.privateKeyFile {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            }
            configuration.certificateVerification = tls.verifyCertificates ? .fullVerification : .none
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw CQLClientError(.tls, "cannot load the TLS configuration: \(error)", mayHaveBeenSent: false)
        }
    }

    /// Opens a connection now (to the first node that accepts), so that a wrong address or password shows at start
    /// rather than on the first request.
    public func connect() async throws {
        _ = try await pool.connection()
    }

    /// Closes every connection. Requests in flight fail with `.closed`; later ones too.
    public func close() async throws {
        await pool.close()
    }

    // MARK: - QUERY

    /// Runs a CQL statement and returns its first page of rows.
    ///
    /// - Parameters:
    ///   - values: values for the `?` markers, encoded by their own type (`.text` as text, `.bigint` as bigint, …;
    ///     prepare the statement to have them encoded by the columns' types).
    ///   - consistency: default: the configuration's.
    ///   - pageSize: rows per page, default 5,000; `nil` for no paging (the node sends every row at once).
    ///   - pagingState: where to resume, from a previous page's ``CQLResultSet/pagingState``.
    ///   - idempotent: whether the client may run the statement again after a connection loss or a timeout; default:
    ///     true for SELECT only.
    @discardableResult
    public func query(
        _ cql: String,
        _ values: [CQLValue] = [],
        consistency: CQLConsistency? = nil,
        pageSize: Int32? = 5000,
        pagingState: [UInt8]? = nil,
        idempotent: Bool? = nil
    ) async throws -> CQLResultSet {
        let parameters = CQLQueryParameters(
            consistency: consistency ?? configuration.defaultConsistency,
            values: try CQLValue.bindNaturally(values),
            pageSize: pageSize,
            pagingState: pagingState
        )
        let request = CQLRequest.query(CQLQuery(query: cql, parameters: parameters))
        return try await withRetries(idempotent: idempotent ?? CQLStatementKind.isSelect(cql)) { connection in
            try Self.resultSet(try await connection.send(request), connection, "QUERY")
        }
    }

    /// The pages of a statement's result, fetched as the sequence is iterated (`.rows` for its rows).
    public func queryPages(
        _ cql: String,
        _ values: [CQLValue] = [],
        consistency: CQLConsistency? = nil,
        pageSize: Int32 = 5000
    ) -> CQLPageSequence {
        CQLPageSequence { pagingState in
            try await self.query(
                cql,
                values,
                consistency: consistency,
                pageSize: pageSize,
                pagingState: pagingState
            )
        }
    }

    // MARK: - PREPARE / EXECUTE

    /// Prepares a statement (or returns the one prepared before with the same text).
    public func prepare(_ cql: String, idempotent: Bool? = nil) async throws -> CQLPreparedStatement {
        if var statement = prepared.withLock({ $0[cql] }) {
            if let idempotent { statement.isIdempotent = idempotent }
            return statement
        }
        let result = try await withRetries(idempotent: true) { connection in
            try await connection.prepare(cql)
        }
        let statement = CQLPreparedStatement(query: cql, prepared: result)
        prepared.withLock { $0[cql] = statement }
        var returned = statement
        if let idempotent { returned.isIdempotent = idempotent }
        return returned
    }

    /// Runs a prepared statement with values for its markers (encoded by the markers' types) and returns its first
    /// page of rows. A node that answers UNPREPARED gets the statement prepared again, and the request is sent again.
    ///
    /// - Parameter idempotent: default: the statement's ``CQLPreparedStatement/isIdempotent``.
    @discardableResult
    public func execute(
        _ statement: CQLPreparedStatement,
        _ values: [CQLValue] = [],
        consistency: CQLConsistency? = nil,
        pageSize: Int32? = 5000,
        pagingState: [UInt8]? = nil,
        idempotent: Bool? = nil
    ) async throws -> CQLResultSet {
        let bound = try statement.bind(values)
        let consistency = consistency ?? configuration.defaultConsistency
        return try await withRetries(idempotent: idempotent ?? statement.isIdempotent) { connection in
            var statements = [statement]
            let response = try await connection.sendPrepared(&statements) { statements in
                .execute(
                    CQLExecute(
                        id: statements[0].id,
                        parameters: CQLQueryParameters(
                            consistency: consistency,
                            values: bound,
                            pageSize: pageSize,
                            pagingState: pagingState
                        )
                    )
                )
            }
            self.remember(statements)
            return try Self.resultSet(response, connection, "EXECUTE")
        }
    }

    /// The pages of a prepared statement's result, fetched as the sequence is iterated.
    public func executePages(
        _ statement: CQLPreparedStatement,
        _ values: [CQLValue] = [],
        consistency: CQLConsistency? = nil,
        pageSize: Int32 = 5000
    ) -> CQLPageSequence {
        CQLPageSequence { pagingState in
            try await self.execute(
                statement,
                values,
                consistency: consistency,
                pageSize: pageSize,
                pagingState: pagingState
            )
        }
    }

    // MARK: - BATCH

    /// Runs statements as one BATCH (default: unlogged, which is atomic per partition only and skips the batch log).
    ///
    /// - Parameter idempotent: whether the whole batch may be run again after a connection loss or a timeout.
    ///   Default false.
    public func batch(
        _ statements: [CQLBatchStatement],
        type: CQLBatch.BatchType = .unlogged,
        consistency: CQLConsistency? = nil,
        idempotent: Bool = false
    ) async throws {
        guard !statements.isEmpty else { return }
        guard statements.count <= Int(UInt16.max) else {
            throw CQLClientError(
                .invalidArgument,
                "\(statements.count) statements in one BATCH (at most 65,535)",
                mayHaveBeenSent: false
            )
        }
        // Values are encoded once; the prepared ids may change on a re-prepare.
        var preparedStatements: [CQLPreparedStatement] = []
        var parts: [(preparedIndex: Int?, query: String?, values: [CQLBoundValue])] = []
        for statement in statements {
            switch statement {
            case .query(let cql, let values):
                parts.append((nil, cql, try CQLValue.bindNaturally(values)))
            case .prepared(let prepared, let values):
                let bound = try prepared.bind(values)
                if let index = preparedStatements.firstIndex(where: { $0.query == prepared.query }) {
                    parts.append((index, nil, bound))
                } else {
                    preparedStatements.append(prepared)
                    parts.append((preparedStatements.count - 1, nil, bound))
                }
            }
        }
        let consistency = consistency ?? configuration.defaultConsistency
        try await withRetries(idempotent: idempotent) { connection in
            var current = preparedStatements
            let response = try await connection.sendPrepared(&current) { current in
                .batch(
                    CQLBatch(
                        type: type,
                        statements: parts.map { part in
                            if let index = part.preparedIndex {
                                return CQLBatch.Statement(.prepared(id: current[index].id), values: part.values)
                            }
                            return CQLBatch.Statement(.query(part.query!), values: part.values)
                        },
                        consistency: consistency
                    )
                )
            }
            self.remember(current)
            _ = try Self.resultSet(response, connection, "BATCH")
        }
    }

    // MARK: - Helpers

    /// Keeps the newest ids of statements a node made us prepare again.
    private func remember(_ statements: [CQLPreparedStatement]) {
        prepared.withLock { cache in
            for statement in statements where cache[statement.query]?.id != statement.id {
                cache[statement.query] = statement
            }
        }
    }

    static func resultSet(
        _ response: CQLResponse,
        _ connection: CQLConnection,
        _ request: String
    ) throws
        -> CQLResultSet
    {
        switch response {
        case .result(let result): return CQLResultSet(result)
        case .error(let error): throw CQLClientError.server(error, endpoint: connection.endpoint)
        default: throw connection.unexpected(response, request)
        }
    }

    /// Runs `body` on a pooled connection, and again on another node (or a fresh connection) while the retry policy
    /// allows.
    func withRetries<T: Sendable>(
        idempotent: Bool,
        _ body: (CQLConnection) async throws -> T
    ) async throws -> T {
        var avoiding: Set<CQLEndpoint> = []
        var retries = 0
        var unavailableRetried = false
        while true {
            let connection = try await pool.connection(avoiding: avoiding)
            do {
                return try await body(connection)
            } catch let error as CQLClientError {
                guard retries < configuration.retryPolicy.maximumRetries,
                    Self.shouldRetry(error, idempotent: idempotent, unavailableRetried: &unavailableRetried)
                else { throw error }
                retries += 1
                avoiding.insert(connection.endpoint)
                logger.debug(
                    "cql.request.retry",
                    metadata: [
                        "cql.endpoint": "\(connection.endpoint)", "cql.error": "\(error)", "cql.retry": "\(retries)",
                    ]
                )
            }
        }
    }

    /// Whether a failed request may be sent again (see ``CQLClientConfiguration/RetryPolicy``).
    static func shouldRetry(_ error: CQLClientError, idempotent: Bool, unavailableRetried: inout Bool) -> Bool {
        switch error.code {
        case .connection, .timeout:
            return !error.mayHaveBeenSent || idempotent
        case .server:
            switch error.serverCode {
            case .isBootstrapping?:
                return true
            case .overloaded?:
                return idempotent
            case .unavailable?:
                // The coordinator did not run it; another coordinator may see more replicas alive. Once.
                defer { unavailableRetried = true }
                return !unavailableRetried
            default:
                return false
            }
        default:
            return false
        }
    }
}
