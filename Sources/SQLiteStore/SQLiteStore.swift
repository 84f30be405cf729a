import Foundation
import GRDB
import Logging
import UserStreamCore

/// The embedded `UserStore`: SQLite through GRDB, one database file per keyspace.
///
/// Files in `configuration.directory`:
/// - `userstream.sqlite`, the main database: job runs and migration bookkeeping;
/// - `<keyspace>.sqlite` (`spark_streams.sqlite`), attached on every connection `AS <keyspace>`: users
///   (`spark_streams.created_users`), per-minute aggregates (`user_counts`), per-run stats (`run_stats`) and consumer
///   offsets (`consumer_offsets`).
///
/// Both files run in WAL mode with `synchronous=FULL`. A batch commit writes only the keyspace file, in one
/// transaction, so rows, aggregates, stats and offsets become durable together or not at all.
///
/// One instance per process and directory: it owns one `DatabasePool` (a writer connection and up to four readers) for
/// its lifetime. Several processes may open the same directory: readers never block, writers wait for each other up
/// to `busyTimeout`.
public final class SQLiteStore: UserStore {
    public let configuration: SQLiteStoreConfiguration
    let pool: DatabasePool
    let logger: Logger

    /// The database pool, for the component that registered `attachment` (the CQL engine): its connections see
    /// `main`, the keyspace file as `<keyspace>` and the attachment under its schema. Write through
    /// `write`/`writeWithoutTransaction` like the store does, so that commits and the component's writes serialise on
    /// the one writer connection.
    ///
    /// - Throws: `StoreError.Code.open` when the store was opened without `attachment`.
    public func database(attachedAs attachment: SQLiteAttachment) throws(StoreError) -> DatabasePool {
        guard configuration.attachments.contains(attachment) else {
            throw StoreError(
                .open,
                "the store at \(configuration.directory) was opened without \(attachment.fileName) attached as "
                    + "\(attachment.schema)"
            )
        }
        return pool
    }

    /// SQL of the statements the commit path runs, per keyspace.
    let statements: CommitStatements

    /// Opens (or, unless read-only, creates and migrates) the store in `configuration.directory`.
    public init(
        configuration: SQLiteStoreConfiguration,
        logger: Logger = Logger(label: "userstream.store")
    ) throws {
        let keyspace = configuration.keyspace
        guard Self.isValidIdentifier(keyspace) else {
            throw StoreError(.open, "invalid keyspace name '\(keyspace)': use letters, digits and underscores")
        }
        var schemas: Set = ["main", "temp", keyspace]
        for attachment in configuration.attachments {
            guard Self.isValidIdentifier(attachment.schema), schemas.insert(attachment.schema).inserted,
                !attachment.fileName.isEmpty, !attachment.fileName.contains("/")
            else {
                throw StoreError(
                    .open,
                    "cannot attach \(attachment.fileName) as '\(attachment.schema)': the schema name must be a new "
                        + "identifier (not main, temp or the keyspace) and the file a plain name"
                )
            }
        }
        self.configuration = configuration
        self.logger = logger
        self.statements = CommitStatements(keyspace: keyspace)

        let fileManager = FileManager.default
        if configuration.readOnly {
            for path in [configuration.mainDatabasePath, configuration.keyspaceDatabasePath]
            where !fileManager.fileExists(atPath: path) {
                throw StoreError(.noData, "no data yet at \(configuration.directory): \(path) does not exist")
            }
        } else {
            do {
                try fileManager.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.open, "cannot create the store directory \(configuration.directory): \(error)")
            }
        }

        do {
            pool = try DatabasePool(
                path: configuration.mainDatabasePath,
                configuration: Self.grdbConfiguration(configuration)
            )
        } catch {
            throw StoreError.wrapping(error, "cannot open the store at \(configuration.directory)", code: .open)
        }

