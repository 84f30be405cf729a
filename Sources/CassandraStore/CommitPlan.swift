import UserStreamCore

/// What a stored user is counted as in the aggregates, read from `created_users` before a commit.
struct StoredUserKey: Sendable, Hashable {
    var gender: String
    var nat: String?
    var age: Int?
    /// The stored `ingested_at` (first ingestion time), which fixes the user's aggregate minute.
    var ingestedAt: String
}

/// One `user_counts` cell.
struct CountCell: Sendable, Hashable, Comparable {
    var minute: Int64
    var dimension: String
    var value: String

    static func < (lhs: CountCell, rhs: CountCell) -> Bool {
        (lhs.minute, lhs.dimension, lhs.value) < (rhs.minute, rhs.dimension, rhs.value)
    }
}

/// Everything a batch commit adds to the counters, computed once from the rows as they were before the batch, and
/// kept in the batch journal so that a commit resumed after a crash applies exactly the same changes.
struct CommitPlan: Sendable, Hashable {
    /// The commit time the plan used for users without a usable `ingested_at`.
    var nowMilliseconds: Int64
    var inserted: Int
    var duplicates: Int
    /// Changes to `user_counts`, non-zero, sorted.
    var countDeltas: [CountCell: Int64]
    /// Changes to `run_stats` per run id (`""` for users without one), dead letters included.
    var runDeltas: [String: RunProcessingStats]

    /// Plans a batch against the stored keys of its users' ids (`existing`, ids absent from it are new).
    ///
    /// Same rules as the embedded store: a new id counts in every dimension at the minute of its ingestion time
    /// (the record's, or the commit time when it has none that parses); a known id (stored before, or earlier in the
    /// batch) is a duplicate: its latest gender/nat/age wins and its count moves between values at its first
    /// minute; the total never changes for a duplicate.
    static func make(batch: StoreBatch, existing: [String: StoredUserKey], nowMilliseconds: Int64) -> CommitPlan {
        let nowText = Timestamp.iso8601(milliseconds: nowMilliseconds)
        var current = existing
        var plan = CommitPlan(
            nowMilliseconds: nowMilliseconds,
            inserted: 0,
            duplicates: 0,
            countDeltas: [:],
            runDeltas: [:]
        )
        func bump(_ minute: Int64, _ dimension: AggregateDimension, _ value: String, _ delta: Int64) {
            plan.countDeltas[CountCell(minute: minute, dimension: dimension.rawValue, value: value), default: 0] +=
                delta
        }
        for user in batch.users {
            let record = user.record
            let run = user.runID ?? ""
            if let previous = current[record.id] {
                plan.duplicates += 1
                plan.runDeltas[run, default: RunProcessingStats()].duplicates += 1
                let minute = AggregateBuckets.minute(ingestedAt: previous.ingestedAt, nowMilliseconds: nowMilliseconds)
                for dimension in [AggregateDimension.gender, .nat, .ageBucket] {
                    let old = AggregateBuckets.value(
                        dimension,
                        gender: previous.gender,
                        nat: previous.nat,
                        age: previous.age
                    )
                    let new = AggregateBuckets.value(dimension, gender: record.gender, nat: record.nat, age: record.age)
                    if old != new {
                        bump(minute, dimension, old, -1)
                        bump(minute, dimension, new, 1)
                    }
                }
                current[record.id] = StoredUserKey(
                    gender: record.gender,
                    nat: record.nat,
                    age: record.age,
                    ingestedAt: previous.ingestedAt
                )
            } else {
                plan.inserted += 1
                plan.runDeltas[run, default: RunProcessingStats()].stored += 1
                let ingestedAt = resolvedIngestedAt(record, nowText: nowText)
                let minute = AggregateBuckets.minute(ingestedAt: ingestedAt, nowMilliseconds: nowMilliseconds)
                for dimension in AggregateDimension.allCases {
                    bump(
                        minute,
                        dimension,
                        AggregateBuckets.value(dimension, gender: record.gender, nat: record.nat, age: record.age),
                        1
                    )
                }
                current[record.id] = StoredUserKey(
                    gender: record.gender,
                    nat: record.nat,
                    age: record.age,
                    ingestedAt: ingestedAt
                )
            }
        }
        for (run, count) in batch.deadLetteredByRun where count != 0 {
            plan.runDeltas[run, default: RunProcessingStats()].deadLettered += count
        }
        plan.countDeltas = plan.countDeltas.filter { $0.value != 0 }
        return plan
    }

