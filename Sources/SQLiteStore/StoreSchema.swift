import GRDB
import UserStreamCore

/// The store's schema, as migrations.
///
/// Everything one batch commit writes (users, aggregates, per-run stats, consumer offsets) lives in the keyspace file:
/// with WAL, a transaction that spans two attached files is atomic per file but not across them, so keeping a commit
/// inside one file is what makes it exactly-once. Job runs, written by the ingestor independently, live in the main
/// file together with the migration bookkeeping.
///
/// The migrations create keyspace tables with `IF NOT EXISTS`: a migration touches both files (its bookkeeping row is
/// in the main file), so a crash in the middle could leave the keyspace file ahead of the bookkeeping, and the
/// migration must then be able to run again.
package enum StoreSchema {
    /// `CREATE TABLE` for `created_users` in the given schema.
    ///
    /// A rowid table keyed by the user id: new rows append to the table B-tree in ingestion order (so
    /// `ORDER BY rowid DESC` serves "newest users" without an index), and the primary key's index is the only
    /// secondary structure, since every index costs one more B-tree insert per user. Counts are served by
    /// `user_counts`, not by scans. `STRICT` so that SQLite itself rejects a value of the wrong type.
    /// `ingested_at` is never NULL: the store fills in the commit time for records that carry none (or carry text that
    /// is not a timestamp), so that a row's aggregate minute can always be derived from the row.
    package static func createdUsersTable(schema: String) -> String {
        let columns = UserTable.columns.map { column in
            let constraints = column.role == .key ? " NOT NULL PRIMARY KEY" : column.notNullInStore ? " NOT NULL" : ""
            return "    \(column.name) \(column.sqlType)\(constraints)"
        }
        return """
            CREATE TABLE IF NOT EXISTS "\(schema)".\(UserTable.name) (
            \(columns.joined(separator: ",\n"))
            ) STRICT
            """
    }

    static func migrator(keyspace: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: created_users, user_counts, consumer_offsets, run_stats, job_runs") { db in
            try db.execute(sql: createdUsersTable(schema: keyspace))
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS "\(keyspace)".user_counts (
                        minute INTEGER NOT NULL,
                        dimension TEXT NOT NULL,
                        value TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (minute, dimension, value)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS "\(keyspace)".consumer_offsets (
                        group_id TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        partition INTEGER NOT NULL,
                        next_offset INTEGER NOT NULL CHECK (next_offset >= 0),
                        batch_id TEXT NOT NULL,
                        committed_at TEXT NOT NULL,
                        PRIMARY KEY (group_id, topic, partition)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS "\(keyspace)".run_stats (
                        run_id TEXT NOT NULL PRIMARY KEY,
                        stored INTEGER NOT NULL DEFAULT 0,
                        duplicates INTEGER NOT NULL DEFAULT 0,
                        dead_lettered INTEGER NOT NULL DEFAULT 0
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS main.job_runs (
                        run_id TEXT NOT NULL PRIMARY KEY,
                        job TEXT NOT NULL,
                        "trigger" TEXT NOT NULL,
                        source TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        ended_at TEXT,
                        state TEXT NOT NULL CHECK (state IN ('running', 'success', 'failed', 'interrupted')),
                        requests INTEGER NOT NULL,
                        users_fetched INTEGER NOT NULL,
                        produced INTEGER NOT NULL,
                        dead_lettered INTEGER NOT NULL,
                        errors TEXT NOT NULL CHECK (json_valid(errors)),
                        message TEXT
                    ) STRICT;
                    CREATE INDEX IF NOT EXISTS main.job_runs_started_at ON job_runs (started_at);
                    """
            )
        }
        return migrator
    }
}
