import CQLClient
import CQLWire
import CassandraStore
import Foundation
import GRDB
import Logging
import SQLiteStore
import ServiceLifecycle
import Synchronization
import UserStreamCore

/// A local, read-only copy of a Cassandra keyspace's pipeline tables in an embedded store, refreshed every
/// `interval`: what the dashboard and the Trino endpoint read under `--cassandra`.
///
/// Aggregations such as `GROUP BY gender` or a `date_trunc('minute', …)` time series need a scan of `created_users`
/// on Cassandra whatever runs them (Trino's Cassandra connector scans too). The snapshot scans each table once per
/// refresh, page by page, and answers every dashboard and SQL query from SQLite in between, with the same SQL as the
/// embedded store, so the two back ends show the same numbers.
///
/// A refresh copies `created_users`, `user_counts`, `consumer_offsets`, `run_stats` and `job_runs` into staging tables
/// (bounded memory: one page at a time), then replaces the snapshot's tables in one transaction: readers see either
/// the previous snapshot or the new one, never a mix. Users are copied in ingestion order (`ingested_at`), so
/// "newest users" reads the same as on the embedded store. A failed refresh keeps the previous snapshot and is
/// reported by ``status()`` (and `/readyz`).
public final class CassandraSnapshot: Service, Sendable {
    /// How the last refreshes went.
    public struct Status: Sendable, Hashable {
        /// Completed refreshes.
        public var refreshes: Int
        /// Refreshes that copied `created_users` (the others found the pipeline's tables unchanged).
        public var usersCopies: Int
        /// When the snapshot was last replaced, milliseconds since the Unix epoch; nil before the first one.
        public var refreshedAt: Int64?
        /// How long the last successful refresh took.
        public var lastDuration: Duration?
        /// Rows copied per table by the last successful refresh.
        public var rows: [String: Int]
        /// The error of the last attempt, nil when it succeeded.
        public var lastError: String?
    }

    /// The snapshot: an embedded store in a private directory, removed by ``close()``.
    public let store: SQLiteStore
    public let configuration: CassandraSnapshotConfiguration
    let source: CassandraStore
    let directory: String
    let logger: Logger
    private let state = Mutex(
        Status(refreshes: 0, usersCopies: 0, refreshedAt: nil, lastDuration: nil, rows: [:], lastError: nil)
    )

    /// What the last copy of `created_users` saw of the pipeline's other tables.
    private struct Copies {
        var pipelineTables: Int?
        var usersCopiedAt: ContinuousClock.Instant?
        var users = 0
    }

    private let copies = Mutex(Copies())

