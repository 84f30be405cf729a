/// One user object as a source delivered it: decoded, or rejected with the reason and the raw JSON so that it can
/// be dead-lettered without loss.
public enum SourcedUser: Sendable {
    case user(RandomUserProfile)
    case rejected(raw: [UInt8], reason: String)
}

/// What one fetch from a source returned.
public struct SourceBatch: Sendable {
    public var users: [SourcedUser]
    /// Requests made for this batch, retries included (0 for sources that make none).
    public var requests: Int
    /// Errors met (and retried) while fetching this batch, by kind.
    public var errors: [String: Int]

    public init(users: [SourcedUser], requests: Int = 0, errors: [String: Int] = [:]) {
        self.users = users
        self.requests = requests
        self.errors = errors
    }
}

/// Where users come from: randomuser.me over HTTP, the synthetic generator, or a replay file.
public protocol UserSource: Sendable {
    /// `randomuser`, `synthetic` or `replay`: written in the `source` header and the job run.
    var name: String { get }

    /// Fetches up to `maxUsers` users. Returns `nil` when the source is exhausted (a replay file at its end).
    /// Throws `UserSourceError` when retries are exhausted; the error carries the errors met by kind.
    func nextBatch(maxUsers: Int) async throws -> SourceBatch?
}

/// A source gave up (retries exhausted, or a non-retryable failure).
public struct UserSourceError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        public static let retriesExhausted = Code(base: "retriesExhausted")
        public static let invalidConfiguration = Code(base: "invalidConfiguration")
        public static let unreadable = Code(base: "unreadable")
        public static let cancelled = Code(base: "cancelled")
        public var description: String { base }
    }

    public var code: Code
    public var message: String
    /// Requests made, retries included.
    public var requests: Int
    /// Errors met by kind.
    public var errors: [String: Int]

    public init(code: Code, message: String, requests: Int = 0, errors: [String: Int] = [:]) {
        self.code = code
        self.message = message
        self.requests = requests
        self.errors = errors
    }

    public var description: String { "\(code): \(message)" }
}
