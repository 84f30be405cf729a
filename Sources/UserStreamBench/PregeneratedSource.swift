import Synchronization
import UserStreamCore

/// Hands out users generated before the benchmark's clock starts.
public final class PregeneratedSource: UserSource {
    public let name = "synthetic"
    let profiles: [RandomUserProfile]
    let next = Mutex(0)
    /// Told how many users each batch hands out.
    let handedOut: @Sendable (Int) -> Void

    public init(_ profiles: [RandomUserProfile], handedOut: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.profiles = profiles
        self.handedOut = handedOut
    }

    public func nextBatch(maxUsers: Int) async throws -> SourceBatch? {
        let range = next.withLock { start -> Range<Int> in
            let end = min(profiles.count, start + maxUsers)
            defer { start = end }
            return start..<end
        }
        guard !range.isEmpty else { return nil }
        handedOut(range.count)
        return SourceBatch(users: profiles[range].map { .user($0) })
    }
}
