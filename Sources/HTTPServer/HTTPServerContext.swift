import Pipeline
import SQLiteStore
import Synchronization
import TrinoFrontEnd
import UserStreamCore

/// What the HTTP routes serve: the store, the scheduler when the pipeline runs in this process, and the Trino query
/// manager. Controllers (Trino, health, the dashboard's `/api/…`) take what they need from it.
public struct HTTPServerContext: Sendable {
    /// The embedded store; read-only under `userstream serve`.
    public var store: SQLiteStore
    /// The `user_automation` scheduler under `userstream run`; `nil` under `userstream serve`.
    public var scheduler: JobScheduler?
    /// Trino's query lifecycle over ``store``, shared by every request of the server.
    public var trino: TrinoQueryManager
    /// More checks `/readyz` runs besides the store's and the scheduler's: the log, Cassandra.
    public var readiness: [ReadinessCheck]
    /// The version `/v1/info` and `SELECT version()` report.
    public var version: String
    /// When the server process started, for `/v1/info`'s `uptime`.
    public var startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - store: the embedded store.
    ///   - scheduler: the scheduler when the pipeline runs in this process (readiness then requires it running).
    ///   - trino: the Trino query manager; default one over `store` with the default configuration, whose schema is
    ///     the store's keyspace.
    ///   - readiness: more checks for `/readyz` (each must finish within its timeout).
    public init(
        store: SQLiteStore,
        scheduler: JobScheduler? = nil,
        trino: TrinoQueryManager? = nil,
        readiness: [ReadinessCheck] = [],
        version: String = TrinoQueryManagerConfiguration().serverVersion
    ) {
        self.store = store
        self.scheduler = scheduler
        self.trino =
            trino ?? TrinoQueryManager(executor: store, catalog: TrinoCatalog(keyspace: store.configuration.keyspace))
        self.readiness = readiness
        self.version = version
        self.startedAt = .now
    }
}

/// One dependency `/readyz` checks: ready when `check` returns within `timeout`, not ready when it throws or takes
/// longer.
///
/// ```swift
/// ReadinessCheck("log") { _ = try await log.partitionCount(of: Topics.usersCreated) }
/// ```
public struct ReadinessCheck: Sendable {
    public var name: String
    public var timeout: Duration
    public var check: @Sendable () async throws -> Void

    public init(_ name: String, timeout: Duration = .seconds(3), _ check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.timeout = timeout
        self.check = check
    }

    /// "ok", or "failed: <why>". A check that does not answer in time is left to finish on its own (a client
    /// library call may not honour cancellation), so that `/readyz` itself always answers within `timeout`.
    func outcome() async -> String {
        let pending = PendingAnswer()
        return await withCheckedContinuation { continuation in
            pending.continuation.withLock { $0 = continuation }
            let timer = Task { [timeout, name] in
                try? await Task.sleep(for: timeout)
                guard let late = pending.continuation.withLock({ $0.take() }) else { return }
                pending.checker.withLock { $0 }?.cancel()
                late.resume(returning: "failed: \(name) did not answer within \(timeout)")
            }
            let checker = Task {
                let outcome: String
                do {
                    try await check()
                    outcome = "ok"
                } catch {
                    outcome = "failed: \(error)"
                }
                guard let answer = pending.continuation.withLock({ $0.take() }) else { return }
                // Answered in time: the timer has nothing left to do.
                timer.cancel()
                answer.resume(returning: outcome)
            }
            pending.checker.withLock { $0 = checker }
        }
    }
}

/// The continuation of a readiness check, resumed once by whichever comes first: the answer or the timeout.
private final class PendingAnswer: Sendable {
    let continuation = Mutex<CheckedContinuation<String, Never>?>(nil)
    /// The task running the check, cancelled when the timeout answers first.
    let checker = Mutex<Task<Void, Never>?>(nil)
}
