import NIOCore
import NIOHTTP1
import NIOPosix
import RandomUser
import Synchronization
import UserStreamCore

/// A local randomuser.me-compatible HTTP server for tests, with fault injection.
///
/// Serves `GET /api/` and `/api/1.4/` (with or without the trailing slash): `results` (1…5000, anything else 1, as
/// the API does), `seed`, `page` and `nat` (comma list, case-insensitive; an unknown code drops the filter) are
/// honoured through `SyntheticUserGenerator`, deterministic per seed and page. Compact JSON,
/// `Content-Type: application/json`. Any other path answers 404 `Not Found`, like the API for an unknown version.
///
/// Faults queued with `enqueue(_:)` apply, first in first out, to the next requests (one fault per request).
/// Every request is recorded.
public final class RandomUserTestServer: Sendable {
    /// What to do instead of (or before) a normal response.
    public enum Fault: Sendable {
        /// Answer with `status`, an optional `Retry-After` header, and `body` (default: randomuser's 429 error JSON
        /// for 429, a short text for others).
        case status(Int, retryAfter: String? = nil, body: String? = nil)
        /// Wait this long before answering normally (without blocking other connections).
        case delay(seconds: Double)
        /// 200 with `{"error": "Uh oh, something has gone wrong. …"}`.
        case errorBody
        /// 200 with a body that is not JSON.
        case malformedJSON
        /// 200 with a valid prefix of a normal response (its length as `Content-Length`), then the connection
        /// closes.
        case truncatedJSON
        /// Anything: e.g. a sample file, or a response with one bad user.
        case custom(status: Int, headers: [(String, String)], body: [UInt8])

        /// HTTP 429 with `Retry-After` and randomuser's rate-limit body.
        public static func rateLimited(retryAfter: String? = "1") -> Fault {
            .status(429, retryAfter: retryAfter, body: nil)
        }
    }

    /// One request as received.
    public struct RecordedRequest: Sendable, Hashable {
        public var method: String
        /// The path without the query, e.g. `/api/1.4/`.
        public var path: String
        /// The raw query string without `?` (empty if none).
        public var query: String
        /// Decoded query parameters; the last occurrence wins.
        public var parameters: [String: String]

        /// Path and query as sent, e.g. `/api/?results=10&seed=abc`.
        public var uri: String { query.isEmpty ? path : path + "?" + query }
    }

    public static let rateLimitBody =
        #"{"error":"Whoa, ease up there cowboy. You've requested 20000 users in the last minute. Help us keep this service free and spare some bandwidth for other users please :)"}"#
    public static let errorBodyText =
        #"{"error":"Uh oh, something has gone wrong. Please tweet us @randomapi about the issue. Thank you."}"#

    private struct State {
        var channel: (any Channel)?
        var faults: [Fault] = []
        var requests: [RecordedRequest] = []
    }

    private let state = Mutex(State())
    /// "Now" for the ages of generated users: fixed for the server's lifetime so that responses are reproducible.
    public let referenceMilliseconds: Int64
    private let group: any EventLoopGroup

    public init(
        referenceMilliseconds: Int64 = Timestamp.nowMilliseconds(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.referenceMilliseconds = referenceMilliseconds
        self.group = eventLoopGroup
    }

    /// Binds and starts serving. `port: 0` picks an ephemeral port (see `port`, `url`).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(server: self))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        state.withLock { $0.channel = channel }
    }

    /// Stops listening. Connections in flight finish on their own.
    public func stop() async throws {
        let channel = state.withLock { state -> (any Channel)? in
            defer { state.channel = nil }
            return state.channel
        }
        try await channel?.close()
    }

    /// The bound port (0 before `start`).
    public var port: Int {
        state.withLock { $0.channel?.localAddress?.port ?? 0 }
    }

    /// `http://127.0.0.1:PORT/api/`.
    public var url: String {
        let host = state.withLock { $0.channel?.localAddress?.ipAddress ?? "127.0.0.1" }
        return "http://\(host):\(port)/api/"
    }

