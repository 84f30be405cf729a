import ArgumentParser
import SQLiteStore
import UserStreamCore

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run read-only SQL on the embedded store (works while `run` is live).",
        discussion: """
            The keyspace is attached under its name, so the seeds' table is spark_streams.created_users. \
            Aggregates: spark_streams.user_counts (minute, dimension, value, count). Job runs: job_runs.
            Example: userstream query "SELECT gender, count(*) FROM spark_streams.created_users GROUP BY gender"
            """
    )

    @OptionGroup var data: DataOptions

    @Argument(help: "The SQL to run (SELECT, WITH, EXPLAIN, read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, json or csv. (env: USERSTREAM_FORMAT)")
    var format: String = Env.string("FORMAT", "table")

    @Option(help: "Return at most this many rows. (env: USERSTREAM_LIMIT)")
    var limit: Int = Env.int("LIMIT", 10_000)

    func validate() throws {
        guard QueryOutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be table, json or csv")
        }
        guard limit > 0 else { throw ValidationError("--limit must be ≥ 1") }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let store = try SQLiteStore(configuration: data.storeConfiguration(readOnly: true), logger: logger)
        do {
            let result = try await store.query(sql, limit: limit)
            print(result.formatted(as: QueryOutputFormat(rawValue: format)!), terminator: "")
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
