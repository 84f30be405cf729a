import Foundation
import Logging
import SQLiteStore
import Synchronization
import UserStreamCore

/// Why a `nextUri` or cancel request cannot be served; the HTTP layer answers with `httpStatus`.
public struct TrinoRequestError: Error, Sendable, Hashable {
    public var httpStatus: Int
    public var message: String

    /// Unknown (or expired, or wrong slug) query: 404.
    public static func notFound(_ queryID: String) -> TrinoRequestError {
        TrinoRequestError(httpStatus: 404, message: "Query not found: \(queryID)")
    }

    /// A token that is neither the last one served nor the next: 410 Gone, as Trino answers.
    public static func gone(_ queryID: String, token: Int) -> TrinoRequestError {
        TrinoRequestError(httpStatus: 410, message: "Token \(token) of query \(queryID) is no longer available")
    }
}

/// The query lifecycle of Trino's client protocol, without HTTP.
///
/// - `submit` (for `POST /v1/statement`) classifies and translates the statement and registers the query as
///   `QUEUED`; its response's `nextUri` is `<baseURL>/v1/statement/queued/<id>/<slug>/1`. Statements that fail to
///   parse, and session statements (`SET SESSION`, `USE`, `PREPARE`, …), are answered at once, without `nextUri`.
/// - `next` (for `GET <nextUri>`) with the next token runs the query on the caller's task the first time (no
///   background tasks), then serves the rows page by page (`pageRowLimit` rows / `pageByteLimit` bytes); the last
///   page has no `nextUri` and state `FINISHED`. Asking again for the token last served returns the same page (clients
///   retry); other tokens are `410 Gone`.
/// - `cancel` (for `DELETE <nextUri>`) interrupts a running query and forgets it.
/// - Queries not polled for `abandonedQueryTimeout` are dropped on the next call (or `expireAbandonedQueries()`).
public final class TrinoQueryManager: Sendable {
    public let configuration: TrinoQueryManagerConfiguration
    public let catalog: TrinoCatalog
    private let executor: any TrinoSQLExecutor
    private let now: @Sendable () -> Duration
    private let logger: Logger
    private let state: Mutex<State>
    private let coordinatorID: String

    private enum Phase {
        case queued(TranslatedQuery?, immediate: (columns: [Column], rows: [[TrinoValue]])?)
        case running(QueryInterrupter)
        case ready(columns: [Column], rows: [[TrinoValue]], offset: Int)
        case finished
    }

    private struct Entry {
        let id: String
        let slug: String
        let created: Duration
        var lastAccess: Duration
        var phase: Phase
        var lastToken: Int
        var lastResponse: QueryResults
        var processedRows: Int64 = 0

        var isFinished: Bool {
            if case .finished = phase { return true }
            return false
        }
    }

    private struct State {
        var queries: [String: Entry] = [:]
        var counter = 0
    }

    /// - Parameters:
    ///   - executor: where queries run, normally the `SQLiteStore`.
    ///   - now: a monotonic clock (tests pass a manual one).
    public init(
        executor: any TrinoSQLExecutor,
        catalog: TrinoCatalog = TrinoCatalog(),
        configuration: TrinoQueryManagerConfiguration = TrinoQueryManagerConfiguration(),
        logger: Logger = Logger(label: "userstream.trino"),
        now: (@Sendable () -> Duration)? = nil
    ) {
        self.executor = executor
        self.catalog = catalog
        self.configuration = configuration
        self.logger = logger
        if let now {
            self.now = now
        } else {
            let origin = ContinuousClock.now
            self.now = { ContinuousClock.now - origin }
        }
        self.state = Mutex(State())
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        self.coordinatorID = String((0..<5).map { _ in letters.randomElement()! })
    }

    /// Number of queries currently held (running, or with pages left or retained).
    public var queryCount: Int { state.withLock { $0.queries.count } }

    // MARK: - POST /v1/statement

