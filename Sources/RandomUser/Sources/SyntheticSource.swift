import Synchronization
import UserStreamCore

/// A `UserSource` (name `synthetic`) over a `SyntheticUserGenerator`: no network, deterministic for a seed,
/// never exhausted. Every call returns exactly `maxUsers` users.
public final class SyntheticSource: UserSource {
    public let name = "synthetic"
    private let generator: Mutex<SyntheticUserGenerator>

    public init(generator: SyntheticUserGenerator) {
        self.generator = Mutex(generator)
    }

    /// A source over a generator for `seed` and `nationalities` (codes, case-insensitive; all 21 when `nil`).
    public convenience init(seed: UInt64, nationalities: [String]? = nil) {
        self.init(generator: SyntheticUserGenerator(seed: seed, nats: nationalities))
    }

    public func nextBatch(maxUsers: Int) async throws -> SourceBatch? {
        let count = max(0, maxUsers)
        let users = generator.withLock { generator in
            var users: [SourcedUser] = []
            users.reserveCapacity(count)
            for _ in 0..<count { users.append(.user(generator.next())) }
            return users
        }
        return SourceBatch(users: users)
    }
}
