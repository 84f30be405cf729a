/// What `DeadLetters.replay` did (or, on a dry run, would do).
public struct DeadLetterReplayReport: Sendable, Hashable {
    /// Dead letters read from the topic.
    public var read: Int
    /// Dead letters the filter took.
    public var matched: Int
    /// Matched dead letters skipped because they were replayed before.
    public var alreadyReplayed: Int
    /// Matched dead letters skipped because they came back from an earlier replay.
    public var returned: Int
    /// Dead letters re-produced to the target topic (on a dry run: that would be).
    public var replayed: Int
    /// Ingest-stage dead letters that still could not be flattened and went back to the dead-letter topic.
    public var deadLetteredAgain: Int
    /// Whether nothing was produced.
    public var dryRun: Bool
    /// The job run that records the replay (`nil` on a dry run or when there was nothing to replay).
    public var runID: String?
    /// The dead letters replayed (on a dry run: that would be), in log order.
    public var letters: [DeadLetterEntry]
}
