import UserStreamCore

/// One dead letter of `users_created.dlq`, with whether it was replayed.
public struct DeadLetterEntry: Sendable, Hashable {
    /// Where a dead letter stands with respect to replays.
    public enum ReplayState: String, Sendable, Hashable {
        /// Not replayed yet.
        case pending
        /// Already replayed (its position is in the replay journal).
        case replayed
        /// A record that came back: it was replayed from an earlier dead letter and failed again. `dlq replay` leaves
        /// it unless asked to include returned records.
        case returned
    }

    public var partition: Int32
    public var offset: Int64
    /// The dead letter's record timestamp, milliseconds since the Unix epoch: when the ingestor dead-lettered it,
    /// or for the processor's, the original record's create time (the processor keeps it).
    public var timestamp: Int64
    /// The record key (the user id), when it has one.
    public var key: String?
    /// `dlq_reason`, or "unknown" when the header is missing.
    public var reason: String
    /// `dlq_stage`, when present.
    public var stage: String?
    /// Where the record was before it was dead-lettered (`topic-partition@offset`), when known.
    public var origin: String?
    /// The `run_id` header, when present.
    public var runID: String?
    /// For a returned record, the dead letter it was replayed from (`topic-partition@offset`).
    public var replayedFrom: String?
    public var state: ReplayState

    /// The record as read from the log (key, value and every header).
    public var record: ConsumedRecord

    public init(_ record: ConsumedRecord, replayed: Bool) {
        let view = DeadLetterMonitor.deadLetter(record)
        partition = record.partition
        offset = record.offset
        timestamp = record.timestamp
        key = view.key
        reason = view.reason
        stage = view.stage
        origin = view.origin
        runID = view.runID
        if let topic = record.header(RecordHeaders.replayedFromTopic) {
            replayedFrom =
                "\(topic)-\(record.header(RecordHeaders.replayedFromPartition) ?? "?")"
                + "@\(record.header(RecordHeaders.replayedFromOffset) ?? "?")"
        } else {
            replayedFrom = nil
        }
        state = replayed ? .replayed : replayedFrom != nil ? .returned : .pending
        self.record = record
    }
}
