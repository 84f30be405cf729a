import CQLEngine
import CQLWire
import Logging
import NIOCore
import NIOPosix
import ServerListener
import ServiceLifecycle

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
    private let listener: TCPListener<CQLFrameDecoder>

    public init(
        engine: CQLEngine,
        configuration: CQLServerConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        let maxFrameBytes = configuration.maxFrameBytes
        let authentication = configuration.authentication == nil ? "off" : "password"
        self.listener = TCPListener(
            name: "cql",
            configuration: .init(
                host: configuration.host,
                port: configuration.port,
                maxConnections: configuration.maxConnections
            ),
            logger: logger,
            eventLoopGroup: eventLoopGroup,
            listeningMetadata: { _ in ["cql.authentication": "\(authentication)"] },
            makeDecoder: { CQLFrameDecoder(maximumFrameSize: maxFrameBytes) }
        )
    }

    /// Binds the listening socket (once) and returns the bound port.
    ///
    /// - Throws: ``CQLServerError`` `.invalidConfiguration`, `.bindFailed`.
    @discardableResult
    public func bind() async throws -> Int {
        try configuration.validate()
        do {
            return try await listener.bind()
        } catch {
            throw CQLServerError(
                .bindFailed,
                "cannot listen for CQL clients on \(configuration.host):\(configuration.port): \(error)"
            )
        }
    }

    public func run() async throws {
        try await bind()
        let logger = self.logger
        let engine = self.engine
        let configuration = self.configuration
        await cancelWhenGracefulShutdown {
            await self.listener.serve { connection in
                await CQLConnection(
                    channel: connection,
                    engine: engine,
                    configuration: configuration,
                    logger: logger
                ).run()
            }
        }
        logger.info("cql.stopped")
    }
}
