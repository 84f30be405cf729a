import CQLWire
import Logging
import NIOCore

/// A request on its way to the channel handler, with the promise its response completes.
struct CQLOutboundRequest: Sendable {
    var request: CQLRequest
    var promise: EventLoopPromise<CQLResponse>
    var timeout: TimeAmount
}

/// Runs a `CQLConnectionStateMachine` on a channel: feeds it frames, writes and timeouts, and runs the actions it
/// returns. No protocol logic lives here.
final class CQLChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = CQLFrame
    typealias OutboundIn = CQLOutboundRequest
    typealias OutboundOut = ByteBuffer

    private var stateMachine: CQLConnectionStateMachine<EventLoopPromise<CQLResponse>>
    private let handshakePromise: EventLoopPromise<Void>
    private var timeouts: [UInt64: Scheduled<Void>] = [:]
    private var nextRequestID: UInt64 = 0
    private var context: ChannelHandlerContext?
    private let logger: Logger

    init(
        configuration: CQLClientConfiguration,
        endpoint: CQLEndpoint,
        handshakePromise: EventLoopPromise<Void>,
        logger: Logger
    ) {
        self.stateMachine = CQLConnectionStateMachine(
            maximumInFlight: configuration.maximumInFlightPerConnection,
            credentials: configuration.credentials,
            keyspace: configuration.keyspace,
            endpoint: endpoint
        )
        self.handshakePromise = handshakePromise
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { run(stateMachine.connected(), context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        run(stateMachine.channelInactive(), context)
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        run(stateMachine.connected(), context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(stateMachine.channelInactive(), context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        run(stateMachine.received(frame), context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("cql.connection.error", metadata: ["cql.error": "\(error)"])
        run(stateMachine.errorCaught(error), context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outbound = unwrapOutboundIn(data)
        nextRequestID += 1
        let id = nextRequestID
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeouts[id] = context.eventLoop.scheduleTask(in: outbound.timeout) {
            let handler = loopBound.value
            guard let context = handler.context else { return }
            handler.timeouts[id] = nil
            handler.run(handler.stateMachine.timedOut(id: id), context)
        }
        run(stateMachine.enqueue(id: id, request: outbound.request, context: outbound.promise), context)
        promise?.succeed()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all {
            // Fail what is pending with `.closed` before the channel goes.
            let actions = stateMachine.close().filter {
                if case .closeConnection = $0 { return false }
                return true
            }
            run(actions, context)
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Actions

    private func run(
        _ actions: [CQLConnectionStateMachine<EventLoopPromise<CQLResponse>>.Action],
        _ context: ChannelHandlerContext
    ) {
        var wrote = false
        for action in actions {
            switch action {
            case .sendFrame(let stream, let request):
                var buffer = context.channel.allocator.buffer(capacity: 256)
                do {
                    try buffer.writeCQLFrame(version: CQLFrameHeader.v4, stream: stream, message: request.message)
                } catch {
                    // Values are encoded before they get here; only limits (65,535 values) can fail.
                    logger.error("cql.request.encoding_failed", metadata: ["cql.error": "\(error)"])
                    run(stateMachine.errorCaught(error), context)
                    return
                }
                context.write(wrapOutboundOut(buffer), promise: nil)
                wrote = true
            case .succeedHandshake:
                handshakePromise.succeed()
            case .failHandshake(let error):
                handshakePromise.fail(error)
            case .succeedRequest(let id, let promise, let response):
                timeouts.removeValue(forKey: id)?.cancel()
                promise.succeed(response)
            case .failRequest(let id, let promise, let error):
                timeouts.removeValue(forKey: id)?.cancel()
                promise.fail(error)
            case .closeConnection:
                if wrote {
                    context.flush()
                    wrote = false
                }
                context.close(promise: nil)
            }
        }
        if wrote { context.flush() }
    }
}
