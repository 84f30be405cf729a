import Foundation
import Hummingbird
import Logging
import Pipeline
import SQLiteStore
import ServiceLifecycle
import UserStreamCore

/// The dashboard: the pages (`/`, `/sql`), live pipeline health as server-sent events (`/api/events`), the JSON API
/// under `/api`, and the controls (trigger a run, pause/resume the schedule).
///
/// Everything is served from the binary: the HTML, CSS and JavaScript are string constants, charts are SVG drawn by
/// the page's own script, so the dashboard works offline.
///
/// ```swift
/// let dashboard = DashboardController(store: store, scheduler: scheduler, logOffsets: { … })
/// dashboard.addRoutes(to: router)
/// ```
public struct DashboardController: Sendable {
    /// Settings with documented defaults.
    public struct Configuration: Sendable, Hashable {
        /// Interval between two server-sent snapshots. Default 1 s.
        public var eventInterval: Duration = .seconds(1)
        /// Most rows `POST /api/query` and `GET /api/query.csv` return. Default 1000.
        public var maxQueryRows: Int = 1000
        /// Runs shown and used for the API error rate and dead-letter reasons. Default 20.
        public var recentRuns: Int = 20
        /// Minutes of the users-per-minute chart. Default 120.
        public var chartMinutes: Int = 120

        public init() {}
    }

    let data: DashboardData
    let configuration: Configuration
    let logger: Logger
    /// The ingested and processed rates, over the last 10 s of snapshots.
    let rates: RateMeter

