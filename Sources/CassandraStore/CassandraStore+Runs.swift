import CQLClient
import CQLWire
import Foundation
import UserStreamCore

extension CassandraStore {
    /// Inserts or replaces the run (by run id). Times are ISO-8601 UTC text with milliseconds, as in the embedded
    /// store.
    public func saveRun(_ run: JobRun) async throws {
        func optional(_ text: String?) -> CQLValue { text.map { .text($0) } ?? .null }
        try await write(
            statements.saveRun,
            [
                .text(run.runID), .text(run.job), .text(run.trigger), .text(run.source),
                .text(Self.timestamp(run.startedAt)), optional(run.endedAt.map(Self.timestamp)),
                .text(run.state.rawValue), .bigint(Int64(run.requests)), .bigint(Int64(run.usersFetched)),
                .bigint(Int64(run.produced)), .bigint(Int64(run.deadLettered)),
                .text(try Self.encodeErrors(run.errors)),
                optional(run.message),
            ]
        )
    }

    /// The most recent runs by start time, newest first, with the processor's stats for each.
    ///
    /// Cassandra cannot order a table across partitions: every run is read and sorted here (one row per job run,
    /// 1,440 a day at the default schedule).
    public func runs(limit: Int) async throws -> [JobRunReport] {
        var runs: [JobRun] = []
        let rows = client.queryPages(
            """
            SELECT run_id, job, "trigger", source, started_at, ended_at, state, requests, users_fetched, produced, \
            dead_lettered, errors, message FROM \(keyspace).job_runs
            """,
            consistency: configuration.readConsistency
        ).rows
        for try await row in rows {
            runs.append(try Self.jobRun(row))
        }
        runs.sort { ($0.startedAt, $0.runID) > ($1.startedAt, $1.runID) }
        let newest = Array(runs.prefix(max(0, limit)))
        let statement = statements.selectRunStats
        return try await concurrentMap(newest, limit: configuration.concurrency) { run in
            let result = try await self.client.execute(
                statement,
                [.text(run.runID)],
                consistency: self.configuration.readConsistency
            )
            var processed = RunProcessingStats()
            if let row = result.rows.first {
                let cells = CQLCells(row, table: "run_stats")
                processed = RunProcessingStats(
                    stored: Int(try cells.optionalInt(0) ?? 0),
                    duplicates: Int(try cells.optionalInt(1) ?? 0),
                    deadLettered: Int(try cells.optionalInt(2) ?? 0)
                )
            }
            return JobRunReport(run: run, processed: processed)
        }
    }

    static func jobRun(_ row: [CQLValue]) throws -> JobRun {
        let cells = CQLCells(row, table: "job_runs")
        let stateText = try cells.text(6)
        guard let state = JobRunState(rawValue: stateText) else {
            throw CassandraStoreError(.corruptValue, "job_runs.state '\(stateText)' is not a known state")
        }
        return JobRun(
            runID: try cells.text(0),
            job: try cells.text(1),
            trigger: try cells.text(2),
            source: try cells.text(3),
            startedAt: try date(try cells.text(4), column: "started_at"),
            endedAt: try cells.optionalText(5).map { try date($0, column: "ended_at") },
            state: state,
            requests: Int(try cells.optionalInt(7) ?? 0),
            usersFetched: Int(try cells.optionalInt(8) ?? 0),
            produced: Int(try cells.optionalInt(9) ?? 0),
            deadLettered: Int(try cells.optionalInt(10) ?? 0),
            errors: try decodeErrors(try cells.optionalText(11) ?? "{}"),
            message: try cells.optionalText(12)
        )
    }

    static func timestamp(_ date: Date) -> String { JobRunText.timestamp(date) }

    static func date(_ text: String, column: String) throws -> Date {
        guard let date = JobRunText.date(text) else {
            throw CassandraStoreError(.corruptValue, "job_runs.\(column) '\(text)' is not an ISO-8601 timestamp")
        }
        return date
    }

    static func encodeErrors(_ errors: [String: Int]) throws -> String { try JobRunText.errors(errors) }

    static func decodeErrors(_ text: String) throws -> [String: Int] {
        guard let errors = JobRunText.errors(parsing: text) else {
            throw CassandraStoreError(.corruptValue, "job_runs.errors is not a JSON object of counts: \(text)")
        }
        return errors
    }
}
