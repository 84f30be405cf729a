import UserStreamCore

/// A batch commit that was planned and has not finished, as recorded in `open_batches`: found by the consumer group
/// and topic, so that a later batch over the same offsets (with other boundaries, or by the partition's next owner)
/// finishes or rolls it back before planning its own changes.
///
/// Written after the journal entry and before any other write of the attempt; deleted once the attempt is committed
/// (offsets included) or rolled back.
struct OpenBatch: Sendable, Hashable {
    var group: String
    var topic: String
    var batchID: String
    var attempt: Int32
    /// The batch's offsets per partition: first offset (`nil` when not known: everything before `next`) and next.
    var ranges: [Int32: OffsetRange]
    /// The plan's commit time, which also orders its row writes (`USING TIMESTAMP`, in microseconds).
    var nowMilliseconds: Int64
    /// The ids the plan counted as new: a rollback deletes their rows.
    var newIDs: [String]
    /// The stored keys, before the batch, of ids the plan moved to other aggregate values: a rollback writes them back.
    var priorKeys: [String: StoredUserKey]

    struct OffsetRange: Sendable, Hashable {
        var first: Int64?
        var next: Int64

        func overlaps(_ other: OffsetRange) -> Bool {
            (first ?? Int64.min) < other.next && (other.first ?? Int64.min) < next
        }
    }

    init(batch: StoreBatch, attempt: Int32, plan: CommitPlan, existing: [String: StoredUserKey]) {
        group = batch.group
        topic = batch.topic
        batchID = batch.batchID
        self.attempt = attempt
        ranges = Self.ranges(batch)
        nowMilliseconds = plan.nowMilliseconds
        (newIDs, priorKeys) = CommitPlan.undo(batch: batch, existing: existing)
    }

    init(
        group: String,
        topic: String,
        batchID: String,
        attempt: Int32,
        ranges: [Int32: OffsetRange],
        nowMilliseconds: Int64,
        newIDs: [String],
        priorKeys: [String: StoredUserKey]
    ) {
        self.group = group
        self.topic = topic
        self.batchID = batchID
        self.attempt = attempt
        self.ranges = ranges
        self.nowMilliseconds = nowMilliseconds
        self.newIDs = newIDs
        self.priorKeys = priorKeys
    }

    static func ranges(_ batch: StoreBatch) -> [Int32: OffsetRange] {
        var ranges: [Int32: OffsetRange] = [:]
        for (partition, next) in batch.nextOffsets {
            ranges[partition] = OffsetRange(first: batch.firstOffsets[partition], next: next)
        }
        return ranges
    }

    /// Whether a batch with these ranges reads any offset this one covers.
    func overlaps(_ other: [Int32: OffsetRange]) -> Bool {
        ranges.contains { partition, range in other[partition].map(range.overlaps) ?? false }
    }

    /// The write timestamp (microseconds) of the plan's row writes; a rollback writes at this plus one.
    var rowTimestamp: Int64 { Self.rowTimestamp(nowMilliseconds: nowMilliseconds) }

    static func rowTimestamp(nowMilliseconds: Int64) -> Int64 { nowMilliseconds * 1000 }

    // MARK: - Text encoding (columns of `open_batches`)

    /// `partition:first-next` per partition, comma-separated (`first` empty when not known).
    var encodedRanges: String {
        ranges.keys.sorted().map { partition in
            let range = ranges[partition]!
            return "\(partition):\(range.first.map(String.init) ?? "")-\(range.next)"
        }.joined(separator: ",")
    }

    static func decodeRanges(_ text: String) throws(CassandraStoreError) -> [Int32: OffsetRange] {
        var ranges: [Int32: OffsetRange] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1)
            let bounds = parts.count == 2 ? parts[1].split(separator: "-", omittingEmptySubsequences: false) : []
            guard parts.count == 2, let partition = Int32(parts[0]), bounds.count == 2, let next = Int64(bounds[1]),
                bounds[0].isEmpty || Int64(bounds[0]) != nil
            else {
                throw CassandraStoreError(.corruptValue, "open_batches.ranges '\(text)' does not decode")
            }
            ranges[partition] = OffsetRange(first: Int64(bounds[0]), next: next)
        }
        return ranges
    }

    /// One `id TAB gender TAB nat TAB age TAB ingested_at` line per key; an absent nat or age is an empty field, a
    /// present one starts with `=`.
    var encodedPriorKeys: String {
        priorKeys.keys.sorted().map { id in
            let key = priorKeys[id]!
            return [
                JournalText.escape(id), JournalText.escape(key.gender),
                key.nat.map { "=" + JournalText.escape($0) } ?? "",
                key.age.map { "=\($0)" } ?? "", JournalText.escape(key.ingestedAt),
            ].joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static func decodePriorKeys(_ text: String) throws(CassandraStoreError) -> [String: StoredUserKey] {
        var keys: [String: StoredUserKey] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 5, fields[2].isEmpty || fields[2].hasPrefix("="),
                fields[3].isEmpty || (fields[3].hasPrefix("=") && Int(fields[3].dropFirst()) != nil)
            else {
                throw CassandraStoreError(.corruptValue, "open_batches.prior_keys line '\(line)' does not decode")
            }
            keys[JournalText.unescape(fields[0])] = StoredUserKey(
                gender: JournalText.unescape(fields[1]),
                nat: fields[2].isEmpty ? nil : JournalText.unescape(fields[2].dropFirst()),
                age: fields[3].isEmpty ? nil : Int(fields[3].dropFirst()),
                ingestedAt: JournalText.unescape(fields[4])
            )
        }
        return keys
    }
}

extension CommitPlan {
    /// What undoing a batch's row writes needs: the ids it stores for the first time, and the stored keys of the
    /// ids whose aggregate values (gender, nat, age) its latest records change.
    static func undo(
        batch: StoreBatch,
        existing: [String: StoredUserKey]
    ) -> (
        newIDs: [String], priorKeys: [String: StoredUserKey]
    ) {
        var latest: [String: UserRecord] = [:]
        for user in batch.users { latest[user.record.id] = user.record }
        var newIDs: [String] = []
        var priorKeys: [String: StoredUserKey] = [:]
        for id in ids(batch) {
            guard let prior = existing[id] else {
                newIDs.append(id)
                continue
            }
            let record = latest[id]!
            if record.gender != prior.gender || record.nat != prior.nat || record.age != prior.age {
                priorKeys[id] = prior
            }
        }
        return (newIDs, priorKeys)
    }

    /// The plan's contributions with every sign reversed: what a rollback adds to cancel them.
    var reversed: CommitPlan {
        var plan = self
        plan.countDeltas = countDeltas.mapValues { -$0 }
        plan.runDeltas = runDeltas.mapValues {
            RunProcessingStats(stored: -$0.stored, duplicates: -$0.duplicates, deadLettered: -$0.deadLettered)
        }
        return plan
    }
}