    /// Starts a statement. `baseURL` is the server's external URL without a trailing slash (`http://host:8080`),
    /// from which `nextUri` and `infoUri` are built.
    public func submit(sql: String, session: TrinoSession, baseURL: String) -> TrinoResponse {
        let time = now()
        let id = state.withLock { state in
            expire(&state, at: time)
            state.counter += 1
            return Self.queryID(counter: state.counter, coordinator: coordinatorID)
        }
        let classifier = TrinoStatementClassifier(
            catalog: catalog,
            session: session,
            serverVersion: configuration.serverVersion
        )
        let statement: TrinoStatement
        do {
            statement = try classifier.classify(sql)
        } catch {
            logger.debug(
                "trino.query.rejected",
                metadata: ["trino.query_id": "\(id)", "trino.error": "\(error.message)"]
            )
            return TrinoResponse(results: failed(id: id, baseURL: baseURL, error, elapsed: .zero))
        }
        let phase: Phase
        switch statement {
        case .sessionUpdate(let updateType, let headers):
            return TrinoResponse(
                results: QueryResults(
                    id: id,
                    infoUri: infoURI(id, baseURL),
                    columns: [Column(name: "result", type: .boolean)],
                    data: [[.boolean(true)]],
                    stats: stats("FINISHED", scheduled: true, completed: true, elapsed: .zero, rows: 0),
                    updateType: updateType
                ),
                headers: headers
            )
        case .rows(let columns, let rows):
            phase = .queued(nil, immediate: (columns, rows))
        case .query(let query):
            phase = .queued(query, immediate: nil)
        }
        let slug = Self.slug()
        let response = QueryResults(
            id: id,
            infoUri: infoURI(id, baseURL),
            nextUri: nextURI(baseURL, kind: "queued", id: id, slug: slug, token: 1),
            stats: stats("QUEUED", queued: true, elapsed: .zero, rows: 0)
        )
        let admitted = state.withLock { state -> Bool in
            let live = state.queries.values.filter { !$0.isFinished }.count
            guard live < configuration.maxLiveQueries else { return false }
            // Finished queries are kept only for retries; bound them too.
            if state.queries.count >= configuration.maxLiveQueries * 4,
                let oldest = state.queries.values.filter(\.isFinished).min(by: { $0.lastAccess < $1.lastAccess })
            {
                state.queries[oldest.id] = nil
            }
            state.queries[id] = Entry(
                id: id,
                slug: slug,
                created: time,
                lastAccess: time,
                phase: phase,
                lastToken: 0,
                lastResponse: response
            )
            return true
        }
        guard admitted else {
            let failure = TrinoQueryFailure(
                .queryQueueFull,
                "Too many queued queries: at most \(configuration.maxLiveQueries) queries may run at once"
            )
            return TrinoResponse(results: failed(id: id, baseURL: baseURL, failure, elapsed: .zero))
        }
        return TrinoResponse(results: response)
    }

    // MARK: - GET nextUri

