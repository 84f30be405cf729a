import Foundation
import GRDBSQLite
import SQLiteStore
import UserStreamCore

/// What `InsertCeiling.measure` achieved.
public struct InsertCeilingResult: Sendable, Hashable {
    public var rows: Int
    public var transactionSize: Int
    /// Wall time of the inserts and commits (not of opening and creating the file).
    public var elapsed: Duration

    public var rowsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(rows) / seconds : 0
    }
}

/// The raw SQLite insert ceiling on this machine: the `created_users` table filled through the C API alone (prepare
/// once; bind, step, reset per row; `BEGIN`/`COMMIT` every `transactionSize` rows), in WAL mode with
/// `synchronous=FULL` and the store's cache and checkpoint settings, in a fresh file. Text is bound with
/// `SQLITE_STATIC` from one reused buffer, the cheapest way to hand Swift strings to SQLite. The bench prints it beside the pipeline's figure, to show what the store's
/// bookkeeping (upsert checks, aggregates, offsets, GRDB) costs.
public enum InsertCeiling {
    /// Inserts `rows` into a new database in `directory` (created if needed, the file removed afterwards).
    public static func measure(
        rows: [UserRecord],
        transactionSize: Int,
        directory: String
    ) throws
        -> InsertCeilingResult
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/insert-ceiling-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let db = connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw StoreError(.open, "insert ceiling: cannot open \(path): \(message)")
        }
        defer { sqlite3_close_v2(db) }

        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw StoreError(.sqlite, "insert ceiling: " + String(cString: sqlite3_errmsg(db)), sql: sql)
            }
        }
        // The store's own settings (see `SQLiteStore.grdbConfiguration`), so that the difference is the store's work.
        let defaults = SQLiteStoreConfiguration(directory: directory)
        try exec("PRAGMA journal_mode = WAL")
        try exec("PRAGMA synchronous = FULL")
        try exec("PRAGMA cache_size = \(-defaults.cacheSizeKiB)")
        try exec("PRAGMA wal_autocheckpoint = \(defaults.walAutocheckpointPages)")
        try exec(StoreSchema.createdUsersTable(schema: "main"))

        let columns = UserRecord.columnNames
        let sql =
            "INSERT INTO created_users (\(columns.joined(separator: ", "))) VALUES ("
            + (1...columns.count).map { "?\($0)" }.joined(separator: ", ") + ")"
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil) == SQLITE_OK,
            let statement = prepared
        else {
            throw StoreError(.sqlite, "insert ceiling: " + String(cString: sqlite3_errmsg(db)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }

        let transactionSize = max(1, transactionSize)
        var binder = UserRowBinder()
        let clock = ContinuousClock()
        let start = clock.now
        var inTransaction = 0
        try rows.withUnsafeBufferPointer { rows in
            for index in rows.indices {
                if inTransaction == 0 { try exec("BEGIN") }
                binder.load(rows[index], ingestedAt: rows[index].ingestedAt ?? "")
                let rc = try binder.withBound(statement) { sqlite3_step(statement) }
                sqlite3_reset(statement)
                guard rc == SQLITE_DONE else {
                    throw StoreError(
                        .sqlite,
                        "insert ceiling: " + String(cString: sqlite3_errmsg(db)),
                        sql: sql,
                        sqliteCode: rc
                    )
                }
                inTransaction += 1
                if inTransaction == transactionSize {
                    try exec("COMMIT")
                    inTransaction = 0
                }
            }
        }
        if inTransaction > 0 { try exec("COMMIT") }
        return InsertCeilingResult(rows: rows.count, transactionSize: transactionSize, elapsed: clock.now - start)
    }
}
