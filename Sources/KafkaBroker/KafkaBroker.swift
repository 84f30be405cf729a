import EmbeddedLog
import KafkaWire
import Logging
import NIOCore
import NIOPosix
import ServerListener
import ServiceLifecycle

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
    private let listener: TCPListener<KafkaFrameDecoder>

    public init(
        log: EmbeddedLog,
        configuration: KafkaBrokerConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.log = log
        self.configuration = configuration
        self.logger = logger
        let maxRequestBytes = configuration.maxRequestBytes
        let advertisedHost = configuration.effectiveAdvertisedHost
        let advertisedPort = configuration.advertisedPort
        self.listener = TCPListener(
            name: "kafka",
            configuration: .init(
                host: configuration.host,
                port: configuration.port,
                maxConnections: configuration.maxConnections,
                maxMessagesPerRead: 16
            ),
            logger: logger,
            eventLoopGroup: eventLoopGroup,
            listeningMetadata: { port in ["kafka.advertised": "\(advertisedHost):\(advertisedPort ?? port)"] },
            makeDecoder: { KafkaFrameDecoder(maximumFrameSize: maxRequestBytes) }
        )
    }

    /// Binds the listening socket (once) and returns the bound port; ``run()`` binds by itself when this was not
    /// called.
    ///
    /// - Throws: ``KafkaBrokerError`` `.invalidConfiguration`, `.bindFailed` (e.g. the port is in use).
    @discardableResult
    public func bind() async throws -> Int {
        try configuration.validate()
        do {
            return try await listener.bind()
        } catch {
            throw KafkaBrokerError(
                .bindFailed,
                "cannot listen for Kafka clients on \(configuration.host):\(configuration.port): \(error)"
            )
        }
    }

    /// Serves until graceful shutdown or cancellation, then closes the listener and every connection.
    public func run() async throws {
        let port = try await bind()
        let coordinator = GroupCoordinator(
            configuration: GroupCoordinator.Configuration(
                initialRebalanceDelay: configuration.initialRebalanceDelay,
                sessionTimeouts: configuration.sessionTimeouts
            ),
            logger: logger
        )
        let handler = KafkaRequestHandler(
            log: log,
            coordinator: coordinator,
            configuration: configuration,
            advertisedPort: configuration.advertisedPort ?? port,
            logger: logger
        )
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await coordinator.run() }
                // Once no connection can be accepted any more, joins and syncs waiting for other members (or for
                // dead members' sessions) are answered, so that their connections end and the listener's shutdown
                // does not wait for them.
                await self.listener.serve(stoppedAccepting: { await coordinator.shutdown() }) { connection in
                    await KafkaConnection(channel: connection, handler: handler, logger: logger).run()
                }
                group.cancelAll()
            }
        }
        logger.info("kafka.stopped")
    }
}
