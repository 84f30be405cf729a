import UserStreamCore

/// One attempt of a batch commit, as recorded in `batch_commits`.
struct JournalEntry: Sendable, Hashable {
    enum State: String, Sendable {
        /// Planned; some of its writes may be missing.
        case pending
        /// Every row and counter write done; its offsets are written next (then its `open_batches` entry goes).
        case committed
        /// Being undone by a later batch over the same offsets; never resumed.
        case rollingBack = "rolling_back"
        /// Undone: its contributions are cancelled and its new rows deleted.
        case rolledBack = "rolled_back"
    }

    var batchID: String
    var attempt: Int32
    var state: State
    var plan: CommitPlan
}

/// The statements a batch commit runs, one method each, so that the commit's order of writes can be tested with
/// an in-memory table set and injected crashes. `CassandraStore` runs them as CQL.
protocol CommitBackend: Sendable {
    /// The batch's journal entries, by attempt.
    func journal(batchID: String) async throws -> [JournalEntry]
    func writeJournal(_ entry: JournalEntry) async throws
    /// Moves an attempt from state `from` to `to` if it is in `from` (a lightweight transaction); returns `nil` when
    /// it did, else the state it is in.
    func transitionJournal(
        batchID: String,
        attempt: Int32,
        from: JournalEntry.State,
        to: JournalEntry.State
    ) async throws -> JournalEntry.State?
    /// The unfinished attempts of the group's batches on the topic.
    func openBatches(group: String, topic: String) async throws -> [OpenBatch]
    func writeOpenBatch(_ open: OpenBatch) async throws
    func deleteOpenBatch(group: String, topic: String, batchID: String) async throws
    /// The stored keys of those of `ids` that have a row.
    func storedKeys(ids: [String]) async throws -> [String: StoredUserKey]
    /// Records the attempt's contribution to each cell (`user_count_deltas`), idempotently.
    func writeCountContributions(_ deltas: [CountCell: Int64], batchID: String, attempt: Int32) async throws
    /// Records the attempt's contribution to each run (`run_stat_deltas`), idempotently.
    func writeRunContributions(_ deltas: [String: RunProcessingStats], batchID: String, attempt: Int32) async throws
    /// Upserts whole rows, written at `timestamp` (microseconds; the later write of a cell wins).
    func upsertUsers(_ rows: [UserRecord], timestamp: Int64) async throws
    /// Undoes a rolled-back attempt's row writes at `timestamp`: deletes the rows of `newIDs` and writes the
    /// aggregate columns of `priorKeys` back.
    func restoreUsers(newIDs: [String], priorKeys: [String: StoredUserKey], timestamp: Int64) async throws
    /// Every contribution recorded for the cells of `minute`: value and count of contributing rows per cell.
    func countContributions(minute: Int64) async throws -> [CountCell: (sum: Int64, rows: Int)]
    /// Writes a `user_counts` cell; `version` orders writes (the one with the most contributions wins).
    func writeCount(_ cell: CountCell, count: Int64, version: Int) async throws
    /// Every contribution recorded for a run: the sums and the number of contributing rows.
    func runContributions(runID: String) async throws -> (stats: RunProcessingStats, rows: Int)
    func writeRunStats(runID: String, stats: RunProcessingStats, version: Int) async throws
    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64]
    func writeOffsets(group: String, topic: String, offsets: [Int32: Int64], batchID: String, at: Int64) async throws
}