    /// Creates the snapshot's store, empty, in a new directory under `configuration.parentDirectory`. The service's
    /// ``run()`` makes the first copy at once (so that a large keyspace does not hold up the process's start), or call
    /// ``refresh()``.
    public static func open(
        source: CassandraStore,
        configuration: CassandraSnapshotConfiguration = CassandraSnapshotConfiguration(),
        logger: Logger
    ) async throws -> CassandraSnapshot {
        let directory = configuration.parentDirectory + "/userstream-cassandra-snapshot-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var storeConfiguration = SQLiteStoreConfiguration(directory: directory)
        storeConfiguration.keyspace = source.configuration.keyspace
        let store: SQLiteStore
        do {
            store = try SQLiteStore(configuration: storeConfiguration, logger: logger)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return CassandraSnapshot(
            store: store,
            source: source,
            configuration: configuration,
            directory: directory,
            logger: logger
        )
    }

    private init(
        store: SQLiteStore,
        source: CassandraStore,
        configuration: CassandraSnapshotConfiguration,
        directory: String,
        logger: Logger
    ) {
        self.store = store
        self.source = source
        self.configuration = configuration
        self.directory = directory
        self.logger = logger
    }

    public func status() -> Status {
        state.withLock { $0 }
    }

    /// Refreshes now, then every `interval`, until graceful shutdown (which also stops a refresh in progress: a large
    /// keyspace's scan does not hold up the process's exit). A failed refresh is reported by ``status()`` and tried
    /// again at the next interval (Cassandra may still be starting, or restarting).
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.attemptRefresh()
                try await Task.sleep(for: self.configuration.interval)
            }
        }
    }

    /// Closes the snapshot's store and removes its directory.
    public func close() async throws {
        try await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Refreshes, recording the outcome. A failure is logged as a warning when it starts or changes, and at debug
    /// level while it repeats (every interval during an outage); the first success after it is logged as recovered.
    private func attemptRefresh() async {
        let failing = state.withLock { $0.lastError }
        do {
            try await refresh()
            if let failing {
                logger.info(
                    "cassandra.snapshot.recovered",
                    metadata: ["after": "\(failing)", "cql.keyspace": "\(source.configuration.keyspace)"]
                )
            }
        } catch {
            if Task.isCancelled { return }  // shutting down: the copy stays as it was
            let message = "\(error)"
            state.withLock { $0.lastError = message }
            let metadata: Logger.Metadata = ["error": "\(message)", "cql.keyspace": "\(source.configuration.keyspace)"]
            if failing == message {
                logger.debug("cassandra.snapshot.failed", metadata: metadata)
            } else {
                logger.warning("cassandra.snapshot.failed", metadata: metadata)
            }
        }
    }

    /// Copies the tables from Cassandra and replaces the snapshot's tables with them in one transaction. One refresh at
    /// a time: the service's loop is its caller (the staging tables are shared).
    ///
    /// The small tables are read first. Every commit of the pipeline changes `consumer_offsets` (and `user_counts`,
    /// `run_stats`), so when they read exactly as at the last copy of `created_users`, and that copy is younger than
    /// `usersRecopyInterval`, `created_users` is not read again: an idle pipeline costs a few small reads per
    /// interval, not a scan of every user. Writes that bypass the pipeline (CQL by hand) show up at the next full copy.
    public func refresh() async throws {
        let started = ContinuousClock.now
        let keyspace = source.configuration.keyspace
        var rows: [String: Int] = [:]
        var fingerprint = Hasher()
        for table in SnapshotTable.small {
            rows[table.name] = try await stage(table, keyspace: keyspace) { fingerprint.combine($0) }
        }
        let pipelineTables = fingerprint.finalize()
        let (lastFingerprint, lastUsersCopy, lastUsers) = copies.withLock {
            ($0.pipelineTables, $0.usersCopiedAt, $0.users)
        }
        let recopyUsers =
            lastFingerprint != pipelineTables
            || lastUsersCopy.map { started - $0 >= configuration.usersRecopyInterval }
                ?? true
        var tables = SnapshotTable.small
        if recopyUsers {
            rows[SnapshotTable.users.name] = try await stage(SnapshotTable.users, keyspace: keyspace) { _ in }
            tables.append(SnapshotTable.users)
        } else {
            rows[SnapshotTable.users.name] = lastUsers
        }
        try await store.commitReplacements(tables.map(\.replacement))
        if recopyUsers {
            let users = rows[SnapshotTable.users.name] ?? 0
            copies.withLock { $0 = Copies(pipelineTables: pipelineTables, usersCopiedAt: started, users: users) }
        }
        let elapsed = ContinuousClock.now - started
        state.withLock {
            $0.refreshes += 1
            if recopyUsers { $0.usersCopies += 1 }
            $0.refreshedAt = Timestamp.nowMilliseconds()
            $0.lastDuration = elapsed
            $0.rows = rows
            $0.lastError = nil
        }
        logger.debug(
            "cassandra.snapshot.refreshed",
            metadata: [
                "rows": "\(rows)", "duration": "\(elapsed)", "cql.keyspace": "\(keyspace)",
                "users_copied": "\(recopyUsers)",
            ]
        )
    }

    /// Reads `table` from Cassandra page by page into its staging table; returns the row count. `observe` sees every
    /// value read.
    private func stage(
        _ table: SnapshotTable,
        keyspace: String,
        observe: (CQLValue) -> Void
    ) async throws -> Int {
        try await store.beginReplacement(table.replacement)
        var count = 0
        let pages = try source.selectPages(
            "SELECT \(table.columnList) FROM \(keyspace).\(table.name)",
            pageSize: configuration.pageSize
        )
        for try await page in pages {
            count += page.rows.count
            guard count <= configuration.maxRowsPerTable else {
                throw CassandraSnapshotError(
                    .tooManyRows,
                    "\(keyspace).\(table.name) has more than \(configuration.maxRowsPerTable) rows; raise the "
                        + "snapshot's row limit (--snapshot-max-rows) or query Cassandra directly"
                )
            }
            for row in page.rows { row.forEach(observe) }
            try await store.stage(table.replacement, rows: page.rows.map { $0.map(Self.databaseValue) })
        }
        return count
    }

    /// A CQL value as the SQLite value the embedded store keeps for it.
    static func databaseValue(_ value: CQLValue) -> DatabaseValue {
        switch value {
        case .null, .unset: return .null
        case .text(let text): return text.databaseValue
        case .bigint(let number), .timestamp(let number): return number.databaseValue
        case .int(let number): return Int64(number).databaseValue
        case .date(let number): return Int64(number).databaseValue
        case .smallint(let number): return Int64(number).databaseValue
        case .tinyint(let number): return Int64(number).databaseValue
        case .boolean(let flag): return Int64(flag ? 1 : 0).databaseValue
        case .double(let number): return number.databaseValue
        case .float(let number): return Double(number).databaseValue
        case .uuid(let uuid): return uuid.description.lowercased().databaseValue
        default: return (CassandraStore.text(of: value) ?? "").databaseValue
        }
    }
}

