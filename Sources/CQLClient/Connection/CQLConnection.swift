import CQLWire
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One open, handshaken connection to a node. Requests are multiplexed on stream ids; any number of tasks may send
/// at once.
final class CQLConnection: Sendable {
    let channel: any Channel
    let endpoint: CQLEndpoint
    let requestTimeout: Duration
    private let inFlight = Atomic<Int>(0)
    /// Ids of the statements prepared on this connection (a node forgets them on restart: UNPREPARED then).
    private let preparedIDs = Mutex<Set<[UInt8]>>([])

    private init(channel: any Channel, endpoint: CQLEndpoint, requestTimeout: Duration) {
        self.channel = channel
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
    }

    /// Opens a connection and runs the handshake; the future fails with a `CQLClientError` (`.connection`,
    /// `.timeout`, `.authentication`, …) and closes the channel when either fails.
    static func connect(
        to endpoint: CQLEndpoint,
        configuration: CQLClientConfiguration,
        sslContext: NIOSSLContext?,
        eventLoop: any EventLoop,
        logger: Logger
    ) -> EventLoopFuture<CQLConnection> {
        let handshake = eventLoop.makePromise(of: Void.self)
        let serverName = configuration.tls?.serverName ?? (Self.isIPAddress(endpoint.host) ? nil : endpoint.host)
        let connectTimeout = TimeAmount(configuration.connectTimeout)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try sync.addHandler(
                        ByteToMessageHandler(CQLFrameDecoder(maximumFrameSize: configuration.maximumFrameSize))
                    )
                    try sync.addHandler(
                        CQLChannelHandler(
                            configuration: configuration,
                            endpoint: endpoint,
                            handshakePromise: handshake,
                            logger: logger
                        )
                    )
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let timeout = eventLoop.scheduleTask(in: connectTimeout) {
            handshake.fail(
                CQLClientError(
                    .timeout,
                    "the connection was not ready within \(configuration.connectTimeout)",
                    endpoint: endpoint,
                    mayHaveBeenSent: false
                )
            )
        }
        let connected = bootstrap.connect(host: endpoint.host, port: endpoint.port)
        connected.whenFailure { error in
            handshake.fail(
                CQLClientError(.connection, "cannot connect: \(error)", endpoint: endpoint, mayHaveBeenSent: false)
            )
        }
        handshake.futureResult.whenComplete { _ in timeout.cancel() }
        return connected.and(handshake.futureResult).flatMapError { error in
            var error =
                error as? CQLClientError
                ?? CQLClientError(.connection, "\(error)", endpoint: endpoint, mayHaveBeenSent: false)
            error.mayHaveBeenSent = false
            let failure = error
            // Close the channel if it was opened; the failure stays the handshake's.
            return connected.flatMap { channel in channel.close() }
                .flatMapErrorThrowing { _ in }
                .flatMapThrowing { throw failure }
        }.map { channel, _ in
            CQLConnection(channel: channel, endpoint: endpoint, requestTimeout: configuration.requestTimeout)
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// Requests sent on this connection and not answered yet.
    var load: Int { inFlight.load(ordering: .relaxed) }

    var isActive: Bool { channel.isActive }

    var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Sends a request and waits for its response (an ERROR response is returned, not thrown).
    func send(_ request: CQLRequest, timeout: Duration? = nil) async throws -> CQLResponse {
        let promise = channel.eventLoop.makePromise(of: CQLResponse.self)
        inFlight.add(1, ordering: .relaxed)
        defer { inFlight.subtract(1, ordering: .relaxed) }
        let endpoint = self.endpoint
        channel.writeAndFlush(
            CQLOutboundRequest(request: request, promise: promise, timeout: TimeAmount(timeout ?? requestTimeout))
        ).whenFailure { error in
            promise.fail(
                CQLClientError(
                    .connection,
                    "the connection is closed: \(error)",
                    endpoint: endpoint,
                    mayHaveBeenSent: false
                )
            )
        }
        return try await promise.futureResult.get()
    }

    /// Whether `id` was prepared on this connection.
    func hasPrepared(_ id: [UInt8]) -> Bool {
        preparedIDs.withLock { $0.contains(id) }
    }

    /// Prepares a statement on this connection.
    func prepare(_ query: String) async throws -> CQLPrepared {
        let response = try await send(.prepare(CQLPrepare(query: query)))
        switch response {
        case .result(.prepared(let prepared)):
            _ = preparedIDs.withLock { $0.insert(prepared.id) }
            return prepared
        case .error(let error):
            throw CQLClientError.server(error, endpoint: endpoint)
        default:
            throw unexpected(response, "PREPARE")
        }
    }

    /// Sends a request carrying prepared ids (EXECUTE, BATCH); on UNPREPARED, prepares the statement again on this
    /// connection and sends the request once more, rebuilt by `make` with the new ids.
    ///
    /// - Parameters:
    ///   - statements: the prepared statements the request uses; their ids are updated when re-prepared.
    ///   - make: builds the request from the statements' current ids.
    func sendPrepared(
        _ statements: inout [CQLPreparedStatement],
        _ make: ([CQLPreparedStatement]) throws -> CQLRequest
    ) async throws -> CQLResponse {
        // Prepare on this connection first when it has not seen the statement (another node's connection prepared
        // it): one round trip per statement and connection, instead of an UNPREPARED error on first use.
        for index in statements.indices where !hasPrepared(statements[index].id) {
            statements[index].id = try await prepare(statements[index].query).id
        }
        var response = try await send(try make(statements))
        guard case .error(let error) = response, error.code == .unprepared else { return response }
        guard case .unprepared(let id) = error.details,
            let index = statements.firstIndex(where: { $0.id == id })
        else {
            // Not one of ours (or no id): prepare them all again.
            for index in statements.indices {
                statements[index].id = try await prepare(statements[index].query).id
            }
            response = try await send(try make(statements))
            return response
        }
        _ = preparedIDs.withLock { $0.remove(id) }
        statements[index].id = try await prepare(statements[index].query).id
        return try await send(try make(statements))
    }

    func unexpected(_ response: CQLResponse, _ request: String) -> CQLClientError {
        CQLClientError(
            .protocolViolation,
            "unexpected \(type(of: response.message).opcode) in answer to \(request)",
            endpoint: endpoint
        )
    }

    func close() -> EventLoopFuture<Void> {
        let channel = self.channel
        return channel.close().flatMapError { _ in channel.eventLoop.makeSucceededVoidFuture() }
    }
}
