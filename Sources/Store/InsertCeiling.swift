import Foundation
import GRDBSQLite
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
/// `synchronous=FULL`, in a fresh file. The bench prints it beside the pipeline's figure, to show what the store's
/// bookkeeping (upsert checks, aggregates, offsets, GRDB) costs.
public enum InsertCeiling {
    /// Inserts `rows` into a new database in `directory` (created if needed, the file removed afterwards).
    public static func measure(rows: [UserRecord], transactionSize: Int, directory: String) throws
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
        try exec("PRAGMA journal_mode = WAL")
        try exec("PRAGMA synchronous = FULL")
        try exec(StoreSchema.createdUsersTable(schema: "main"))

        let columns = UserRecord.columnNames
        let sql = "INSERT INTO created_users (\(columns.joined(separator: ", "))) VALUES ("
            + (1...columns.count).map { "?\($0)" }.joined(separator: ", ") + ")"
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil) == SQLITE_OK,
            let statement = prepared
        else {
            throw StoreError(.sqlite, "insert ceiling: " + String(cString: sqlite3_errmsg(db)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }

        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func bind(_ index: Int32, _ text: String?) {
            if let text {
                sqlite3_bind_text(statement, index, text, -1, transient)
            } else {
                sqlite3_bind_null(statement, index)
            }
        }
        let transactionSize = max(1, transactionSize)
        let clock = ContinuousClock()
        let start = clock.now
        var inTransaction = 0
        for record in rows {
            if inTransaction == 0 { try exec("BEGIN") }
            bind(1, record.id)
            bind(2, record.firstName)
            bind(3, record.lastName)
            bind(4, record.gender)
            bind(5, record.address)
            bind(6, record.postCode)
            bind(7, record.email)
            bind(8, record.username)
            bind(9, record.dob)
            bind(10, record.registeredDate)
            bind(11, record.phone)
            bind(12, record.picture)
            bind(13, record.nat)
            bind(14, record.country)
            bind(15, record.city)
            bind(16, record.state)
            if let age = record.age { sqlite3_bind_int64(statement, 17, Int64(age)) } else { sqlite3_bind_null(statement, 17) }
            if let latitude = record.latitude { sqlite3_bind_double(statement, 18, latitude) } else { sqlite3_bind_null(statement, 18) }
            if let longitude = record.longitude { sqlite3_bind_double(statement, 19, longitude) } else { sqlite3_bind_null(statement, 19) }
            bind(20, record.cell)
            bind(21, record.ingestedAt ?? "")
            let rc = sqlite3_step(statement)
            sqlite3_reset(statement)
            guard rc == SQLITE_DONE else {
                throw StoreError(.sqlite, "insert ceiling: " + String(cString: sqlite3_errmsg(db)), sql: sql, sqliteCode: rc)
            }
            inTransaction += 1
            if inTransaction == transactionSize {
                try exec("COMMIT")
                inTransaction = 0
            }
        }
        if inTransaction > 0 { try exec("COMMIT") }
        return InsertCeilingResult(rows: rows.count, transactionSize: transactionSize, elapsed: clock.now - start)
    }
}
