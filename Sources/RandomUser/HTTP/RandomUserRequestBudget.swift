import Synchronization

/// A rolling-window budget of users requested from randomuser.me, shared by everything in a process that calls the
/// API (several job runs, several sources).
///
/// randomuser allows about 20,000 users per IP per 5 minutes; the default, 18,000 per rolling 300 s, stays inside
/// that. `acquire(_:)` waits until the window has room, and ends promptly when the task is cancelled.
public final class RandomUserRequestBudget: Sendable {
    /// The process-wide default budget: 18,000 users per 300 s.
    public static let shared = RandomUserRequestBudget()

    public let maxUsers: Int
    public let window: Duration

    private struct Grant {
        var at: ContinuousClock.Instant
        var users: Int
    }

    private let grants = Mutex<[Grant]>([])

    public init(maxUsers: Int = 18_000, window: Duration = .seconds(300)) {
        precondition(maxUsers > 0, "budget must allow at least one user")
        self.maxUsers = maxUsers
        self.window = window
    }

    /// Users granted within the current window.
    public var usedInWindow: Int {
        let now = ContinuousClock.now
        return grants.withLock { grants in
            grants.removeAll { $0.at + window <= now }
            return grants.reduce(0) { $0 + $1.users }
        }
    }

    /// Waits until `users` (at most `maxUsers`) fit into the rolling window, then records them.
    /// - Returns: how long it waited.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    @discardableResult
    public func acquire(_ users: Int) async throws -> Duration {
        let wanted = min(max(users, 0), maxUsers)
        let start = ContinuousClock.now
        while true {
            try Task.checkCancellation()
            let now = ContinuousClock.now
            let wakeAt: ContinuousClock.Instant? = grants.withLock { grants in
                grants.removeAll { $0.at + window <= now }
                var used = grants.reduce(0) { $0 + $1.users }
                if used + wanted <= maxUsers {
                    grants.append(Grant(at: now, users: wanted))
                    return nil
                }
                // Earliest instant at which enough old grants have expired.
                for grant in grants {
                    used -= grant.users
                    if used + wanted <= maxUsers { return grant.at + window }
                }
                return now + window
            }
            guard let wakeAt else { return ContinuousClock.now - start }
            try await Task.sleep(until: wakeAt, clock: .continuous)
        }
    }
}
