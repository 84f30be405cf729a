import Pipeline
import Store
import TrinoProtocol
import UserStreamCore

/// What the HTTP routes serve: the store, the scheduler when the pipeline runs in this process, and the Trino query
/// manager. Controllers (Trino, health, the dashboard's `/api/…`) take what they need from it.
public struct HTTPServerContext: Sendable {
    /// The embedded store; read-only under `userstream serve`.
    public var store: SQLiteStore
    /// The `user_automation` scheduler under `userstream run`; `nil` under `userstream serve`.
    public var scheduler: JobScheduler?
    /// The log under `userstream run` (for consumer lag and DLQ views); `nil` under `userstream serve`.
    public var log: (any Log)?
    /// Trino's query lifecycle over ``store``, shared by every request of the server.
    public var trino: TrinoQueryManager
    /// The version `/v1/info` and `SELECT version()` report.
    public var version: String
    /// When the server process started, for `/v1/info`'s `uptime`.
    public var startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - store: the embedded store.
    ///   - scheduler: the scheduler when the pipeline runs in this process (readiness then requires it running).
    ///   - trino: the Trino query manager; default one over `store` with the default configuration.
    public init(
        store: SQLiteStore,
        scheduler: JobScheduler? = nil,
        log: (any Log)? = nil,
        trino: TrinoQueryManager? = nil,
        version: String = TrinoQueryManagerConfiguration().serverVersion
    ) {
        self.store = store
        self.scheduler = scheduler
        self.log = log
        self.trino = trino ?? TrinoQueryManager(executor: store)
        self.version = version
        self.startedAt = .now
    }
}
