import UserStreamCore

extension RecordHeaders {
    /// On replayed records: the dead-letter topic, partition and offset the record was replayed from.
    public static let replayedFromTopic = "replayed_from_topic"
    public static let replayedFromPartition = "replayed_from_partition"
    public static let replayedFromOffset = "replayed_from_offset"
    /// On replayed records: the `run_id` the dead letter carried; `run_id` itself names the replay's run.
    public static let replayedRunID = "replayed_run_id"
}