/// The batch commit, exactly once on an engine without transactions, whatever the batch boundaries and whoever owns
/// the partitions next.
///
/// A batch's id is derived from its offsets; after a crash the next batch over the same offsets may have other
/// boundaries (another `--process-batch`, or the records that happened to be polled), hence another id. So besides
/// the journal by batch id (`batch_commits`), every unfinished attempt is listed by consumer group and topic with its
/// offset ranges (`open_batches`).
///
/// Steps of a commit (a crash may stop it after any of them):
/// 1. Read the group's open batches and this batch's journal.
///    - This batch's own attempt left `pending` (and listed as open) is resumed with its recorded plan, from step 4.
///    - Its own attempt left `committed` and still open: only its offsets are missing; they are written (step 7).
///    - Its own attempt left `rolling_back`: the rollback is finished (below), then a new attempt is planned.
/// 2. Every other open batch that overlaps this one's offsets is dealt with before anything is planned:
///    - `pending` or `rolling_back`: **rolled back** (below). This batch's plan then sees the rows as they were
///      before it, and plans with a later commit time.
///    - `committed`: its offsets were not written; they are written now, and this commit stops with
///      `StoreBatchSuperseded` (its records up to those offsets are already stored): the processor reads again from
///      the store's offsets.
///    - no journal entry, or `rolled_back`: only the open entry is left; it is deleted.
/// 3. A new attempt reads the stored keys of the batch's ids, plans the counter changes (`CommitPlan`), writes the
///    journal entry (`pending`) and then its open entry (ranges, new ids, prior keys of the ids it moves), **before
///    any other write**. (A `pending` attempt without an open entry wrote nothing else: it is planned again.)
/// 4. Writes the attempt's contributions: one `user_count_deltas` row per changed cell and one `run_stat_deltas` row
///    per run, keyed by (batch id, attempt) — writing them again writes the same rows.
/// 5. Upserts the users (whole rows: latest data, first ingestion time) at the plan's write timestamp.
/// 6. Refreshes every touched `user_counts` cell and `run_stats` row from all their contributions (a sum, not an
///    increment, so a repeat changes nothing). Concurrent processors touching the same cell may race; each writes its
///    sum with the number of contributions it saw as the write version (CQL `USING TIMESTAMP`), so the sum that saw
///    the most contributions wins.
/// 7. Moves the attempt from `pending` to `committed` (a lightweight transaction: if a later owner of the partitions
///    started rolling it back, this fails with `StoreBatchSuperseded` and nothing of it stays), then stores the
///    consumer offsets, then deletes its open entry.
///
/// A rollback of attempt `a` of batch `b`: moves it from `pending` to `rolling_back` (a lightweight transaction; if
/// it was committed meanwhile, it is treated as committed), writes its contributions (so that they are all there)
/// and their reversal at attempt `-1 - a`, deletes the rows of the ids it counted as new and writes back the prior
/// aggregate values of the ids it moved (at its write timestamp plus one microsecond: after its own row writes, before
/// any later plan's), refreshes the cells and runs it touched, marks it `rolled_back` and deletes its open entry. Every
/// step repeats without changing the result, so a crash during a rollback is finished by the next commit.
///
/// A batch committed again after step 7 (a deliberate re-commit) is a new commit: its users are all duplicates (and
/// its dead letters count again), as in the embedded store.
struct BatchCommitter: Sendable {
    let backend: any CommitBackend

