/// How `SQLiteStore` opens its database files.
///
/// The store keeps two files in `directory`: `userstream.sqlite` (job runs, migration bookkeeping) and
/// `<keyspace>.sqlite` (users, aggregates, per-run stats, consumer offsets), attached on every connection as
/// `<keyspace>` so that `spark_streams.created_users` is a real SQL name.
public struct SQLiteStoreConfiguration: Sendable, Hashable {
    /// The directory holding the database files, e.g. `<data-dir>/store`. A writable store creates it.
    public var directory: String

    /// The keyspace: the schema name the users live under, and the name of its file. Default `"spark_streams"`.
    public var keyspace: String

    /// How long a statement waits for another process's write lock before failing with `SQLITE_BUSY`.
    /// Default 10 seconds.
    public var busyTimeout: Duration

    /// Open without write access, for readers such as `userstream query` and `userstream runs` that run while another
    /// process writes. A read-only store never creates files and fails with `StoreError.Code.noData` when nothing has
    /// been written yet. Default `false`.
    public var readOnly: Bool

    /// Page cache per schema for each connection, in KiB (`PRAGMA cache_size = -N`). Default 65,536 (64 MiB): the
    /// id index takes one random insert per new user, and its pages must stay in memory for inserts to stay fast as the
    /// table grows.
    public var cacheSizeKiB: Int

    /// WAL pages after which a commit checkpoints the WAL into the database file (`PRAGMA wal_autocheckpoint`).
    /// Default 65,536 pages (256 MiB at 4 KiB pages). Every new user inserts into the id index at a random place, so
    /// once the table holds a few hundred thousand users, a 10,000-user batch dirties thousands of index pages and
    /// writes 20–30 MiB of WAL. A checkpoint writes each page once however many commits changed it, so checkpointing
    /// rarely saves most of that second write: measured at 1M rows, 65,536 pages sustained ~35–40k users/s where
    /// 16,384 pages fell to ~25k (SQLite's default, 1,000 pages, checkpoints after every batch). The cost: the WAL file
    /// grows to about this size on disk, and recovery after a crash reads it.
    public var walAutocheckpointPages: Int

    /// The keyspace name SQLite sees; also the default.
    public static let defaultKeyspace = "spark_streams"

    public init(
        directory: String,
        keyspace: String = SQLiteStoreConfiguration.defaultKeyspace,
        busyTimeout: Duration = .seconds(10),
        readOnly: Bool = false,
        cacheSizeKiB: Int = 65_536,
        walAutocheckpointPages: Int = 65_536
    ) {
        self.directory = directory
        self.keyspace = keyspace
        self.busyTimeout = busyTimeout
        self.readOnly = readOnly
        self.cacheSizeKiB = cacheSizeKiB
        self.walAutocheckpointPages = walAutocheckpointPages
    }

    /// The main database file: job runs and migration bookkeeping.
    public var mainDatabasePath: String { directory + "/userstream.sqlite" }

    /// The keyspace database file: everything a batch commit writes.
    public var keyspaceDatabasePath: String { directory + "/" + keyspace + ".sqlite" }

    /// The CQL engine's file: its catalog (keyspaces, tables, columns) and the tables of keyspaces other than
    /// ``keyspace``, attached on every connection as ``cqlKeyspacesSchema``. Created by a writable store; a read-only
    /// store attaches it only when it exists.
    public var cqlKeyspacesDatabasePath: String { directory + "/cql_keyspaces.sqlite" }

    /// The schema name SQLite gives ``cqlKeyspacesDatabasePath``.
    public static let cqlKeyspacesSchema = "cqlks"
}