/// One table the snapshot copies: its CQL columns, where it lives in the embedded store, and the defaults that fill
/// the embedded store's NOT NULL columns when a Cassandra cell is null.
struct SnapshotTable: Sendable {
    var name: String
    /// Columns with the SQL expression that fills a null (nil: the column may be null).
    var columns: [(name: String, whenNull: String?)]
    /// `main` for `job_runs` (the embedded store's main file), else the keyspace.
    var inMain = false
    /// Columns the rows are copied in order of.
    var orderBy: [String] = []

    var columnList: String { columns.map { "\"\($0.name)\"" }.joined(separator: ", ") }

    /// The embedded store's replacement of this table.
    var replacement: SQLiteTableReplacement {
        SQLiteTableReplacement(
            table: name,
            location: inMain ? .main : .keyspace,
            columns: columns.map { SQLiteTableReplacement.Column($0.name, whenNull: $0.whenNull) },
            orderBy: orderBy
        )
    }

    /// `created_users`: copied last, and only when the pipeline's tables changed (or it is due).
    static let users = SnapshotTable(
        name: UserTable.name,
        // The store's NOT NULL columns get '' when Cassandra has no value.
        columns: UserTable.columns.map { ($0.name, $0.notNullInStore && $0.role != .key ? "''" : nil) },
        // Ingestion order, so that rowid order is newest-last as in the embedded store.
        orderBy: ["ingested_at", "id"]
    )

    /// The pipeline's small tables, copied on every refresh.
    static let small: [SnapshotTable] = [
        SnapshotTable(
            name: "user_counts",
            columns: [("minute", nil), ("dimension", nil), ("value", nil), ("count", "0")]
        ),
        SnapshotTable(
            name: "consumer_offsets",
            columns: [
                ("group_id", nil), ("topic", nil), ("partition", nil), ("next_offset", nil), ("batch_id", "''"),
                ("committed_at", "''"),
            ]
        ),
        SnapshotTable(
            name: "run_stats",
            columns: [("run_id", nil), ("stored", "0"), ("duplicates", "0"), ("dead_lettered", "0")]
        ),
        SnapshotTable(
            name: "job_runs",
            columns: [
                ("run_id", nil), ("job", "''"), ("trigger", "''"), ("source", "''"), ("started_at", "''"),
                ("ended_at", nil), ("state", "'failed'"), ("requests", "0"), ("users_fetched", "0"),
                ("produced", "0"), ("dead_lettered", "0"), ("errors", "'{}'"), ("message", nil),
            ],
            inMain: true
        ),
    ]
}
