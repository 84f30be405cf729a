import CQLWire

/// The protocol logic of one client connection, without I/O: the handshake (native_protocol_v4.spec §4.1.1–§4.1.3:
/// OPTIONS → SUPPORTED, STARTUP → READY or AUTHENTICATE → AUTH_RESPONSE → AUTH_SUCCESS, then `USE` when a keyspace
/// is configured), stream id allocation for multiplexed requests (§2.3), routing of responses by stream id, request
/// timeouts and connection loss.
///
/// Every event method returns the actions the caller must run, in order; the channel handler only runs them.
/// `Context` is what the caller needs to complete a request (a promise in the handler, a name in tests).
///
/// A request that times out leaves its stream id *orphaned*: the id is not reused until the node's late response
/// arrives (and is dropped), so that a late response is never taken for another request's.
struct CQLConnectionStateMachine<Context> {
    enum Action {
        /// Write this request in a frame on this stream, and flush.
        case sendFrame(stream: Int16, request: CQLRequest)
        /// The connection is ready for requests.
        case succeedHandshake
        /// The handshake failed: fail the connect attempt and close the channel.
        case failHandshake(CQLClientError)
        /// The response to a request.
        case succeedRequest(id: UInt64, Context, CQLResponse)
        /// A request failed; the connection stays usable.
        case failRequest(id: UInt64, Context, CQLClientError)
        /// Close the channel (nothing else to fail: the requests were failed by earlier actions).
        case closeConnection
    }

    enum Handshake: Equatable {
        case options
        case startup
        case authenticating
        case useKeyspace
    }

    enum State: Equatable {
        case initialized
        case handshaking(Handshake)
        case ready
        case closed
    }

    struct Pending {
        var id: UInt64
        var request: CQLRequest
        var context: Context
    }

    private(set) var state: State = .initialized
    private let credentials: CQLClientConfiguration.Credentials?
    private let keyspace: String?
    private let endpoint: CQLEndpoint?

    /// Free stream ids, used from the end (lowest ids first).
    private var freeStreams: [Int16]
    /// Requests sent and not answered yet, by stream id.
    private var inFlight: [Int16: Pending] = [:]
    /// The stream of each request in flight, by request id.
    private var streamOfRequest: [UInt64: Int16] = [:]
    /// Streams whose request timed out: freed when their late response arrives.
    private(set) var orphanedStreams: Set<Int16> = []
    /// Requests waiting for a stream id (or for the handshake), oldest first.
    private var queue: [Pending] = []
    private var queueHead = 0

    /// The STARTUP options this client sends.
    static var startupOptions: [String: String] {
        ["CQL_VERSION": "3.0.0", "DRIVER_NAME": "UserStream CQLClient", "DRIVER_VERSION": "1.0"]
    }

    init(
        maximumInFlight: Int,
        credentials: CQLClientConfiguration.Credentials?,
        keyspace: String?,
        endpoint: CQLEndpoint? = nil
    ) {
        let count = max(1, min(maximumInFlight, 32768))
        self.freeStreams = (0..<count).reversed().map { Int16($0) }
        self.credentials = credentials
        self.keyspace = keyspace
        self.endpoint = endpoint
    }

    /// Requests in flight or waiting.
    var load: Int { inFlight.count + (queue.count - queueHead) }

    var isReady: Bool { state == .ready }

    // MARK: - Events

    /// The channel is active: start the handshake with OPTIONS.
    mutating func connected() -> [Action] {
        guard state == .initialized else { return [] }
        state = .handshaking(.options)
        return [.sendFrame(stream: 0, request: .options(CQLOptions()))]
    }

