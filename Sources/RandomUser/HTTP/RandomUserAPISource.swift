import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import UserStreamCore

/// A `UserSource` (name `randomuser`) fetching users from randomuser.me (or a compatible server) over
/// AsyncHTTPClient.
///
/// Each `nextBatch(maxUsers:)` makes one logical request for `min(maxUsers, 5000)` users, retried up to
/// `maxAttempts` times: HTTP 429 (honouring `Retry-After`), 5xx, timeouts, connection failures, `{"error": …}`
/// bodies and malformed or truncated JSON are retried with exponential backoff and full jitter; other 4xx (e.g. 404
/// for an unknown version path) fail at once with `UserSourceError(.invalidConfiguration)`. Every error met is
/// counted by kind (`timeout`, `connection`, `http_429`, `http_5xx`, `http_4xx`, `error_body`, `malformed_json`) in
/// the batch, or in the `UserSourceError(.retriesExhausted)` thrown after the last attempt. Each attempt first takes
/// its users from the shared `RandomUserRequestBudget`.
public final class RandomUserAPISource: UserSource {
    public let name = "randomuser"
    public let configuration: RandomUserAPIConfiguration

    private let client: HTTPClient
    private let logger: Logger
    private let nextPage = Mutex(1)

    public init(
        configuration: RandomUserAPIConfiguration = RandomUserAPIConfiguration(),
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "userstream.randomuser")
    ) {
        self.configuration = configuration
        self.client = httpClient
        self.logger = logger
    }

    /// Error kinds counted in `SourceBatch.errors` and `UserSourceError.errors`.
    public enum ErrorKind {
        public static let timeout = "timeout"
        public static let connection = "connection"
        public static let http429 = "http_429"
        public static let http5xx = "http_5xx"
        public static let http4xx = "http_4xx"
        public static let errorBody = "error_body"
        public static let malformedJSON = "malformed_json"
    }

    private enum Outcome {
        case success([SourcedUser])
        /// Retry after the computed backoff, or after `after` when the server said so.
        case retry(kind: String, message: String, after: Duration?)
        case fail(UserSourceError.Code, kind: String, message: String)
    }

    public func nextBatch(maxUsers: Int) async throws -> SourceBatch? {
        guard maxUsers >= 1 else {
            throw UserSourceError(code: .invalidConfiguration, message: "maxUsers must be at least 1, got \(maxUsers)")
        }
        let count = min(maxUsers, RandomUserAPIConfiguration.maxResultsPerRequest)
        var page: Int?
        if configuration.seed != nil {
            page = nextPage.withLock { page in
                defer { page += 1 }
                return page
            }
        }
        let url = requestURL(results: count, page: page)
        var logger = self.logger
        logger[metadataKey: "randomuser.url"] = "\(url)"

        var requests = 0
        var errors: [String: Int] = [:]
        let attempts = max(1, configuration.maxAttempts)
        for attempt in 1...attempts {
            do {
                try await configuration.budget.acquire(count)
            } catch {
                throw UserSourceError(
                    code: .cancelled,
                    message: "cancelled while waiting for the request budget",
                    requests: requests,
                    errors: errors
                )
            }
            if Task.isCancelled {
                throw UserSourceError(code: .cancelled, message: "cancelled", requests: requests, errors: errors)
            }
            requests += 1
            logger.debug(
                "randomuser request",
                metadata: ["randomuser.attempt": "\(attempt)", "randomuser.results": "\(count)"]
            )
            let started = ContinuousClock.now
            switch await attemptRequest(url: url) {
            case .success(let users):
                logger.info(
                    "randomuser batch fetched",
                    metadata: [
                        "randomuser.users": "\(users.count)",
                        "randomuser.requests": "\(requests)",
                        "randomuser.duration_ms": "\((ContinuousClock.now - started).milliseconds)",
                    ]
                )
                return SourceBatch(users: users, requests: requests, errors: errors)
            case .fail(let code, let kind, let message):
                errors[kind, default: 0] += 1
                logger.warning(
                    "randomuser request failed, not retried",
                    metadata: ["randomuser.error.kind": "\(kind)", "randomuser.error": "\(message)"]
                )
                throw UserSourceError(code: code, message: message, requests: requests, errors: errors)
            case .retry(let kind, let message, let after):
                if Task.isCancelled {
                    // The request most likely failed because it was cancelled: not an API error.
                    throw UserSourceError(
                        code: .cancelled,
                        message: "cancelled during a request (\(kind): \(message))",
                        requests: requests,
                        errors: errors
                    )
                }
                errors[kind, default: 0] += 1
                guard attempt < attempts else {
                    logger.warning(
                        "randomuser retries exhausted",
                        metadata: ["randomuser.error.kind": "\(kind)", "randomuser.requests": "\(requests)"]
                    )
                    throw UserSourceError(
                        code: .retriesExhausted,
                        message: "gave up after \(requests) requests; last error \(kind): \(message)",
                        requests: requests,
                        errors: errors
                    )
                }
                let delay = after ?? backoff(attempt: attempt)
                logger.warning(
                    "randomuser request failed, retrying",
                    metadata: [
                        "randomuser.error.kind": "\(kind)",
                        "randomuser.error": "\(message)",
                        "randomuser.attempt": "\(attempt)",
                        "randomuser.retry_in_ms": "\(delay.milliseconds)",
                    ]
                )
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw UserSourceError(
                        code: .cancelled,
                        message: "cancelled during backoff after \(kind)",
                        requests: requests,
                        errors: errors
                    )
                }
            }
        }
        preconditionFailure("unreachable: the loop returns or throws")
    }

    /// Full jitter: uniform in `0 ... min(cap, base * 2^(attempt-1))`.
    func backoff(attempt: Int) -> Duration {
        let base = configuration.backoffBase.seconds
        let cap = configuration.backoffCap.seconds
        let ceiling = min(cap, base * Double(1 << min(attempt - 1, 30)))
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64(Double.random(in: 0...ceiling) * 1000))
    }

    func requestURL(results: Int, page: Int?) -> String {
        var query = "results=\(results)"
        if let nat = configuration.nat, !nat.isEmpty { query += "&nat=" + Self.percentEncode(nat) }
        if let seed = configuration.seed {
            query += "&seed=" + Self.percentEncode(seed)
            if let page { query += "&page=\(page)" }
        }
        let base = configuration.apiURL
        return base + (base.contains("?") ? "&" : "?") + query
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ","):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 16 ? "%0" + hex : "%" + hex
            }
        }
        return out
    }

    private func attemptRequest(url: String) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "userstream")
        let timeout = TimeAmount.nanoseconds(configuration.requestTimeout.nanoseconds)
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status
            headers = response.headers
            body = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return .retry(kind: ErrorKind.timeout, message: "\(error)", after: nil)
            default:
                return .retry(kind: ErrorKind.connection, message: "\(error)", after: nil)
            }
        } catch is NIOTooManyBytesError {
            return .retry(
                kind: ErrorKind.malformedJSON,
                message: "body larger than \(configuration.maxResponseBytes) bytes",
                after: nil
            )
        } catch {
            return .retry(kind: ErrorKind.connection, message: "\(error)", after: nil)
        }

        let bytes = body.readableBytesView
        switch status.code {
        case 200..<300:
            do {
                let response = try RandomUserResponse.decode(bytes)
                return .success(response.users)
            } catch {
                return .retry(kind: error.kind, message: error.message, after: nil)
            }
        case 429:
            let after = headers.first(name: "Retry-After").flatMap {
                RetryAfter.delay($0, maximum: configuration.maxRetryAfter)
            }
            return .retry(kind: ErrorKind.http429, message: "HTTP 429: \(Self.snippet(bytes))", after: after)
        case 408:
            return .retry(kind: ErrorKind.timeout, message: "HTTP 408", after: nil)
        case 500...:
            return .retry(kind: ErrorKind.http5xx, message: "HTTP \(status.code): \(Self.snippet(bytes))", after: nil)
        case 400..<500:
            if Self.errorBody(bytes) == .errorBody {
                return .retry(
                    kind: ErrorKind.errorBody,
                    message: "HTTP \(status.code): \(Self.snippet(bytes))",
                    after: nil
                )
            }
            return .fail(
                .invalidConfiguration,
                kind: ErrorKind.http4xx,
                message:
                    "HTTP \(status.code) \(status.reasonPhrase) from \(url): check apiURL and parameters (\(Self.snippet(bytes)))"
            )
        default:
            return .retry(kind: ErrorKind.connection, message: "unexpected HTTP \(status.code)", after: nil)
        }
    }

    private static func errorBody(_ bytes: some Collection<UInt8>) -> RandomUserResponseError.Code? {
        do {
            _ = try RandomUserResponse.decode(bytes)
            return nil
        } catch {
            return error.code
        }
    }

    private static func snippet(_ bytes: some Collection<UInt8>) -> String {
        let prefix = bytes.prefix(200)
        return String(decoding: prefix, as: UTF8.self) + (bytes.count > 200 ? "…" : "")
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