    func commit(_ batch: StoreBatch, nowMilliseconds: Int64) async throws -> StoreCommitResult {
        let batchID = batch.batchID
        var now = nowMilliseconds
        let opens = try await backend.openBatches(group: batch.group, topic: batch.topic)
        let journal = try await backend.journal(batchID: batchID).sorted { $0.attempt < $1.attempt }
        let own = opens.first { $0.batchID == batchID }
        var attempt = (journal.last?.attempt ?? -1) + 1
        if let last = journal.last {
            switch last.state {
            case .pending where own?.attempt == last.attempt:
                return try await apply(batch, entry: last)
            case .pending:
                // Planned, but stopped before its open entry: nothing else was written. Planned again, at its time.
                attempt = last.attempt
                now = last.plan.nowMilliseconds
            case .committed where own?.attempt == last.attempt:
                try await finishOffsets(of: own!, nextOffsets: batch.nextOffsets, at: now)
                return StoreCommitResult(inserted: last.plan.inserted, duplicates: last.plan.duplicates)
            case .rollingBack:
                if let own, own.attempt == last.attempt {
                    try await rollBack(last, open: own)
                    now = max(now, own.nowMilliseconds + 1)
                }
            case .committed, .rolledBack:
                break
            }
        }

        let ranges = OpenBatch.ranges(batch)
        var superseded: OpenBatch?
        for open in opens where open.batchID != batchID && open.overlaps(ranges) {
            let entry = try await backend.journal(batchID: open.batchID).first { $0.attempt == open.attempt }
            switch entry?.state {
            case .pending?, .rollingBack?:
                if try await rollBack(entry!, open: open) {
                    now = max(now, open.nowMilliseconds + 1)
                } else {
                    superseded = open
                }
            case .committed?:
                try await finishOffsets(of: open, nextOffsets: nil, at: now)
                superseded = open
            case .rolledBack?, nil:
                try await backend.deleteOpenBatch(group: open.group, topic: open.topic, batchID: open.batchID)
            }
        }
        try await forgetFinished(opens.filter { $0.batchID != batchID && !$0.overlaps(ranges) })
        if let superseded {
            throw StoreBatchSuperseded(
                batchID: batchID,
                reason: "batch \(superseded.batchID) over the same offsets was committed first; its offsets are stored"
            )
        }

        let existing = try await backend.storedKeys(ids: CommitPlan.ids(batch))
        let plan = CommitPlan.make(batch: batch, existing: existing, nowMilliseconds: now)
        let entry = JournalEntry(batchID: batchID, attempt: attempt, state: .pending, plan: plan)
        try await backend.writeJournal(entry)
        try await backend.writeOpenBatch(OpenBatch(batch: batch, attempt: attempt, plan: plan, existing: existing))
        return try await apply(batch, entry: entry, existing: existing)
    }

    /// Steps 4 to 7 of an attempt whose journal and open entries are written. `existing`: the stored keys of the
    /// batch's ids, when just read for a new plan; a resumed attempt reads them again (its rows may be written).
    private func apply(
        _ batch: StoreBatch,
        entry: JournalEntry,
        existing: [String: StoredUserKey]? = nil
    ) async throws -> StoreCommitResult {
        let plan = entry.plan
        try await backend.writeCountContributions(plan.countDeltas, batchID: entry.batchID, attempt: entry.attempt)
        try await backend.writeRunContributions(plan.runDeltas, batchID: entry.batchID, attempt: entry.attempt)
        let keys: [String: StoredUserKey]
        if let existing {
            keys = existing
        } else {
            keys = try await backend.storedKeys(ids: CommitPlan.ids(batch))
        }
        try await backend.upsertUsers(
            CommitPlan.rows(batch: batch, existing: keys, nowMilliseconds: plan.nowMilliseconds),
            timestamp: OpenBatch.rowTimestamp(nowMilliseconds: plan.nowMilliseconds)
        )
        try await refresh(plan)

        let state = try await backend.transitionJournal(
            batchID: entry.batchID,
            attempt: entry.attempt,
            from: .pending,
            to: .committed
        )
        if let state, state != .committed {
            throw StoreBatchSuperseded(
                batchID: entry.batchID,
                reason: "the attempt is \(state.rawValue): a later owner of its partitions is undoing it"
            )
        }
        if !batch.nextOffsets.isEmpty {
            try await backend.writeOffsets(
                group: batch.group,
                topic: batch.topic,
                offsets: batch.nextOffsets,
                batchID: entry.batchID,
                at: plan.nowMilliseconds
            )
        }
        try await backend.deleteOpenBatch(group: batch.group, topic: batch.topic, batchID: entry.batchID)
        return StoreCommitResult(inserted: plan.inserted, duplicates: plan.duplicates)
    }