    /// A whole frame arrived.
    mutating func received(_ frame: CQLFrame) -> [Action] {
        guard frame.header.isResponse, frame.header.version == CQLFrameHeader.v4 else {
            return fail(
                CQLClientError(
                    .protocolViolation,
                    "received a frame of version \(frame.header.version)\(frame.header.isResponse ? "" : " request")"
                        + " (expected a v4 response)",
                    endpoint: endpoint
                )
            )
        }
        // Server-pushed EVENTs (stream -1) are not asked for (no REGISTER) and are ignored.
        if frame.header.stream < 0 { return [] }
        switch state {
        case .initialized, .closed:
            return []
        case .handshaking(let step):
            guard frame.header.stream == 0 else {
                return fail(
                    CQLClientError(
                        .protocolViolation,
                        "response on stream \(frame.header.stream) during the handshake",
                        endpoint: endpoint
                    )
                )
            }
            let response: CQLResponse
            do {
                response = try CQLResponse(frame: frame)
            } catch {
                return fail(
                    CQLClientError(.protocolViolation, "undecodable handshake response: \(error)", endpoint: endpoint)
                )
            }
            return handshake(step, response)
        case .ready:
            return receivedInReady(frame)
        }
    }

    /// Queues a request; it is sent as soon as the connection is ready and a stream id is free.
    mutating func enqueue(id: UInt64, request: CQLRequest, context: Context) -> [Action] {
        switch state {
        case .closed:
            return [
                .failRequest(
                    id: id,
                    context,
                    CQLClientError(.connection, "the connection is closed", endpoint: endpoint, mayHaveBeenSent: false)
                )
            ]
        case .ready where queueHead == queue.count && !freeStreams.isEmpty:
            return [send(Pending(id: id, request: request, context: context))]
        default:
            queue.append(Pending(id: id, request: request, context: context))
            return []
        }
    }

    /// The request's timeout elapsed before its response.
    mutating func timedOut(id: UInt64) -> [Action] {
        if let stream = streamOfRequest.removeValue(forKey: id), let pending = inFlight.removeValue(forKey: stream) {
            orphanedStreams.insert(stream)
            return [
                .failRequest(
                    id: id,
                    pending.context,
                    CQLClientError(.timeout, "no response within the request timeout", endpoint: endpoint)
                )
            ]
        }
        if let index = queue[queueHead...].firstIndex(where: { $0.id == id }) {
            let pending = queue.remove(at: index)
            return [
                .failRequest(
                    id: id,
                    pending.context,
                    CQLClientError(
                        .timeout,
                        "no stream id became free within the request timeout",
                        endpoint: endpoint,
                        mayHaveBeenSent: false
                    )
                )
            ]
        }
        return []
    }

    /// The channel became inactive: every request fails with a connection error.
    mutating func channelInactive() -> [Action] {
        guard state != .closed else { return [] }
        return failAll(
            CQLClientError(.connection, "the connection was closed by the node or the network", endpoint: endpoint),
            closeChannel: false
        )
    }

    /// An error was caught in the pipeline (decoding, TLS, I/O): fail everything and close.
    mutating func errorCaught(_ error: any Error) -> [Action] {
        guard state != .closed else { return [] }
        let code: CQLClientError.Code = error is CQLWireError ? .protocolViolation : .connection
        return fail(CQLClientError(code, "\(error)", endpoint: endpoint))
    }

    /// The client closes the connection.
    mutating func close() -> [Action] {
        guard state != .closed else { return [] }
        return failAll(CQLClientError(.closed, "the client was closed", endpoint: endpoint), closeChannel: true)
    }

    // MARK: - Handshake

    private mutating func handshake(_ step: Handshake, _ response: CQLResponse) -> [Action] {
        if case .error(let error) = response {
            let clientError: CQLClientError
            if error.code == .authenticationError {
                clientError = CQLClientError(
                    .authentication,
                    "the node refused the credentials: \(error.message)",
                    serverError: error,
                    endpoint: endpoint
                )
            } else {
                clientError = CQLClientError(
                    error.code == .protocolError ? .protocolViolation : .server,
                    "handshake failed: \(error.code): \(error.message)",
                    serverError: error,
                    endpoint: endpoint
                )
            }
            return failHandshake(clientError)
        }
        switch (step, response) {
        case (.options, .supported):
            state = .handshaking(.startup)
            return [.sendFrame(stream: 0, request: .startup(CQLStartup(options: Self.startupOptions)))]
        case (.startup, .ready):
            return afterAuthentication()
        case (.startup, .authenticate(let authenticate)):
            guard let credentials else {
                return failHandshake(
                    CQLClientError(
                        .authentication,
                        "the node requires authentication (\(authenticate.authenticator)) but no credentials are"
                            + " configured",
                        endpoint: endpoint
                    )
                )
            }
            state = .handshaking(.authenticating)
            return [.sendFrame(stream: 0, request: .authResponse(CQLAuthResponse(token: credentials.token)))]
        case (.authenticating, .authSuccess):
            return afterAuthentication()
        case (.authenticating, .authChallenge):
            return failHandshake(
                CQLClientError(
                    .authentication,
                    "the node sent an AUTH_CHALLENGE: only PasswordAuthenticator (SASL PLAIN) is supported",
                    endpoint: endpoint
                )
            )
        case (.useKeyspace, .result(.setKeyspace)):
            return becomeReady()
        default:
            return failHandshake(
                CQLClientError(
                    .protocolViolation,
                    "unexpected \(type(of: response.message).opcode) during the handshake (\(step))",
                    endpoint: endpoint
                )
            )
        }
    }

