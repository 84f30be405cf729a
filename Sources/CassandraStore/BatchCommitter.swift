import UserStreamCore

/// One attempt of a batch commit, as recorded in `batch_commits`.
struct JournalEntry: Sendable, Hashable {
    enum State: String, Sendable {
        /// Planned; some of its writes may be missing.
        case pending
        /// Every write done, offsets included.
        case committed
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
    /// The stored keys of those of `ids` that have a row.
    func storedKeys(ids: [String]) async throws -> [String: StoredUserKey]
    /// Records the attempt's contribution to each cell (`user_count_deltas`), idempotently.
    func writeCountContributions(_ deltas: [CountCell: Int64], batchID: String, attempt: Int32) async throws
    /// Records the attempt's contribution to each run (`run_stat_deltas`), idempotently.
    func writeRunContributions(_ deltas: [String: RunProcessingStats], batchID: String, attempt: Int32) async throws
    /// Upserts whole rows.
    func upsertUsers(_ rows: [UserRecord]) async throws
    /// Every contribution recorded for the cells of `minute`: value and count of contributing rows per cell.
    func countContributions(minute: Int64) async throws -> [CountCell: (sum: Int64, rows: Int)]
    /// Writes a `user_counts` cell; `version` orders writes (the one with the most contributions wins).
    func writeCount(_ cell: CountCell, count: Int64, version: Int) async throws
    /// Every contribution recorded for a run: the sums and the number of contributing rows.
    func runContributions(runID: String) async throws -> (stats: RunProcessingStats, rows: Int)
    func writeRunStats(runID: String, stats: RunProcessingStats, version: Int) async throws
    func writeOffsets(group: String, topic: String, offsets: [Int32: Int64], batchID: String, at: Int64) async throws
}

/// The batch commit, exactly once on an engine without transactions.
///
/// Steps (a crash may stop it after any of them; the batch is then committed again, by the next owner of its
/// partitions, with the same batch id — the id is derived from the offsets):
/// 1. Read the batch's journal. An attempt left `pending` is resumed with its recorded plan; otherwise (no entry,
///    or the last attempt `committed`: a deliberate re-commit) a new attempt is planned from the rows as they are.
/// 2. A new attempt reads the stored keys of the batch's ids, plans the counter changes (`CommitPlan`) and writes
///    the journal entry (`pending`, with the plan) **before any other write**.
/// 3. Writes the attempt's contributions: one `user_count_deltas` row per changed cell and one `run_stat_deltas`
///    row per run, keyed by (batch id, attempt) — writing them again writes the same rows.
/// 4. Upserts the users (whole rows: latest data, first ingestion time). Writing them again writes the same rows.
/// 5. Refreshes every touched `user_counts` cell and `run_stats` row from all their contributions (a sum, not an
///    increment, so a repeat changes nothing). Concurrent processors touching the same cell may race; each writes its
///    sum with the number of contributions it saw as the write version (CQL `USING TIMESTAMP`), so the sum that saw
///    the most contributions wins — and the last processor to finish its contribution write sees them all.
/// 6. Stores the consumer offsets: only now that every row and counter is acknowledged.
/// 7. Marks the attempt `committed`.
///
/// A crash before 2 leaves nothing. A crash after 2 leaves a pending plan that the replay finishes (its plan was
/// made from the rows before the batch, which the replay could no longer see). A crash after 6 leaves the offsets
/// past the batch, so it is not replayed; if it is committed again anyway, the pending attempt is resumed and changes
/// nothing. A batch committed again after 7 is a new commit: its users are all duplicates (and its dead letters count
/// again), as in the embedded store.
struct BatchCommitter: Sendable {
    let backend: any CommitBackend

    func commit(_ batch: StoreBatch, nowMilliseconds: Int64) async throws -> StoreCommitResult {
        let batchID = batch.batchID
        let journal = try await backend.journal(batchID: batchID).sorted { $0.attempt < $1.attempt }
        let entry: JournalEntry
        var existing: [String: StoredUserKey]
        let ids = CommitPlan.ids(batch)
        if let last = journal.last, last.state == .pending {
            entry = last
            existing = try await backend.storedKeys(ids: ids)
        } else {
            existing = try await backend.storedKeys(ids: ids)
            let plan = CommitPlan.make(batch: batch, existing: existing, nowMilliseconds: nowMilliseconds)
            entry = JournalEntry(
                batchID: batchID,
                attempt: (journal.last?.attempt ?? -1) + 1,
                state: .pending,
                plan: plan
            )
            try await backend.writeJournal(entry)
        }
        let plan = entry.plan
        try await backend.writeCountContributions(plan.countDeltas, batchID: batchID, attempt: entry.attempt)
        try await backend.writeRunContributions(plan.runDeltas, batchID: batchID, attempt: entry.attempt)
        try await backend.upsertUsers(
            CommitPlan.rows(batch: batch, existing: existing, nowMilliseconds: plan.nowMilliseconds)
        )
        existing = [:]

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

        if !batch.nextOffsets.isEmpty {
            try await backend.writeOffsets(
                group: batch.group,
                topic: batch.topic,
                offsets: batch.nextOffsets,
                batchID: batchID,
                at: nowMilliseconds
            )
        }
        var committed = entry
        committed.state = .committed
        try await backend.writeJournal(committed)
        return StoreCommitResult(inserted: plan.inserted, duplicates: plan.duplicates)
    }
}
