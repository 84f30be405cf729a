import UserStreamCore

/// The store's CQL schema.
///
/// The four tables the embedded store also has use exactly the embedded store's definitions as CQL (our own CQL
/// server maps them onto its SQLite tables). The others are this store's own, plain portable CQL (text, int,
/// bigint; no collections, counters or table options):
/// - `batch_commits`: the batch journal — per batch id and attempt, its state and its planned counter changes;
/// - `open_batches`: the attempts not finished yet, per consumer group and topic, with their offset ranges and what
///   undoing their row writes needs (see `BatchCommitter`);
/// - `user_count_deltas`, `run_stat_deltas`: each attempt's contribution to `user_counts` and `run_stats`, which
///   those tables hold the sums of;
/// - `job_runs`: the ingestor's job runs (the embedded store keeps them in its main file, with the same columns).
enum CassandraSchema {
    static func createKeyspace(_ keyspace: String, replication: CassandraStoreConfiguration.Replication) -> String {
        "CREATE KEYSPACE IF NOT EXISTS \(keyspace) WITH replication = \(replication.cql)"
    }

    /// `created_users`, from `UserTable`.
    static func createdUsers(_ keyspace: String) -> String {
        let columns = UserTable.columns.map { column in
            "\(column.name) \(column.cqlType)\(column.role == .key ? " PRIMARY KEY" : "")"
        }
        return "CREATE TABLE IF NOT EXISTS \(keyspace).\(UserTable.name) (\(columns.joined(separator: ", ")))"
    }

    static func tables(_ keyspace: String) -> [String] {
        [
            createdUsers(keyspace),
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).user_counts (minute bigint, dimension text, value text, \
            count bigint, PRIMARY KEY ((minute), dimension, value))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).consumer_offsets (group_id text, topic text, partition int, \
            next_offset bigint, batch_id text, committed_at text, PRIMARY KEY ((group_id), topic, partition))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).run_stats (run_id text PRIMARY KEY, stored bigint, \
            duplicates bigint, dead_lettered bigint)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).batch_commits (batch_id text, attempt int, state text, \
            now_ms bigint, inserted bigint, duplicates bigint, count_deltas text, run_deltas text, updated_at text, \
            PRIMARY KEY ((batch_id), attempt))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).open_batches (group_id text, topic text, batch_id text, \
            attempt int, ranges text, now_ms bigint, new_ids text, prior_keys text, \
            PRIMARY KEY ((group_id, topic), batch_id))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).user_count_deltas (minute bigint, dimension text, value text, \
            batch_id text, attempt int, delta bigint, PRIMARY KEY ((minute), dimension, value, batch_id, attempt))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).run_stat_deltas (run_id text, batch_id text, attempt int, \
            stored bigint, duplicates bigint, dead_lettered bigint, PRIMARY KEY ((run_id), batch_id, attempt))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(keyspace).job_runs (run_id text PRIMARY KEY, job text, "trigger" text, \
            source text, started_at text, ended_at text, state text, requests bigint, users_fetched bigint, \
            produced bigint, dead_lettered bigint, errors text, message text)
            """,
        ]
    }

    /// The `run_id` under which `run_stats` and `run_stat_deltas` keep records that came without a job run id: the
    /// embedded store keys them by `''`, which Cassandra refuses as a partition key ("Key may not be empty").
    static let noRunKey = "(no run)"

    static func runKey(_ runID: String) -> String { runID.isEmpty ? noRunKey : runID }

    /// Whether `name` is a plain identifier (letters, digits, underscores; not starting with a digit).
    static func isValidIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }
}
