import UserStreamCore

/// How `RandomUserAPISource` talks to randomuser.me.
public struct RandomUserAPIConfiguration: Sendable {
    /// The API endpoint. Default `https://randomuser.me/api/` (latest version; pin with `/api/1.4/`).
    public var apiURL: String
    /// `nat=`: one code or a comma-separated list (`"us,dk,fr"`). Default `nil` (all nationalities).
    public var nat: String?
    /// `seed=`: with a seed, successive batches request `page=1, 2, 3, …` so they differ yet are reproducible.
    /// Default `nil` (random users).
    public var seed: String?
    /// Per-request timeout (headers and body). Default 10 s.
    public var requestTimeout: Duration
    /// Attempts per batch, the first included. Default 6.
    public var maxAttempts: Int
    /// Exponential backoff between attempts with full jitter: a random delay in
    /// `0 ... min(backoffCap, backoffBase * 2^(attempt-1))`. Defaults 0.5 s and 30 s.
    public var backoffBase: Duration
    public var backoffCap: Duration
    /// Upper bound on a `Retry-After` the source will honour. Default 5 minutes.
    public var maxRetryAfter: Duration
    /// Users per rolling window, shared across sources. Default `RandomUserRequestBudget.shared`
    /// (18,000 users per 300 s, inside the API's ≈20,000 per IP per 5 minutes).
    public var budget: RandomUserRequestBudget
    /// Largest response body read. Default 64 MiB.
    public var maxResponseBytes: Int

    /// The API's maximum `results` per request.
    public static let maxResultsPerRequest = 5000

    public init(
        apiURL: String = "https://randomuser.me/api/",
        nat: String? = nil,
        seed: String? = nil,
        requestTimeout: Duration = .seconds(10),
        maxAttempts: Int = 6,
        backoffBase: Duration = .milliseconds(500),
        backoffCap: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(300),
        budget: RandomUserRequestBudget = .shared,
        maxResponseBytes: Int = RandomUserResponse.maxBodyBytes
    ) {
        self.apiURL = apiURL
        self.nat = nat
        self.seed = seed
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxRetryAfter = maxRetryAfter
        self.budget = budget
        self.maxResponseBytes = maxResponseBytes
    }
}