        if configuration.readOnly {
            let migrated: Bool
            do {
                migrated = try pool.read { db in
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT count(*) > 0 FROM \"\(keyspace)\".sqlite_schema WHERE name = 'created_users'"
                    ) ?? false
                }
            } catch {
                throw StoreError.wrapping(error, "cannot read the store at \(configuration.directory)", code: .open)
            }
            guard migrated else {
                try? pool.close()
                throw StoreError(.noData, "no data yet at \(configuration.directory): the schema has not been created")
            }
        } else {
            do {
                // GRDB sets `synchronous = NORMAL` on the writer when it enables WAL; the pipeline promises FULL.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA main.synchronous = FULL")
                }
            } catch {
                throw StoreError.wrapping(
                    error,
                    "cannot configure the store at \(configuration.directory)",
                    code: .open
                )
            }
            do {
                try StoreSchema.migrator(keyspace: keyspace).migrate(pool)
            } catch {
                throw StoreError.wrapping(
                    error,
                    "cannot migrate the store at \(configuration.directory)",
                    code: .migration
                )
            }
        }
        logger.info(
            "store.opened",
            metadata: [
                "store.directory": "\(configuration.directory)",
                "store.keyspace": "\(keyspace)",
                "store.read_only": "\(configuration.readOnly)",
            ]
        )
    }

    /// The GRDB configuration: attach the keyspace file and set the pragmas on every connection.
    ///
    /// Pragmas, and why:
    /// - `journal_mode = WAL` on both files (GRDB sets it on main): readers never block the writer and a commit is one
    ///   append + fsync of the WAL. Persistent in the file.
    /// - `synchronous = FULL` on both schemas: a committed batch survives power loss (NORMAL could lose the last
    ///   commits, and the offsets stored with them would then skip nothing but the rows would be gone).
    /// - `cache_size = -cacheSizeKiB` per schema on the writer: the random-order id index stays cached as the table
    ///   grows (readers: at most 16 MiB).
    /// - `temp_store = MEMORY`: sorts and temporary b-trees of ad-hoc queries stay off the disk.
    /// - `wal_autocheckpoint = walAutocheckpointPages`: checkpoint (two more fsyncs) every few batches, not every one.
    /// - page size stays at SQLite's 4 KiB: a random insert into the id index dirties one leaf page, which is then
    ///   written whole to the WAL; bigger pages multiply those bytes for no gain on ~400-byte rows.
    static func grdbConfiguration(_ configuration: SQLiteStoreConfiguration) -> Configuration {
        var grdb = Configuration()
        grdb.label = "userstream.store"
        grdb.readonly = configuration.readOnly
        let seconds =
            Double(configuration.busyTimeout.components.seconds)
            + Double(configuration.busyTimeout.components.attoseconds) / 1e18
        grdb.busyMode = .timeout(seconds)
        grdb.maximumReaderCount = 4
        let keyspace = configuration.keyspace
        let keyspacePath = configuration.keyspaceDatabasePath
        let attachments = configuration.attachments.map { ($0.schema, configuration.path(of: $0)) }
        let readOnly = configuration.readOnly
        let cacheSize = -abs(configuration.cacheSizeKiB)
        let autocheckpoint = configuration.walAutocheckpointPages
        grdb.prepareDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS \"\(keyspace)\"", arguments: [keyspacePath])
            // Attached files: a read-only store cannot create one, so it attaches each only when it exists.
            for (schema, path) in attachments where !readOnly || access(path, F_OK) == 0 {
                try db.execute(sql: "ATTACH DATABASE ? AS \"\(schema)\"", arguments: [path])
            }
            // Readers (up to four) get at most 16 MiB per schema: their working set is a query's, not the index's.
            let cacheSize = db.configuration.readonly ? max(cacheSize, -16_384) : cacheSize
            try db.execute(
                sql: """
                    PRAGMA main.cache_size = \(cacheSize);
                    PRAGMA "\(keyspace)".cache_size = \(cacheSize);
                    PRAGMA temp_store = MEMORY;
                    """
            )
            guard !db.configuration.readonly else { return }
            let mode = try String.fetchOne(db, sql: "PRAGMA \"\(keyspace)\".journal_mode = WAL")
            guard mode == "wal" else {
                throw StoreError(.open, "cannot enable WAL mode on \(keyspacePath) (journal_mode is \(mode ?? "?"))")
            }
            for (schema, path) in attachments {
                let mode = try String.fetchOne(db, sql: "PRAGMA \"\(schema)\".journal_mode = WAL")
                guard mode == "wal" else {
                    throw StoreError(.open, "cannot enable WAL mode on \(path) (journal_mode is \(mode ?? "?"))")
                }
                try db.execute(sql: "PRAGMA \"\(schema)\".synchronous = FULL")
            }
            try db.execute(
                sql: """
                    PRAGMA main.synchronous = FULL;
                    PRAGMA "\(keyspace)".synchronous = FULL;
                    PRAGMA wal_autocheckpoint = \(autocheckpoint);
                    """
            )
        }
        return grdb
    }

    static func isValidIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }

    var keyspace: String { configuration.keyspace }

    // MARK: - Reads

    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        let sql = """
            SELECT partition, next_offset FROM "\(keyspace)".consumer_offsets WHERE group_id = ? AND topic = ?
            """
        return try await read("committedOffsets") { db in
            var offsets: [Int32: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [group, topic])
            while let row = try rows.next() {
                offsets[row[0]] = row[1]
            }
            return offsets
        }
    }

    public func userCount() async throws -> Int {
        let sql = "SELECT count(*) FROM \"\(keyspace)\".created_users"
        return try await read("userCount") { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    public func user(id: String) async throws -> UserRecord? {
        let sql =
            "SELECT \(UserRecord.columnNames.joined(separator: ", ")) FROM \"\(keyspace)\".created_users WHERE id = ?"
        return try await read("user") { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return nil }
            return try Self.userRecord(row)
        }
    }

    static func userRecord(_ row: Row) throws -> UserRecord {
        func text(_ index: Int) throws -> String {
            guard let value: String = row[index] else {
                throw StoreError(.corruptValue, "created_users.\(UserRecord.columnNames[index]) is NULL")
            }
            return value
        }
        return UserRecord(
            id: try text(0),
            firstName: try text(1),
            lastName: try text(2),
            gender: try text(3),
            address: try text(4),
            postCode: try text(5),
            email: try text(6),
            username: try text(7),
            dob: try text(8),
            registeredDate: try text(9),
            phone: try text(10),
            picture: try text(11),
            nat: row[12],
            country: row[13],
            city: row[14],
            state: row[15],
            age: row[16],
            latitude: row[17],
            longitude: row[18],
            cell: row[19],
            ingestedAt: row[20]
        )
    }

    public func aggregateTotals(_ dimension: AggregateDimension) async throws -> [String: Int] {
        let sql = """
            SELECT value, sum(count) FROM "\(keyspace)".user_counts WHERE dimension = ?
            GROUP BY value HAVING sum(count) != 0
            """
        return try await read("aggregateTotals") { db in
            var totals: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [dimension.rawValue])
            while let row = try rows.next() {
                totals[row[0]] = row[1]
            }
            return totals
        }
    }

    public func close() async throws {
        do {
            try pool.close()
        } catch {
            throw StoreError.wrapping(error, "cannot close the store at \(configuration.directory)")
        }
        logger.info("store.closed", metadata: ["store.directory": "\(configuration.directory)"])
    }

    // MARK: - Helpers

    /// Runs `body` on a reader connection (a snapshot of the last commit; never blocks or is blocked by the writer).
    func read<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError.wrapping(error, context)
        }
    }

    func write<T: Sendable>(_ context: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard !configuration.readOnly else {
            throw StoreError(.open, "\(context): the store at \(configuration.directory) is open read-only")
        }
        do {
            // IMMEDIATE: take the write lock up front, so that a concurrent writer process makes us wait (busy
            // timeout) rather than fail when a deferred transaction tries to upgrade a stale read snapshot.
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw StoreError.wrapping(error, context)
        }
    }
}