    /// Queues faults for the next requests, in order.
    public func enqueue(_ faults: Fault...) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Queues faults for the next requests, in order.
    public func enqueue(contentsOf faults: [Fault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Faults not yet used.
    public var pendingFaults: Int { state.withLock { $0.faults.count } }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many requests were received.
    public var requestCount: Int { state.withLock { $0.requests.count } }

    // MARK: - Request handling

    fileprivate func receive(method: String, uri: String) -> (RecordedRequest, Fault?) {
        let (path, query) = Self.split(uri)
        let request = RecordedRequest(method: method, path: path, query: query, parameters: Self.parameters(query))
        let fault = state.withLock { state -> Fault? in
            state.requests.append(request)
            return state.faults.isEmpty ? nil : state.faults.removeFirst()
        }
        return (request, fault)
    }

    /// The normal answer to a request: users for `/api/` and `/api/1.4/`, 404 otherwise.
    fileprivate func normalResponse(_ request: RecordedRequest) -> (HTTPResponseStatus, [(String, String)], [UInt8]) {
        let known: Set<String> = ["/api", "/api/", "/api/1.4", "/api/1.4/"]
        guard request.method == "GET", known.contains(request.path) else {
            return (.notFound, [("Content-Type", "text/plain; charset=utf-8")], Array("Not Found".utf8))
        }
        let parameters = request.parameters
        var results = Int(parameters["results"] ?? "") ?? 1
        if results < 1 || results > 5000 { results = 1 }
        var page = Int(parameters["page"] ?? "") ?? 1
        if page < 0 || page > 10_000 { page = 1 }
        let seed = parameters["seed"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.randomSeed()
        var nats: [String]?
        if let nat = parameters["nat"] ?? parameters["nationality"], !nat.isEmpty {
            let codes = nat.split(separator: ",").map { $0.trimmingCharacters().uppercased() }
            if codes.allSatisfy({ RandomUserNationality.codes.contains($0) }) { nats = codes }
        }
        var generator = SyntheticUserGenerator(
            seed: seed,
            page: page,
            nats: nats,
            referenceMilliseconds: referenceMilliseconds
        )
        let users = generator.next(count: results)
        let body = RandomUserResponse.apiJSONBytes(users: users, seed: seed, page: page)
        return (.ok, [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-cache")], body)
    }

    private static func randomSeed() -> String {
        let alphabet = Array("abcdef1234567890")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    private static func split(_ uri: String) -> (String, String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    private static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]))
            result[key] = parts.count > 1 ? percentDecode(String(parts[1])) : ""
        }
        return result
    }

    private static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// One connection's handler: collects a request, then answers per the server's fault queue.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: RandomUserTestServer
    private var head: HTTPRequestHead?

    init(server: RandomUserTestServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            handle(context: context, head: head)
        }
    }

    private func handle(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let (request, fault) = server.receive(method: head.method.rawValue, uri: head.uri)
        let keepAlive = head.isKeepAlive
        switch fault {
        case nil:
            let (status, headers, body) = server.normalResponse(request)
            respond(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
        case .status(let code, let retryAfter, let body)?:
            var headers: [(String, String)] = []
            let text: String
            if let body {
                text = body
                headers.append(("Content-Type", body.hasPrefix("{") ? "application/json" : "text/plain"))
            } else if code == 429 {
                text = RandomUserTestServer.rateLimitBody
                headers.append(("Content-Type", "application/json"))
            } else {
                text = HTTPResponseStatus(statusCode: code).reasonPhrase
                headers.append(("Content-Type", "text/plain"))
            }
            if let retryAfter { headers.append(("Retry-After", retryAfter)) }
            respond(
                context: context,
                status: HTTPResponseStatus(statusCode: code),
                headers: headers,
                body: Array(text.utf8),
                keepAlive: keepAlive
            )
        case .delay(let seconds)?:
            let (status, headers, body) = server.normalResponse(request)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                let (handler, context) = bound.value
                guard context.channel.isActive else { return }
                handler.respond(context: context, status: status, headers: headers, body: body, keepAlive: keepAlive)
            }
        case .errorBody?:
            respond(
                context: context,
                status: .ok,
                headers: [("Content-Type", "application/json")],
                body: Array(RandomUserTestServer.errorBodyText.utf8),
                keepAlive: keepAlive
            )
        case .malformedJSON?:
            respond(
                context: context,
                status: .ok,
                headers: [("Content-Type", "application/json")],
                body: Array("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".utf8),
                keepAlive: keepAlive
            )
        case .truncatedJSON?:
            let (_, headers, body) = server.normalResponse(request)
            let prefix = Array(body.prefix(max(1, body.count * 2 / 3)))
            respond(context: context, status: .ok, headers: headers, body: prefix, keepAlive: false)
        case .custom(let code, let headers, let body)?:
            respond(
                context: context,
                status: HTTPResponseStatus(statusCode: code),
                headers: headers,
                body: body,
                keepAlive: keepAlive
            )
        }
    }

    private func respond(
        context: ChannelHandlerContext,
        status: HTTPResponseStatus,
        headers: [(String, String)],
        body: [UInt8],
        keepAlive: Bool
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        head.headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                bound.value.close(promise: nil)
            }
        }
    }
}

/// Runs `body` with a started ``RandomUserTestServer`` on an ephemeral loopback port and stops it before returning,
/// also when `body` throws; the body's error is rethrown (an error stopping the server only when the body succeeded).
public func withRandomUserTestServer<Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RandomUserTestServer) async throws -> Result
) async throws -> Result {
    let server = RandomUserTestServer()
    try await server.start()
    let result: Result
    do {
        result = try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
    return result
}