    /// The page for `token` of the query (the path segments of its `nextUri`).
    public func next(
        queryID: String,
        slug: String,
        token: Int,
        baseURL: String
    ) async throws(TrinoRequestError)
        -> TrinoResponse
    {
        let time = now()
        enum Step {
            case respond(QueryResults)
            case execute(TranslatedQuery, QueryInterrupter)
        }
        let step = try state.withLock { state throws(TrinoRequestError) -> Step in
            expire(&state, at: time)
            guard var entry = state.queries[queryID], entry.slug == slug else { throw .notFound(queryID) }
            entry.lastAccess = time
            defer { state.queries[queryID] = entry }
            if token == entry.lastToken { return .respond(entry.lastResponse) }
            guard token == entry.lastToken + 1 else { throw .gone(queryID, token: token) }
            switch entry.phase {
            case .queued(let query, let immediate):
                if let query {
                    let interrupter = QueryInterrupter(timeLimit: configuration.queryTimeLimit)
                    entry.phase = .running(interrupter)
                    return .execute(query, interrupter)
                }
                entry.phase = .ready(columns: immediate?.columns ?? [], rows: immediate?.rows ?? [], offset: 0)
                return .respond(page(&entry, token: token, baseURL: baseURL, at: time))
            case .running:
                // Another request is executing this token: tell the client to come back for the same one.
                return .respond(
                    QueryResults(
                        id: entry.id,
                        infoUri: infoURI(entry.id, baseURL),
                        nextUri: nextURI(baseURL, kind: "executing", id: entry.id, slug: slug, token: token),
                        stats: stats("RUNNING", scheduled: true, elapsed: time - entry.created, rows: 0)
                    )
                )
            case .ready:
                return .respond(page(&entry, token: token, baseURL: baseURL, at: time))
            case .finished:
                throw .gone(queryID, token: token)
            }
        }
        switch step {
        case .respond(let results):
            return TrinoResponse(results: results)
        case .execute(let query, let interrupter):
            let outcome: Result<(columns: [Column], rows: [[TrinoValue]]), TrinoQueryFailure>
            do {
                let result = try await executor.typedQuery(
                    query.sql,
                    maxRows: configuration.maxResultRows,
                    maxBytes: configuration.maxResultBytes,
                    interrupter: interrupter
                )
                if result.isComplete {
                    let columns = TrinoResultMapping.columns(result, query: query)
                    let rows = result.rows.map { row in
                        zip(row, columns).map { value, column in
                            TrinoResultMapping.value(value, as: Self.type(of: column))
                        }
                    }
                    outcome = .success((columns, rows))
                } else {
                    outcome = .failure(
                        TrinoQueryFailure(
                            .genericInsufficientResources,
                            "Query exceeded the maximum result size of \(configuration.maxResultRows) rows or "
                                + "\(configuration.maxResultBytes) bytes; add a LIMIT or aggregate"
                        )
                    )
                }
            } catch {
                outcome = .failure(
                    TrinoResultMapping.failure(
                        error,
                        query: query,
                        interrupter: interrupter,
                        timeLimit: configuration.queryTimeLimit
                    )
                )
            }
            let done = now()
            return try state.withLock { state throws(TrinoRequestError) -> TrinoResponse in
                guard var entry = state.queries[queryID] else {
                    // Cancelled (or expired) while running.
                    let failure = TrinoQueryFailure(.userCanceled, "Query was canceled")
                    return TrinoResponse(results: failed(id: queryID, baseURL: baseURL, failure, elapsed: .zero))
                }
                defer { state.queries[queryID] = entry }
                entry.lastAccess = done
                switch outcome {
                case .success(let result):
                    entry.phase = .ready(columns: result.columns, rows: result.rows, offset: 0)
                    entry.processedRows = Int64(result.rows.count)
                    return TrinoResponse(results: page(&entry, token: token, baseURL: baseURL, at: done))
                case .failure(let failure):
                    logger.debug(
                        "trino.query.failed",
                        metadata: ["trino.query_id": "\(queryID)", "trino.error": "\(failure.message)"]
                    )
                    let results = failed(id: queryID, baseURL: baseURL, failure, elapsed: done - entry.created)
                    entry.phase = .finished
                    entry.lastToken = token
                    entry.lastResponse = results
                    return TrinoResponse(results: results)
                }
            }
        }
    }

    // MARK: - DELETE nextUri

    /// Cancels the query: interrupts it if it is running and forgets it. Returns whether it was known.
    @discardableResult
    public func cancel(queryID: String, slug: String) -> Bool {
        state.withLock { state in
            guard let entry = state.queries[queryID], entry.slug == slug else { return false }
            if case .running(let interrupter) = entry.phase { interrupter.cancel() }
            state.queries[queryID] = nil
            return true
        }
    }

    /// Drops queries abandoned by their clients and finished queries past their retention. Called on every request;
    /// a server may also call it from a timer.
    public func expireAbandonedQueries() {
        let time = now()
        state.withLock { expire(&$0, at: time) }
    }

    // MARK: - State machine helpers (called with the lock held)

    private func expire(_ state: inout State, at time: Duration) {
        for (id, entry) in state.queries {
            let limit = entry.isFinished ? configuration.finishedQueryRetention : configuration.abandonedQueryTimeout
            guard time - entry.lastAccess > limit else { continue }
            if case .running(let interrupter) = entry.phase { interrupter.cancel() }
            state.queries[id] = nil
            if !entry.isFinished {
                logger.debug("trino.query.abandoned", metadata: ["trino.query_id": "\(id)"])
            }
        }
    }