    private mutating func afterAuthentication() -> [Action] {
        guard let keyspace else { return becomeReady() }
        state = .handshaking(.useKeyspace)
        let quoted = "\"" + keyspace.replacingAll("\"", with: "\"\"") + "\""
        return [.sendFrame(stream: 0, request: .query(CQLQuery(query: "USE \(quoted)")))]
    }

    private mutating func becomeReady() -> [Action] {
        state = .ready
        var actions: [Action] = [.succeedHandshake]
        drainQueue(into: &actions)
        return actions
    }

    private mutating func failHandshake(_ error: CQLClientError) -> [Action] {
        var actions: [Action] = [.failHandshake(error)]
        actions += failAll(error, closeChannel: true)
        return actions
    }

    // MARK: - Requests

    private mutating func receivedInReady(_ frame: CQLFrame) -> [Action] {
        let stream = frame.header.stream
        var actions: [Action] = []
        if orphanedStreams.remove(stream) != nil {
            freeStreams.append(stream)
        } else if let pending = inFlight.removeValue(forKey: stream) {
            streamOfRequest[pending.id] = nil
            freeStreams.append(stream)
            do {
                actions.append(.succeedRequest(id: pending.id, pending.context, try CQLResponse(frame: frame)))
            } catch {
                actions.append(
                    .failRequest(
                        id: pending.id,
                        pending.context,
                        CQLClientError(.protocolViolation, "undecodable response: \(error)", endpoint: endpoint)
                    )
                )
            }
        } else {
            return fail(
                CQLClientError(
                    .protocolViolation,
                    "response on stream \(stream), which has no request",
                    endpoint: endpoint
                )
            )
        }
        drainQueue(into: &actions)
        return actions
    }

    private mutating func send(_ pending: Pending) -> Action {
        let stream = freeStreams.removeLast()
        inFlight[stream] = pending
        streamOfRequest[pending.id] = stream
        return .sendFrame(stream: stream, request: pending.request)
    }

    private mutating func drainQueue(into actions: inout [Action]) {
        while queueHead < queue.count, !freeStreams.isEmpty {
            let pending = queue[queueHead]
            queueHead += 1
            actions.append(send(pending))
        }
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead > 1024, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    /// Fails everything and closes the channel.
    private mutating func fail(_ error: CQLClientError) -> [Action] {
        if state == .closed { return [] }
        if case .handshaking = state { return failHandshake(error) }
        return failAll(error, closeChannel: true)
    }

    private mutating func failAll(_ error: CQLClientError, closeChannel: Bool) -> [Action] {
        var actions: [Action] = []
        if case .handshaking = state, !closeChannel {
            actions.append(.failHandshake(error))
        } else if state == .initialized {
            actions.append(.failHandshake(error))
        }
        state = .closed
        for stream in inFlight.keys.sorted() {
            let pending = inFlight[stream]!
            actions.append(.failRequest(id: pending.id, pending.context, error))
        }
        var notSent = error
        notSent.mayHaveBeenSent = false
        for pending in queue[queueHead...] {
            actions.append(.failRequest(id: pending.id, pending.context, notSent))
        }
        inFlight.removeAll()
        streamOfRequest.removeAll()
        queue.removeAll()
        queueHead = 0
        if closeChannel { actions.append(.closeConnection) }
        return actions
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
