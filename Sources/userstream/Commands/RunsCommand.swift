import ArgumentParser
import Foundation
import Pipeline
import SQLiteStore
import UserStreamCore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Show the run history of the user_automation job and of dead-letter replays, newest first.",
        discussion: """
            fetched = stored + duplicates + dead-lettered (ingest + process) once the processor has caught up; \
            'pending' is what the processor has not handled yet. A `dlq replay` is a run of its own (source dlq): \
            'replayed' is how many dead letters it took from users_created.dlq, and its other columns count them as an \
            ingest run's count users.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: "How many runs to show. (env: USERSTREAM_LIMIT)")
    var limit: Int = Env.int("LIMIT", 20)

    @Option(help: "Output format: table, json or csv. (env: USERSTREAM_FORMAT)")
    var format: String = Env.string("FORMAT", "table")

    func validate() throws {
        guard QueryOutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be table, json or csv")
        }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let store = try SQLiteStore(configuration: data.storeConfiguration(readOnly: true), logger: logger)
        let reports: [JobRunReport]
        do {
            reports = try await store.runs(limit: limit)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        print(Self.table(reports).formatted(as: QueryOutputFormat(rawValue: format)!), terminator: "")
    }

    static func table(_ reports: [JobRunReport]) -> QueryResult {
        let columns = [
            "run_id", "trigger", "source", "state", "started_at", "duration_s", "requests", "fetched", "produced",
            "dlq_ingest", "stored", "duplicates", "dlq_process", "pending", "replayed", "errors", "message",
        ]
        let rows: [[String?]] = reports.map { report in
            let run = report.run
            let processed = report.processed
            let seconds = run.endedAt.map { String(format: "%.1f", $0.timeIntervalSince(run.startedAt)) }
            let errors = run.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return [
                run.runID, run.trigger, run.source, run.state.rawValue,
                Timestamp.iso8601(milliseconds: Int64(run.startedAt.timeIntervalSince1970 * 1000)), seconds,
                String(run.requests), String(report.fetched), String(report.produced), String(run.deadLettered),
                String(processed.stored), String(processed.duplicates), String(processed.deadLettered),
                String(report.pending), String(Self.replayed(run)), errors.isEmpty ? nil : errors, run.message,
            ]
        }
        return QueryResult(columns: columns, rows: rows)
    }

    /// The dead letters a `dlq replay` run took; 0 for the ingestor's runs.
    static func replayed(_ run: JobRun) -> Int {
        run.job == DeadLetters.replayJob ? run.usersFetched : 0
    }

    static func summaryLine(_ run: JobRun) -> String {
        let errors = run.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var line =
            "\(run.runID): \(run.state.rawValue) — fetched \(run.usersFetched), produced \(run.produced), "
            + "dead-lettered \(run.deadLettered), requests \(run.requests)"
        if !errors.isEmpty { line += ", errors \(errors)" }
        if let message = run.message { line += " (\(message))" }
        return line
    }
}