    /// Rewrites every cell and run the plan touches from all their contributions.
    private func refresh(_ plan: CommitPlan) async throws {
        for minute in Set(plan.countDeltas.keys.map(\.minute)).sorted() {
            let contributions = try await backend.countContributions(minute: minute)
            for cell in plan.countDeltas.keys where cell.minute == minute {
                let contribution = contributions[cell] ?? (0, 0)
                try await backend.writeCount(cell, count: contribution.sum, version: contribution.rows)
            }
        }
        for runID in plan.runDeltas.keys.sorted() {
            let contribution = try await backend.runContributions(runID: runID)
            try await backend.writeRunStats(runID: runID, stats: contribution.stats, version: contribution.rows)
        }
    }

    /// Undoes an attempt that did not commit; returns `false` (and undoes nothing) when it turns out committed.
    @discardableResult
    private func rollBack(_ entry: JournalEntry, open: OpenBatch) async throws -> Bool {
        if entry.state == .pending {
            let state = try await backend.transitionJournal(
                batchID: entry.batchID,
                attempt: entry.attempt,
                from: .pending,
                to: .rollingBack
            )
            if state == .committed {
                try await finishOffsets(of: open, nextOffsets: nil, at: open.nowMilliseconds)
                return false
            }
        }
        let plan = entry.plan
        let reversal = plan.reversed
        try await backend.writeCountContributions(plan.countDeltas, batchID: entry.batchID, attempt: entry.attempt)
        try await backend.writeRunContributions(plan.runDeltas, batchID: entry.batchID, attempt: entry.attempt)
        try await backend.writeCountContributions(
            reversal.countDeltas,
            batchID: entry.batchID,
            attempt: -1 - entry.attempt
        )
        try await backend.writeRunContributions(reversal.runDeltas, batchID: entry.batchID, attempt: -1 - entry.attempt)
        try await backend.restoreUsers(newIDs: open.newIDs, priorKeys: open.priorKeys, timestamp: open.rowTimestamp + 1)
        try await refresh(plan)
        var rolledBack = entry
        rolledBack.state = .rolledBack
        try await backend.writeJournal(rolledBack)
        try await backend.deleteOpenBatch(group: open.group, topic: open.topic, batchID: open.batchID)
        return true
    }

    /// Deletes the open entries of committed attempts whose offsets are stored (left by a crash between the offsets
    /// and the entry's deletion). Others' entries that are still pending may be in progress: they are left alone.
    private func forgetFinished(_ opens: [OpenBatch]) async throws {
        guard let first = opens.first else { return }
        var committed: [Int32: Int64]?
        for open in opens {
            let state = try await backend.journal(batchID: open.batchID).first { $0.attempt == open.attempt }?.state
            guard state == .committed || state == .rolledBack else { continue }
            if committed == nil {
                committed = try await backend.committedOffsets(group: first.group, topic: first.topic)
            }
            if state == .rolledBack || open.ranges.allSatisfy({ $0.value.next <= (committed?[$0.key] ?? -1) }) {
                try await backend.deleteOpenBatch(group: open.group, topic: open.topic, batchID: open.batchID)
            }
        }
    }

    /// Writes the offsets of a committed attempt whose commit stopped before them (never moving an offset back), and
    /// deletes its open entry.
    private func finishOffsets(of open: OpenBatch, nextOffsets: [Int32: Int64]?, at now: Int64) async throws {
        let committed = try await backend.committedOffsets(group: open.group, topic: open.topic)
        var offsets: [Int32: Int64] = [:]
        for (partition, next) in nextOffsets ?? open.ranges.mapValues(\.next) where next > (committed[partition] ?? -1)
        {
            offsets[partition] = next
        }
        if !offsets.isEmpty {
            try await backend.writeOffsets(
                group: open.group,
                topic: open.topic,
                offsets: offsets,
                batchID: open.batchID,
                at: now
            )
        }
        try await backend.deleteOpenBatch(group: open.group, topic: open.topic, batchID: open.batchID)
    }
}
