/// Limits and defaults of `TrinoQueryManager`.
public struct TrinoQueryManagerConfiguration: Sendable, Hashable {
    /// Rows per page of results (one `nextUri` response). Default 1,000.
    public var pageRowLimit: Int
    /// Approximate JSON bytes per page; a page holds at least one row. Default 1 MiB.
    public var pageByteLimit: Int
    /// Rows a query may return; more fails the query with `GENERIC_INSUFFICIENT_RESOURCES` (results are held in
    /// memory until the client has read them). Default 100,000.
    public var maxResultRows: Int
    /// Bytes of cells a query may return, same failure. Default 64 MiB.
    public var maxResultBytes: Int
    /// How long a query may run in SQLite; longer fails with `EXCEEDED_TIME_LIMIT`. Default 60 s.
    public var queryTimeLimit: Duration
    /// Queries registered and not yet fully read at once; more are refused with `QUERY_QUEUE_FULL`. Default 64.
    public var maxLiveQueries: Int
    /// A query whose client has not asked for its next page for this long is abandoned and dropped (Trino's
    /// `query.client.timeout`). Default 5 minutes.
    public var abandonedQueryTimeout: Duration
    /// How long a finished query's last page stays available for a client retrying it. Default 30 s.
    public var finishedQueryRetention: Duration
    /// What `SELECT version()` returns and what `X-Trino-…` clients see as the server version.
    public var serverVersion: String

    public init(
        pageRowLimit: Int = 1_000,
        pageByteLimit: Int = 1 << 20,
        maxResultRows: Int = 100_000,
        maxResultBytes: Int = 64 << 20,
        queryTimeLimit: Duration = .seconds(60),
        maxLiveQueries: Int = 64,
        abandonedQueryTimeout: Duration = .seconds(300),
        finishedQueryRetention: Duration = .seconds(30),
        serverVersion: String = "435-userstream"
    ) {
        self.pageRowLimit = pageRowLimit
        self.pageByteLimit = pageByteLimit
        self.maxResultRows = maxResultRows
        self.maxResultBytes = maxResultBytes
        self.queryTimeLimit = queryTimeLimit
        self.maxLiveQueries = maxLiveQueries
        self.abandonedQueryTimeout = abandonedQueryTimeout
        self.finishedQueryRetention = finishedQueryRetention
        self.serverVersion = serverVersion
    }
}