    /// - Parameters:
    ///   - store: the store to read (may be opened read-only).
    ///   - scheduler: the `user_automation` scheduler of this process (`run`); nil in `serve`, where the controls
    ///     answer 409.
    ///   - logOffsets: the log's earliest and end offsets per partition of the topic the processor consumes, for the
    ///     consumer lag; nil when this process has no log (`serve`), lag is then "unknown".
    ///   - deadLetters: the monitor following `users_created.dlq`, for the latest dead-letter reasons; without one
    ///     they come from the runs that dead-lettered.
    public init(
        store: SQLiteStore,
        scheduler: JobScheduler?,
        logOffsets: (@Sendable () async throws -> [TopicPartition: ClosedOffsetRange])?,
        deadLetters: DeadLetterMonitor? = nil,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "userstream.dashboard")
    ) {
        self.data = DashboardData(
            store: store,
            scheduler: scheduler,
            logOffsets: logOffsets,
            deadLetters: deadLetters,
            recentRuns: configuration.recentRuns
        )
        self.configuration = configuration
        self.logger = logger
        self.rates = RateMeter(minimumSpan: configuration.eventInterval)
    }

    /// Adds the pages and the `/api` routes.
    public func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.html(DashboardAssets.dashboardPage) }
        router.get("/sql") { _, _ in Self.html(DashboardAssets.sqlPage) }
        router.get("/assets/dashboard.css") { _, _ in
            Self.text(DashboardAssets.css, contentType: "text/css; charset=utf-8")
        }
        router.get("/assets/dashboard.js") { _, _ in
            Self.text(DashboardAssets.script, contentType: "text/javascript; charset=utf-8")
        }

        let api = router.group("api")
        api.get("summary") { _, _ in try await answer { try await data.summary() } }
        api.get("runs") { request, _ in
            try await answer(request, "limit", default: configuration.recentRuns, in: 1...500) {
                try await data.runs(limit: $0)
            }
        }
        api.get("lag") { _, _ in try await answer { try await data.lag() } }
        api.get("users/newest") { request, _ in
            try await answer(request, "limit", default: 12, in: 1...200) { try await data.newestUsers(limit: $0) }
        }
        api.get("charts/users-per-minute") { request, _ in
            try await answer(request, "minutes", default: configuration.chartMinutes, in: 1...10_080) {
                try await data.usersPerMinute(minutes: $0)
            }
        }
        api.get("charts/gender") { _, _ in try await answer { try await data.buckets(.gender) } }
        api.get("charts/nationalities") { request, _ in
            try await answer(request, "limit", default: 15, in: 1...500) { limit in
                Array(try await data.buckets(.nat).prefix(limit))
            }
        }
        api.get("charts/ages") { _, _ in try await answer { try await data.ages() } }
        api.get("charts/registration-years") { _, _ in try await answer { try await data.registrationYears() } }
        api.get("events") { request, _ in
            switch Self.parameter(request, "count", in: 1...86_400) {
            case .failure(let response): response.response
            case .success(let count): events(count: count)
            }
        }

        api.post("query") { request, _ in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maxQueryBodyBytes)
            } catch {
                return Self.error(
                    .contentTooLarge,
                    "too_large",
                    "the body is larger than \(Self.maxQueryBodyBytes) bytes"
                )
            }
            guard
                let query = try? JSONDecoder().decode(
                    DashboardModels.QueryRequest.self,
                    from: Data(body.readableBytesView)
                )
            else {
                return Self.error(.badRequest, "bad_request", "expected a JSON body {\"sql\": \"SELECT …\"}")
            }
            let limit = query.limit ?? configuration.maxQueryRows
            guard (1...configuration.maxQueryRows).contains(limit) else {
                return Self.error(
                    .badRequest,
                    "bad_parameter",
                    "limit must be an integer from 1 to \(configuration.maxQueryRows)"
                )
            }
            return try await answer {
                let result = try await data.store.query(query.sql, limit: limit + 1)
                return DashboardModels.QueryResponse(
                    columns: result.columns,
                    rows: Array(result.rows.prefix(limit)),
                    truncated: result.rows.count > limit,
                    limit: limit
                )
            }
        }
        api.get("query.csv") { request, _ in
            guard let sql = request.uri.queryParameters.get("q"), !sql.isEmpty else {
                return Self.error(.badRequest, "bad_request", "missing query parameter q")
            }
            do {
                let result = try await data.store.query(sql, limit: configuration.maxQueryRows)
                var headers = HTTPFields()
                headers[.contentType] = "text/csv; charset=utf-8"
                headers[.contentDisposition] = "attachment; filename=\"query.csv\""
                return Response(
                    status: .ok,
                    headers: headers,
                    body: .init(byteBuffer: ByteBuffer(string: result.formatted(as: .csv)))
                )
            } catch {
                return Self.failure(error)
            }
        }

        api.post("runs") { _, _ in
            control("trigger") { $0.trigger() }
        }
        api.post("schedule/pause") { _, _ in
            control("pause") { $0.setPaused(true) }
        }
        api.post("schedule/resume") { _, _ in
            control("resume") { $0.setPaused(false) }
        }
    }

    // MARK: - Handlers

    func control(_ action: String, _ apply: (JobScheduler) -> Void) -> Response {
        guard let scheduler = data.scheduler else {
            return Self.error(
                .conflict,
                "no_scheduler",
                "no scheduler runs in this process (userstream serve): start `userstream run --http-port` to \(action)"
            )
        }
        apply(scheduler)
        let status: HTTPResponse.Status = action == "trigger" ? .accepted : .ok
        return Self.json(
            DashboardModels.ControlResponse(ok: true, action: action, scheduler: data.schedulerState),
            status: status
        )
    }

    /// Answers `body(value)` with the integer query parameter `name` (`value` when absent), or 400 `bad_parameter`
    /// when it is not an integer within `range`.
    func answer<T: Encodable>(
        _ request: Request,
        _ name: String,
        default value: Int,
        in range: ClosedRange<Int>,
        _ body: (Int) async throws -> T
    ) async throws -> Response {
        switch Self.parameter(request, name, in: range) {
        case .failure(let failure): return failure.response
        case .success(let number): return try await answer { try await body(number ?? value) }
        }
    }

    func answer<T: Encodable>(_ body: () async throws -> T) async throws -> Response {
        do {
            return Self.json(try await body())
        } catch {
            return Self.failure(error)
        }
    }

    /// `text/event-stream` of `HealthSnapshot`s every `eventInterval`; `?count=N` ends the stream after N snapshots.
    func events(count: Int?) -> Response {
        let data = self.data
        let interval = configuration.eventInterval
        let recent = configuration.recentRuns
        let logger = self.logger
        let rates = self.rates
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                var sent = 0
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                // Ends with the client (a failed write), cancellation, or the server's graceful shutdown.
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    if let count, sent >= count { break }
                    do {
                        let summary = try await data.summary()
                        let rate = rates.add(produced: summary.producedTotal, processed: summary.processedTotal)
                        let snapshot = DashboardModels.HealthSnapshot(
                            summary: summary,
                            ingestedPerSecond: rate?.ingested,
                            processedPerSecond: rate?.processed,
                            lag: try await data.lag(),
                            runs: try await data.runs(limit: recent)
                        )
                        let json = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
                        try await writer.write(ByteBuffer(string: "event: health\ndata: \(json)\n\n"))
                    } catch let error where !(error is CancellationError) {
                        logger.warning("dashboard.events_failed", metadata: ["error": "\(error)"])
                        try await writer.write(ByteBuffer(string: "event: failure\ndata: \(Self.jsonText(error))\n\n"))
                    }
                    sent += 1
                    if let count, sent >= count { break }
                    try await Task.sleep(for: interval)
                }
                try await writer.finish(nil)
            }
        )
    }

    // MARK: - Responses

    /// Largest body of `POST /api/query`: 1 MiB.
    static let maxQueryBodyBytes = 1 << 20

    /// A 400 answer, as the failure of ``parameter(_:_:in:)``.
    struct BadParameter: Error {
        var response: Response
    }

    /// The integer query parameter `name`: nil when absent, a failure (400 `bad_parameter`) when it is not an integer
    /// within `range`.
    static func parameter(_ request: Request, _ name: String, in range: ClosedRange<Int>) -> Result<Int?, BadParameter>
    {
        guard let text = request.uri.queryParameters.get(name) else { return .success(nil) }
        guard let number = Int(text), range.contains(number) else {
            let message = "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), not \"\(text)\""
            return .failure(BadParameter(response: error(.badRequest, "bad_parameter", message)))
        }
        return .success(number)
    }

    static func html(_ page: String) -> Response {
        text(page, contentType: "text/html; charset=utf-8")
    }

    static func text(_ body: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(DashboardModels.ErrorBody(error: .init(code: code, message: message)), status: status)
    }

    static func jsonText(_ error: any Error) -> String {
        let body = DashboardModels.ErrorBody(error: .init(code: "internal", message: "\(error)"))
        return (try? String(decoding: JSONEncoder().encode(body), as: UTF8.self)) ?? "{}"
    }

    /// Store errors about the statement are the client's (400); no data yet is 503; anything else 500.
    static func failure(_ error: any Error) -> Response {
        if let error = error as? StoreError {
            switch error.code.description {
            case "read_only_query", "invalid_query":
                return Self.error(.badRequest, error.code.description, error.message)
            case "no_data":
                return Self.error(.serviceUnavailable, error.code.description, error.message)
            default:
                return Self.error(.internalServerError, error.code.description, error.message)
            }
        }
        return Self.error(.internalServerError, "internal", "\(error)")
    }
}
