import CQLWire
import NIOCore
import NIOPosix
import Synchronization

/// A tiny CQL server for client tests: it runs the handshake itself (OPTIONS, STARTUP, optional
/// PasswordAuthenticator, `USE`) and answers every other request from a script.
final class ScriptedCQLServer: Sendable {
    /// What the script does with a request.
    enum Reply: Sendable {
        case respond(CQLResponse)
        case respondAfter(Duration, CQLResponse)
        /// Never answer.
        case ignore
        /// Close the connection.
        case close
    }

    /// A request the script sees.
    struct Request: Sendable {
        var request: CQLRequest
        var stream: Int16
        /// Numbered from 1 in accept order.
        var connection: Int
    }

    typealias Script = @Sendable (Request) -> Reply

    private struct State {
        var channels: [Int: any Channel] = [:]
        var accepted = 0
        var requests: [CQLRequest] = []
        var authTokens: [[UInt8]?] = []
        var inFlight = 0
        var maximumInFlight = 0
    }

    let credentials: (username: String, password: String)?
    private let script: Script
    private let state = Mutex(State())
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: Mutex<(any Channel)?> = Mutex(nil)

    /// Starts listening on 127.0.0.1, on a free port.
    init(credentials: (username: String, password: String)? = nil, script: @escaping Script) async throws {
        self.credentials = credentials
        self.script = script
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                let id = self.state.withLock { state in
                    state.accepted += 1
                    state.channels[state.accepted] = channel
                    return state.accepted
                }
                channel.closeFuture.whenComplete { _ in
                    _ = self.state.withLock { $0.channels.removeValue(forKey: id) }
                }
                do {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(CQLFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: self, connection: id))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        serverChannel.withLock { $0 = channel }
    }

    var port: Int { serverChannel.withLock { $0!.localAddress!.port! } }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }
    /// Connections open now.
    var openConnections: Int { state.withLock { $0.channels.count } }
    /// Requests the script saw, in arrival order.
    var requests: [CQLRequest] { state.withLock { $0.requests } }
    /// AUTH_RESPONSE tokens received.
    var authTokens: [[UInt8]?] { state.withLock { $0.authTokens } }
    /// The most script requests that were waiting for their reply at once.
    var maximumInFlight: Int { state.withLock { $0.maximumInFlight } }

    /// Closes every client connection (the listener stays).
    func dropConnections() async {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { try? await channel.close() }
    }

    func shutdown() async {
        await dropConnections()
        let channel = serverChannel.withLock { $0 }
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }

    // MARK: - Per connection

    private final class ConnectionHandler: ChannelInboundHandler {
        typealias InboundIn = CQLFrame
        typealias OutboundOut = ByteBuffer

        let server: ScriptedCQLServer
        let connection: Int

        init(server: ScriptedCQLServer, connection: Int) {
            self.server = server
            self.connection = connection
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let stream = frame.header.stream
            let request: CQLRequest
            do {
                request = try CQLRequest(frame: frame)
            } catch {
                send(.error(CQLError(code: .protocolError, message: "\(error)")), stream: stream, context: context)
                return
            }
            switch request {
            case .options:
                send(
                    .supported(CQLSupported(options: ["CQL_VERSION": ["3.4.5"], "COMPRESSION": []])),
                    stream: stream,
                    context: context
                )
            case .startup:
                if server.credentials != nil {
                    send(
                        .authenticate(
                            CQLAuthenticate(authenticator: "org.apache.cassandra.auth.PasswordAuthenticator")
                        ),
                        stream: stream,
                        context: context
                    )
                } else {
                    send(.ready(CQLReady()), stream: stream, context: context)
                }
            case .authResponse(let response):
                server.state.withLock { $0.authTokens.append(response.token) }
                let expected = server.credentials.map {
                    [0] + Array($0.username.utf8) + [0] + Array($0.password.utf8)
                }
                if response.token == expected {
                    send(.authSuccess(CQLAuthSuccess()), stream: stream, context: context)
                } else {
                    send(
                        .error(
                            CQLError(
                                code: .authenticationError,
                                message: "Provided username and/or password are incorrect"
                            )
                        ),
                        stream: stream,
                        context: context
                    )
                }
            case .query(let query) where query.query.hasPrefix("USE "):
                let keyspace = query.query.dropFirst(4).filter { $0 != "\"" }
                send(.result(.setKeyspace(String(keyspace))), stream: stream, context: context)
            default:
                server.state.withLock { state in
                    state.requests.append(request)
                    state.inFlight += 1
                    state.maximumInFlight = max(state.maximumInFlight, state.inFlight)
                }
                let reply = server.script(Request(request: request, stream: stream, connection: connection))
                switch reply {
                case .respond(let response):
                    server.state.withLock { $0.inFlight -= 1 }
                    send(response, stream: stream, context: context)
                case .respondAfter(let delay, let response):
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
                        let (handler, context) = loopBound.value
                        handler.server.state.withLock { $0.inFlight -= 1 }
                        guard context.channel.isActive else { return }
                        handler.send(response, stream: stream, context: context)
                    }
                case .ignore:
                    break
                case .close:
                    server.state.withLock { $0.inFlight -= 1 }
                    context.close(promise: nil)
                }
            }
        }

        func send(_ response: CQLResponse, stream: Int16, context: ChannelHandlerContext) {
            var buffer = context.channel.allocator.buffer(capacity: 64)
            try! buffer.writeCQLFrame(version: 0x84, stream: stream, message: response.message)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }
}

// MARK: - Response builders

extension CQLResponse {
    /// A RESULT Rows with text columns of table `ks.t`.
    static func rows(
        _ columns: [String],
        _ rows: [[CQLValue]],
        pagingState: [UInt8]? = nil,
        types: [CQLType]? = nil
    )
        -> CQLResponse
    {
        let specs = columns.enumerated().map { index, name in
            CQLColumnSpec(keyspace: "ks", table: "t", name: name, type: types?[index] ?? .text)
        }
        return .result(.rows(CQLRows(metadata: CQLRowsMetadata(columns: specs, pagingState: pagingState), rows: rows)))
    }

    static let void = CQLResponse.result(.void)
}
