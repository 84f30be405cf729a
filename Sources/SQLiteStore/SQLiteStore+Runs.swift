import Foundation
import GRDB
import UserStreamCore

extension SQLiteStore {
    /// Inserts or replaces the run (by run id). Times are stored as ISO-8601 UTC text with milliseconds, so they are
    /// kept to the millisecond.
    public func saveRun(_ run: JobRun) async throws {
        let errors = try Self.encodeErrors(run.errors)
        let arguments: StatementArguments = [
            run.runID, run.job, run.trigger, run.source, Self.timestamp(run.startedAt), run.endedAt.map(Self.timestamp),
            run.state.rawValue, run.requests, run.usersFetched, run.produced, run.deadLettered, errors, run.message,
        ]
        let sql = """
            INSERT INTO main.job_runs (run_id, job, "trigger", source, started_at, ended_at, state, requests,
                users_fetched, produced, dead_lettered, errors, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id) DO UPDATE SET job = excluded.job, "trigger" = excluded."trigger",
                source = excluded.source, started_at = excluded.started_at, ended_at = excluded.ended_at,
                state = excluded.state, requests = excluded.requests, users_fetched = excluded.users_fetched,
                produced = excluded.produced, dead_lettered = excluded.dead_lettered, errors = excluded.errors,
                message = excluded.message
            """
        try await write("saveRun") { db in
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    /// The most recent runs by start time, newest first, with the processor's stats for each (zeros if none yet).
    public func runs(limit: Int) async throws -> [JobRunReport] {
        let sql = """
            SELECT r.run_id, r.job, r."trigger", r.source, r.started_at, r.ended_at, r.state, r.requests,
                r.users_fetched, r.produced, r.dead_lettered, r.errors, r.message,
                coalesce(s.stored, 0), coalesce(s.duplicates, 0), coalesce(s.dead_lettered, 0)
            FROM main.job_runs AS r LEFT JOIN "\(keyspace)".run_stats AS s ON s.run_id = r.run_id
            ORDER BY r.started_at DESC, r.run_id DESC
            LIMIT ?
            """
        let limit = max(0, limit)
        return try await read("runs") { db in
            try Row.fetchAll(db, sql: sql, arguments: [limit]).map { row in
                let stateText: String = row[6]
                guard let state = JobRunState(rawValue: stateText) else {
                    throw StoreError(.corruptValue, "job_runs.state '\(stateText)' is not a known state")
                }
                let run = JobRun(
                    runID: row[0],
                    job: row[1],
                    trigger: row[2],
                    source: row[3],
                    startedAt: try Self.date(row[4], column: "started_at"),
                    endedAt: try (row[5] as String?).map { try Self.date($0, column: "ended_at") },
                    state: state,
                    requests: row[7],
                    usersFetched: row[8],
                    produced: row[9],
                    deadLettered: row[10],
                    errors: try Self.decodeErrors(row[11]),
                    message: row[12]
                )
                return JobRunReport(
                    run: run,
                    processed: RunProcessingStats(stored: row[13], duplicates: row[14], deadLettered: row[15])
                )
            }
        }
    }

    static func timestamp(_ date: Date) -> String { JobRunText.timestamp(date) }

    static func date(_ text: String, column: String) throws -> Date {
        guard let date = JobRunText.date(text) else {
            throw StoreError(.corruptValue, "job_runs.\(column) '\(text)' is not an ISO-8601 timestamp")
        }
        return date
    }

    static func encodeErrors(_ errors: [String: Int]) throws -> String { try JobRunText.errors(errors) }

    static func decodeErrors(_ text: String) throws -> [String: Int] {
        guard let errors = JobRunText.errors(parsing: text) else {
            throw StoreError(.corruptValue, "job_runs.errors is not a JSON object of counts: \(text)")
        }
        return errors
    }
}