    /// The record's `ingested_at` if it is a timestamp, else the commit time.
    static func resolvedIngestedAt(_ record: UserRecord, nowText: String) -> String {
        if let text = record.ingestedAt, Timestamp.milliseconds(iso8601: text) != nil { return text }
        return nowText
    }

    /// The rows to upsert: one per id, in first-appearance order, with the latest data and the first ingestion time
    /// (the stored one for ids stored before; for new ids, the first appearance's, resolved with the plan's commit
    /// time). `existing` may include rows an interrupted attempt of this same batch wrote: they carry the same
    /// ingestion time, so the rows come out the same.
    static func rows(batch: StoreBatch, existing: [String: StoredUserKey], nowMilliseconds: Int64) -> [UserRecord] {
        let nowText = Timestamp.iso8601(milliseconds: nowMilliseconds)
        var order: [String] = []
        var latest: [String: UserRecord] = [:]
        var firstIngestion: [String: String] = [:]
        for user in batch.users {
            let id = user.record.id
            if latest[id] == nil {
                order.append(id)
                firstIngestion[id] = existing[id]?.ingestedAt ?? resolvedIngestedAt(user.record, nowText: nowText)
            }
            latest[id] = user.record
        }
        return order.map { id in
            var record = latest[id]!
            record.ingestedAt = firstIngestion[id]
            return record
        }
    }

    /// The distinct ids of a batch, in first-appearance order.
    static func ids(_ batch: StoreBatch) -> [String] {
        var seen: Set<String> = []
        return batch.users.compactMap { seen.insert($0.record.id).inserted ? $0.record.id : nil }
    }
}

// MARK: - Journal encoding

extension CommitPlan {
    /// `user_counts` changes as text, one `minute TAB dimension TAB value TAB delta` line each (fields escaped).
    var encodedCountDeltas: String {
        countDeltas.sorted { $0.key < $1.key }.map { cell, delta in
            [String(cell.minute), JournalText.escape(cell.dimension), JournalText.escape(cell.value), String(delta)]
                .joined(separator: "\t")
        }.joined(separator: "\n")
    }

    /// `run_stats` changes as text, one `run TAB stored TAB duplicates TAB dead_lettered` line each.
    var encodedRunDeltas: String {
        runDeltas.sorted { $0.key < $1.key }.map { run, stats in
            [JournalText.escape(run), String(stats.stored), String(stats.duplicates), String(stats.deadLettered)]
                .joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static func decodeCountDeltas(_ text: String) throws(CassandraStoreError) -> [CountCell: Int64] {
        var deltas: [CountCell: Int64] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let minute = Int64(fields[0]), let delta = Int64(fields[3]) else {
                throw CassandraStoreError(.corruptValue, "batch_commits.count_deltas line '\(line)' does not decode")
            }
            deltas[
                CountCell(
                    minute: minute,
                    dimension: JournalText.unescape(fields[1]),
                    value: JournalText.unescape(fields[2])
                )
            ] = delta
        }
        return deltas
    }

    static func decodeRunDeltas(_ text: String) throws(CassandraStoreError) -> [String: RunProcessingStats] {
        var deltas: [String: RunProcessingStats] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let stored = Int(fields[1]), let duplicates = Int(fields[2]),
                let dead = Int(fields[3])
            else {
                throw CassandraStoreError(.corruptValue, "batch_commits.run_deltas line '\(line)' does not decode")
            }
            deltas[JournalText.unescape(fields[0])] = RunProcessingStats(
                stored: stored,
                duplicates: duplicates,
                deadLettered: dead
            )
        }
        return deltas
    }
}

/// Backslash escapes for tab, newline and backslash, so that any text fits a journal line's field.
enum JournalText {
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    static func unescape(_ text: some StringProtocol) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "t": result.append("\t")
                case "n": result.append("\n")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