    /// Serves the next rows of a ready query and records the response for retries.
    private func page(_ entry: inout Entry, token: Int, baseURL: String, at time: Duration) -> QueryResults {
        guard case .ready(let columns, let rows, let offset) = entry.phase else { return entry.lastResponse }
        var end = offset
        var bytes = 0
        while end < rows.count && end - offset < configuration.pageRowLimit
            && (end == offset || bytes < configuration.pageByteLimit)
        {
            bytes += rows[end].reduce(2) { $0 + $1.estimatedBytes }
            end += 1
        }
        let last = end >= rows.count
        let results = QueryResults(
            id: entry.id,
            infoUri: infoURI(entry.id, baseURL),
            nextUri: last ? nil : nextURI(baseURL, kind: "executing", id: entry.id, slug: entry.slug, token: token + 1),
            columns: columns,
            data: end > offset ? Array(rows[offset..<end]) : nil,
            stats: stats(
                last ? "FINISHED" : "RUNNING",
                scheduled: true,
                completed: last,
                elapsed: time - entry.created,
                rows: entry.processedRows
            )
        )
        entry.phase = last ? .finished : .ready(columns: columns, rows: rows, offset: end)
        entry.lastToken = token
        entry.lastResponse = results
        return results
    }

    private func failed(id: String, baseURL: String, _ failure: TrinoQueryFailure, elapsed: Duration) -> QueryResults {
        QueryResults(
            id: id,
            infoUri: infoURI(id, baseURL),
            stats: stats("FAILED", scheduled: true, completed: true, elapsed: elapsed, rows: 0),
            error: failure.queryError
        )
    }

    private func stats(
        _ state: String,
        queued: Bool = false,
        scheduled: Bool = false,
        completed: Bool = false,
        elapsed: Duration,
        rows: Int64
    ) -> StatementStats {
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return StatementStats(
            state: state,
            queued: queued,
            scheduled: scheduled,
            progressPercentage: scheduled ? (completed ? 100 : 0) : nil,
            nodes: scheduled ? 1 : 0,
            totalSplits: scheduled ? 1 : 0,
            queuedSplits: 0,
            runningSplits: scheduled && !completed ? 1 : 0,
            completedSplits: completed ? 1 : 0,
            cpuTimeMillis: milliseconds,
            wallTimeMillis: milliseconds,
            queuedTimeMillis: 0,
            elapsedTimeMillis: milliseconds,
            processedRows: rows,
            processedBytes: 0,
            physicalInputBytes: 0,
            peakMemoryBytes: 0,
            spilledBytes: 0
        )
    }

    private func infoURI(_ id: String, _ baseURL: String) -> String { "\(baseURL)/ui/query.html?\(id)" }

    private func nextURI(_ baseURL: String, kind: String, id: String, slug: String, token: Int) -> String {
        "\(baseURL)/v1/statement/\(kind)/\(id)/\(slug)/\(token)"
    }

    private static func type(of column: Column) -> TrinoType {
        switch column.type {
        case "bigint": .bigint
        case "integer": .integer
        case "double": .double
        case "boolean": .boolean
        case "timestamp(3)": .timestamp3
        case "timestamp(3) with time zone": .timestamp3WithTimeZone
        case "date": .date
        case "uuid": .uuid
        default: .varchar
        }
    }

    /// Trino's query id shape: `20240501_120000_00001_abcde` (UTC time, counter, coordinator id).
    static func queryID(counter: Int, coordinator: String) -> String {
        let milliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let digits = Timestamp.iso8601(milliseconds: milliseconds).filter(\.isNumber)
        let date = digits.prefix(8)
        let time = digits.dropFirst(8).prefix(6)
        let number = String(counter % 100_000)
        return "\(date)_\(time)_\(String(repeating: "0", count: 5 - number.count) + number)_\(coordinator)"
    }

    private static func slug() -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "y" + String((0..<15).map { _ in characters.randomElement()! })
    }
}

/// The parts of a `nextUri` path: `/v1/statement/{queued|executing}/<queryId>/<slug>/<token>`.
public struct TrinoStatementPath: Sendable, Hashable {
    public var queryID: String
    public var slug: String
    public var token: Int

    /// Parses a request path; `nil` if it is not a statement `nextUri` path.
    public init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[0] == "v1", parts[1] == "statement",
            parts[2] == "queued" || parts[2] == "executing",
            let token = Int(parts[5]), token >= 0
        else { return nil }
        queryID = String(parts[3])
        slug = String(parts[4])
        self.token = token
    }
}
