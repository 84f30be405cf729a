import EmbeddedLog
import KafkaWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Serves an ``EmbeddedLog`` over the Kafka wire protocol, so that Kafka clients (librdkafka, kcat, kafka-python,
/// Java) produce to it, consume from it and run consumer groups on it unchanged.
///
/// One broker that is the leader of every partition and the coordinator of every group. Requests of one connection
/// are handled one at a time, in order, as Kafka does; connections are independent of each other. ``run()`` owns
/// every background task (the accept loop, the connections, the group coordinator's clock) and returns on graceful
/// shutdown or cancellation.
public final class KafkaBroker: Service, Sendable {
    public let configuration: KafkaBrokerConfiguration
    private let log: EmbeddedLog
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let listener = Mutex<Listener>(.unbound)
    private let openConnections = Atomic<Int>(0)

    private enum Listener {
        case unbound
        case bound(NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, port: Int)
        case taken
    }

    public init(
        log: EmbeddedLog,
        configuration: KafkaBrokerConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.log = log
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds the listening socket (once) and returns the bound port; ``run()`` binds by itself when this was not
    /// called.
    ///
    /// - Throws: ``KafkaBrokerError`` `.invalidConfiguration`, `.bindFailed` (e.g. the port is in use).
    @discardableResult
    public func bind() async throws -> Int {
        if case .bound(_, let port) = listener.withLock({ $0 }) { return port }
        try configuration.validate()
        let maxRequestBytes = configuration.maxRequestBytes
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(KafkaFrameDecoder(maximumFrameSize: maxRequestBytes))
                        )
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw KafkaBrokerError(
                .bindFailed,
                "cannot listen for Kafka clients on \(configuration.host):\(configuration.port): \(error)"
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
            "kafka.listening",
            metadata: [
                "kafka.address": "\(configuration.host):\(port)",
                "kafka.advertised": "\(configuration.effectiveAdvertisedHost):\(configuration.advertisedPort ?? port)",
            ]
        )
        return port
    }

    /// Serves until graceful shutdown or cancellation, then closes the listener and every connection.
    public func run() async throws {
        let port = try await bind()
        let server = listener.withLock { listener -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>? in
            guard case .bound(let server, _) = listener else { return nil }
            listener = .taken
            return server
        }
        guard let server else { return }
        let coordinator = GroupCoordinator(
            configuration: GroupCoordinator.Configuration(
                initialRebalanceDelay: configuration.initialRebalanceDelay,
                sessionTimeouts: configuration.sessionTimeouts
            )
        )
        let handler = KafkaRequestHandler(
            log: log,
            coordinator: coordinator,
            configuration: configuration,
            advertisedPort: configuration.advertisedPort ?? port,
            logger: logger
        )
        let logger = self.logger
        let maxConnections = configuration.maxConnections
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        await coordinator.tick()
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            let open = self.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
                            guard open <= maxConnections else {
                                self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                                logger.warning("kafka.connection_refused", metadata: ["kafka.connections": "\(open)"])
                                try? await connection.channel.close()
                                continue
                            }
                            group.addTask {
                                await KafkaConnection(channel: connection, handler: handler, logger: logger).run()
                                self.openConnections.wrappingSubtract(1, ordering: .relaxed)
                            }
                        }
                    }
                } catch is CancellationError {
                } catch {
                    logger.error("kafka.listener_failed", metadata: ["error": "\(error)"])
                }
                group.cancelAll()
            }
        }
        logger.info("kafka.stopped")
    }
}
