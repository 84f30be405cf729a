import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The listening socket of a protocol server (Kafka, CQL): binds once, frames every connection with the protocol's
/// decoder, accepts up to `maxConnections` at a time, and hands each connection to the server's handler in a task of
/// its own, so that one connection never holds up another.
///
/// ```swift
/// let listener = TCPListener(name: "cql", configuration: …, logger: logger) { CQLFrameDecoder(…) }
/// let port = try await listener.bind()
/// await listener.serve { connection in await CQLConnection(channel: connection, …).run() }
/// ```
public final class TCPListener<Decoder: ByteToMessageDecoder>: Sendable where Decoder.InboundOut: Sendable {
    /// A connection: decoded frames in, bytes out.
    public typealias Connection = NIOAsyncChannel<Decoder.InboundOut, ByteBuffer>

    /// Where and how to listen.
    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// Connections open at once; more are closed as they arrive.
        public var maxConnections: Int
        /// NIO's reads per event-loop turn for each connection; nil keeps NIO's default.
        public var maxMessagesPerRead: UInt?

        public init(host: String, port: Int, maxConnections: Int, maxMessagesPerRead: UInt? = nil) {
            self.host = host
            self.port = port
            self.maxConnections = maxConnections
            self.maxMessagesPerRead = maxMessagesPerRead
        }
    }

    private enum State {
        case unbound
        case bound(NIOAsyncChannel<Connection, Never>, port: Int)
        case taken
    }

    public let configuration: Configuration
    /// The prefix of log messages and metadata keys: `<name>.listening`, `<name>.connection_refused`, ….
    private let name: String
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let makeDecoder: @Sendable () -> Decoder
    private let listeningMetadata: @Sendable (Int) -> Logger.Metadata
    private let state = Mutex<State>(.unbound)
    private let openConnections = Atomic<Int>(0)

    /// - Parameters:
    ///   - listeningMetadata: what the `<name>.listening` line says besides the address, given the bound port.
    ///   - makeDecoder: the frame decoder of one new connection.
    public init(
        name: String,
        configuration: Configuration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        listeningMetadata: @escaping @Sendable (Int) -> Logger.Metadata = { _ in [:] },
        makeDecoder: @escaping @Sendable () -> Decoder
    ) {
        self.name = name
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.listeningMetadata = listeningMetadata
        self.makeDecoder = makeDecoder
    }

    /// Binds the listening socket (once; later calls return the same port) and returns the bound port.
    ///
    /// - Throws: NIO's error when the address cannot be bound (e.g. the port is in use).
    @discardableResult
    public func bind() async throws -> Int {
        if case .bound(_, let port) = state.withLock({ $0 }) { return port }
        let makeDecoder = self.makeDecoder
        var bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
        if let reads = configuration.maxMessagesPerRead {
            bootstrap = bootstrap.childChannelOption(.maxMessagesPerRead, value: reads)
        }
        let server = try await bootstrap.bind(host: configuration.host, port: configuration.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(makeDecoder()))
                return try ConnectionWrapper.wrapClosingOnDeinit(channel, as: Connection.self)
            }
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        let raced = state.withLock { state -> Bool in
            guard case .unbound = state else { return true }
            state = .bound(server, port: port)
            return false
        }
        if raced {
            try? await server.channel.close()
            return try await bind()
        }
        var metadata = listeningMetadata(port)
        metadata["\(name).address"] = "\(configuration.host):\(port)"
        logger.info("\(name).listening", metadata: metadata)
        return port
    }

    /// Accepts connections until cancelled (the caller ends it on graceful shutdown), each served by `handle` in a
    /// task of its own; then closes the listener and cancels every connection's task. Returns at once when the
    /// listener is not bound or is served already.
    ///
    /// - Parameter stoppedAccepting: called once the listening socket is closed, before waiting for the open
    ///   connections to end (a server answers requests still waiting there, so that their connections end, without a
    ///   client's reconnection being accepted during the shutdown).
    public func serve(
        stoppedAccepting: @escaping @Sendable () async -> Void = {},
        _ handle: @escaping @Sendable (Connection) async -> Void
    ) async {
        let server = state.withLock { state -> NIOAsyncChannel<Connection, Never>? in
            guard case .bound(let server, _) = state else { return nil }
            state = .taken
            return server
        }
        guard let server else { return }
        let name = self.name
        let logger = self.logger
        let maxConnections = configuration.maxConnections
        await withDiscardingTaskGroup { group in
            do {
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        let open = self.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
                        guard open <= maxConnections else {
                            self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                            logger.warning("\(name).connection_refused", metadata: ["\(name).connections": "\(open)"])
                            // executeThenClose finishes the connection's writer (NIO traps on one left unfinished).
                            try? await connection.executeThenClose { _, _ in }
                            continue
                        }
                        group.addTask {
                            await handle(connection)
                            self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                        }
                    }
                }
            } catch is CancellationError {
            } catch {
                logger.error("\(name).listener_failed", metadata: ["error": "\(error)"])
            }
            // Connections accepted but not handed over yet are dropped here; they close themselves (see
            // `ConnectionWrapper`).
            await stoppedAccepting()
            group.cancelAll()
        }
    }
}

/// Wraps an accepted channel in a `NIOAsyncChannel` that closes the channel, and finishes its writer, if it is ever
/// dropped unused.
///
/// NIO hands accepted connections from the listening socket to the accept loop through a buffer; a connection accepted
/// while the listening socket closes can be dropped on the way, and a `NIOAsyncChannel` made by the non-deprecated
/// initialiser traps when dropped with its writer unfinished. The deinit-based teardown of the older initialiser is
/// exactly right for those. It is reached through a protocol so that its deprecation does not warn here.
enum ConnectionWrapper {
    static func wrapClosingOnDeinit<Inbound: Sendable>(
        _ channel: Channel,
        as: NIOAsyncChannel<Inbound, ByteBuffer>.Type
    ) throws -> NIOAsyncChannel<Inbound, ByteBuffer> {
        try (DeinitTeardown() as any ClosingOnDeinit).wrap(channel)
    }
}

private protocol ClosingOnDeinit {
    func wrap<Inbound: Sendable>(_ channel: Channel) throws -> NIOAsyncChannel<Inbound, ByteBuffer>
}

private struct DeinitTeardown: ClosingOnDeinit {
    @available(*, deprecated, message: "deinit-based teardown, for connections dropped before they are served")
    func wrap<Inbound: Sendable>(_ channel: Channel) throws -> NIOAsyncChannel<Inbound, ByteBuffer> {
        try NIOAsyncChannel(synchronouslyWrapping: channel)
    }
}
