import CQLEngine
import CQLWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Serves a ``CQLEngine`` (the embedded store) over the CQL native protocol v4, so that cqlsh and Cassandra drivers
/// work against it unchanged.
///
/// Streams of one connection run concurrently (up to a limit) and answer in whatever order they finish, as the
/// protocol allows; connections are independent. ``run()`` owns every background task and returns on graceful
/// shutdown or cancellation.
public final class CQLServer: Service, Sendable {
    public let configuration: CQLServerConfiguration
    private let engine: CQLEngine
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let listener = Mutex<Listener>(.unbound)
    private let openConnections = Atomic<Int>(0)

    private enum Listener {
        case unbound
        case bound(NIOAsyncChannel<NIOAsyncChannel<CQLFrame, ByteBuffer>, Never>, port: Int)
        case taken
    }

    public init(
        engine: CQLEngine,
        configuration: CQLServerConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds the listening socket (once) and returns the bound port.
    ///
    /// - Throws: ``CQLServerError`` `.invalidConfiguration`, `.bindFailed`.
    @discardableResult
    public func bind() async throws -> Int {
        if case .bound(_, let port) = listener.withLock({ $0 }) { return port }
        try configuration.validate()
        let maxFrameBytes = configuration.maxFrameBytes
        let server: NIOAsyncChannel<NIOAsyncChannel<CQLFrame, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(CQLFrameDecoder(maximumFrameSize: maxFrameBytes))
                        )
                        return try NIOAsyncChannel<CQLFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw CQLServerError(
                .bindFailed,
                "cannot listen for CQL clients on \(configuration.host):\(configuration.port): \(error)"
            )
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        let raced = listener.withLock { listener -> Bool in
            guard case .unbound = listener else { return true }
            listener = .bound(server, port: port)
            return false
        }
        if raced {
            try? await server.channel.close()
            return try await bind()
        }
        logger.info(
            "cql.listening",
            metadata: [
                "cql.address": "\(configuration.host):\(port)",
                "cql.authentication": "\(configuration.authentication == nil ? "off" : "password")",
            ]
        )
        return port
    }

    public func run() async throws {
        try await bind()
        let server = listener.withLock { listener -> NIOAsyncChannel<NIOAsyncChannel<CQLFrame, ByteBuffer>, Never>? in
            guard case .bound(let server, _) = listener else { return nil }
            listener = .taken
            return server
        }
        guard let server else { return }
        let logger = self.logger
        let engine = self.engine
        let configuration = self.configuration
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            let open = self.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
                            guard open <= configuration.maxConnections else {
                                self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                                logger.warning("cql.connection_refused", metadata: ["cql.connections": "\(open)"])
                                try? await connection.channel.close()
                                continue
                            }
                            group.addTask {
                                await CQLConnection(
                                    channel: connection,
                                    engine: engine,
                                    configuration: configuration,
                                    logger: logger
                                ).run()
                                self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                            }
                        }
                    }
                } catch is CancellationError {
                } catch {
                    logger.error("cql.listener_failed", metadata: ["error": "\(error)"])
                }
                group.cancelAll()
            }
        }
        logger.info("cql.stopped")
    }
}
