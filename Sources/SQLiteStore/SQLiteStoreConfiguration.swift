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

    /// Page cache per schema for each connection, in KiB (`PRAGMA cache_size = -N`). Default 16,384 (16 MiB). Every
    /// new user inserts into the id index at a random place, but the pages SQLite does not cache are read back from the
    /// operating system's file cache, which is cheap: `bench --users 1000000` measured 67,340 users/s with 64 MiB and
    /// 66,146 with 16 MiB in the same session, while the 64 MiB cache added 53 MiB to the pipeline's memory.
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
        cacheSizeKiB: Int = 16_384,
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

    /// Files of other components attached on every connection, each registered by the component that owns it
    /// (the CQL engine registers its own, see `CQLEngine.storeAttachment`). Default none.
    public var attachments: [SQLiteAttachment] = []

    /// The path of an attachment's file.
    public func path(of attachment: SQLiteAttachment) -> String { directory + "/" + attachment.fileName }

    /// This configuration with `attachment` registered (once).
    public func attaching(_ attachment: SQLiteAttachment) -> Self {
        var configuration = self
        if !configuration.attachments.contains(attachment) { configuration.attachments.append(attachment) }
        return configuration
    }
}

/// A database file another component keeps beside the store's and reads and writes on the store's connections,
/// attached on every connection under `schema`, so that its statements serialise with the store's commits on the one
/// writer connection. A writable store creates the file; a read-only store attaches it only when it exists.
public struct SQLiteAttachment: Sendable, Hashable {
    /// The schema name SQLite gives the file (`<schema>.table` in SQL).
    public var schema: String
    /// The file's name in the store's directory.
    public var fileName: String

    public init(schema: String, fileName: String) {
        self.schema = schema
        self.fileName = fileName
    }
}
