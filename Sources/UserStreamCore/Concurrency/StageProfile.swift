import Synchronization

/// Time spent in each stage of the pipeline, for `userstream bench --profile`: where a user's time goes between
/// the source and the store.
///
/// Off unless a profile is bound to the task (`StageProfile.$current.withValue(profile) { … }`): the stages check
/// `StageProfile.current` once per batch, so an unprofiled run pays one task-local read per batch. Stages that run
/// concurrently (the processor commits a batch while it polls and decodes the next) each count their own busy time,
/// so the sum of the stages can exceed the wall time.
public final class StageProfile: Sendable {
    /// The stages, in pipeline order.
    public enum Stage: Int, CaseIterable, Sendable {
        /// The ingestor held back because too many produced users wait to be processed (`Backpressure`).
        case heldBack
        /// randomuser profile → `UserRecord` (including its checks).
        case flatten
        /// `UserRecord` → JSON message value.
        case encode
        /// Producing a batch to the log, including waiting for its fsync.
        case logAppend
        /// The log's fsync calls themselves.
        case fsync
        /// The processor's polls of the log, including waiting for records to arrive.
        case poll
        /// JSON message value → `UserRecord`.
        case decode
        /// The record's validation before it is stored.
        case validate
        /// Binding and inserting (or updating) the rows of a batch.
        case storeWrite
        /// Aggregates, run statistics, offsets and the transaction's commit.
        case storeCommit
        /// Committing the consumer's offsets to the log.
        case offsetCommit

        public var name: String {
            switch self {
            case .heldBack: "held back (backpressure)"
            case .flatten: "flatten"
            case .encode: "encode"
            case .logAppend: "log append"
            case .fsync: "fsync"
            case .poll: "poll (incl. waiting)"
            case .decode: "decode"
            case .validate: "validate"
            case .storeWrite: "store bind/insert"
            case .storeCommit: "store commit"
            case .offsetCommit: "offset commit"
            }
        }
    }

    /// The profile the current task's stages report to, if any.
    @TaskLocal public static var current: StageProfile?

    private let totals = Mutex([Duration](repeating: .zero, count: Stage.allCases.count))

    public init() {}

    /// Adds `duration` to `stage`.
    public func add(_ stage: Stage, _ duration: Duration) {
        totals.withLock { $0[stage.rawValue] += duration }
    }

    /// The busy time of every stage.
    public var snapshot: [(stage: Stage, busy: Duration)] {
        let totals = self.totals.withLock { $0 }
        return Stage.allCases.map { ($0, totals[$0.rawValue]) }
    }

    /// Runs `body`, adding its duration to `stage` of the current profile (when there is one).
    @inlinable
    public static func measure<Result>(_ stage: Stage, _ body: () throws -> Result) rethrows -> Result {
        guard let profile = current else { return try body() }
        let started = ContinuousClock.now
        defer { profile.add(stage, ContinuousClock.now - started) }
        return try body()
    }

    /// Runs `body`, adding its duration to `stage` of the current profile (when there is one).
    @inlinable
    public static func measure<Result>(
        _ stage: Stage,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async rethrows -> Result {
        guard let profile = current else { return try await body() }
        let started = ContinuousClock.now
        defer { profile.add(stage, ContinuousClock.now - started) }
        return try await body()
    }
}
