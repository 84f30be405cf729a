import ArgumentParser
import CassandraSnapshot
import Pipeline

/// `--snapshot-interval` and `--snapshot-max-rows`: how the HTTP server's copy of a Cassandra keyspace is kept.
struct SnapshotOptions: ParsableArguments {
    @Option(
        help: """
            With --cassandra: how often the dashboard's and Trino's local copy of the keyspace is refreshed. \
            (env: USERSTREAM_SNAPSHOT_INTERVAL)
            """
    )
    var snapshotInterval: String = Env.string("SNAPSHOT_INTERVAL", "5s")

    @Option(
        help: """
            With --cassandra: the most rows copied from one table; a larger table is reported by /readyz and the \
            copy keeps its previous contents. (env: USERSTREAM_SNAPSHOT_MAX_ROWS)
            """
    )
    var snapshotMaxRows: Int = Env.int("SNAPSHOT_MAX_ROWS", 5_000_000)

    func validate() throws {
        guard let interval = DurationText.parse(snapshotInterval), interval > .zero else {
            throw ValidationError("--snapshot-interval: '\(snapshotInterval)' is not a duration like 5s or 1m")
        }
        guard snapshotMaxRows > 0 else { throw ValidationError("--snapshot-max-rows must be ≥ 1") }
    }

    var configuration: CassandraSnapshotConfiguration {
        var configuration = CassandraSnapshotConfiguration()
        configuration.interval = DurationText.parse(snapshotInterval) ?? configuration.interval
        configuration.maxRowsPerTable = snapshotMaxRows
        return configuration
    }
}
