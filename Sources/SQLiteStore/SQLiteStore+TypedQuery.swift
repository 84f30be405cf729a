import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// One cell of a `TypedQueryResult`: the value as SQLite stored it (its storage class), not converted to text.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A result set whose cells keep SQLite's storage classes, for servers that must type their columns (the Trino
/// protocol).
public struct TypedQueryResult: Sendable, Hashable {
    public struct Column: Sendable, Hashable {
        /// The result column's name, as SQLite names it (the alias if there is one).
        public var name: String
        /// The declared type of the table column the result column comes from (`TEXT`, `INTEGER`, …), when the
        /// result column is a plain column reference, even through subqueries; `nil` for expressions.
        public var declaredType: String?

        public init(name: String, declaredType: String?) {
            self.name = name
            self.declaredType = declaredType
        }
    }

    public var columns: [Column]
    public var rows: [[SQLiteValue]]
    /// `false` when the statement had more rows than the limits allowed; `rows` then holds the rows up to the limit.
    public var isComplete: Bool

    public init(columns: [Column], rows: [[SQLiteValue]], isComplete: Bool) {
        self.columns = columns
        self.rows = rows
        self.isComplete = isComplete
    }
}

/// Lets another task stop a running `typedQuery`: SQLite checks it every few thousand virtual machine steps.
public final class QueryInterrupter: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// Deadline in `DispatchTime.now().uptimeNanoseconds`, or `UInt64.max` for none.
    private let deadline: UInt64

    /// - Parameter timeLimit: how long the query may run from now; `nil` for no limit.
    public init(timeLimit: Duration?) {
        if let timeLimit {
            let (seconds, attoseconds) = timeLimit.components
            let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
            deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(nanoseconds)
        } else {
            deadline = .max
        }
    }

    /// Asks the running query to stop; it fails with `StoreError.Code.interrupted`.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Whether the deadline has passed.
    public var isPastDeadline: Bool { DispatchTime.now().uptimeNanoseconds >= deadline }

    var shouldStop: Bool { isCancelled || isPastDeadline }
}

extension SQLiteStore {
    /// Runs one read-only SQL statement (SQLite dialect) on a reader connection, keeping each cell's storage class.
    ///
    /// The same statements are refused as by `query(_:limit:)`. Stops after `maxRows` rows or once the cells read
    /// take more than `maxBytes` (text and blob bytes, 8 per number), and then reports `isComplete == false`. The
    /// interrupter stops the statement when its deadline passes or it is cancelled: the call then throws
    /// `StoreError.Code.interrupted`.
    public func typedQuery(
        _ text: String,
        maxRows: Int,
        maxBytes: Int = .max,
        interrupter: QueryInterrupter? = nil
    ) async throws -> TypedQueryResult {
        try Self.checkReadOnly(text, allowing: ["SELECT", "WITH", "VALUES"])
        return try await read("query") { db in
            let statement = try Self.readOnlyStatement(text, in: db)
            let connection = db.sqliteConnection
            if let interrupter {
                sqlite3_progress_handler(
                    connection,
                    1_000,
                    { context in
                        guard let context else { return 0 }
                        return Unmanaged<QueryInterrupter>.fromOpaque(context).takeUnretainedValue().shouldStop ? 1 : 0
                    },
                    Unmanaged.passUnretained(interrupter).toOpaque()
                )
            }
            defer {
                if interrupter != nil { sqlite3_progress_handler(connection, 0, nil, nil) }
            }
            return try withExtendedLifetime(interrupter) {
                try Self.collectTyped(
                    statement.sqliteStatement,
                    connection: connection,
                    maxRows: max(0, maxRows),
                    maxBytes: max(0, maxBytes),
                    sql: text
                )
            }
        }
    }

    static func collectTyped(
        _ handle: OpaquePointer,
        connection: OpaquePointer?,
        maxRows: Int,
        maxBytes: Int,
        sql: String
    ) throws -> TypedQueryResult {
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        let columnCount = sqlite3_column_count(handle)
        let columns = (0..<columnCount).map { index in
            TypedQueryResult.Column(
                name: sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "",
                declaredType: sqlite3_column_decltype(handle, index).map { String(cString: $0) }
            )
        }
        var rows: [[SQLiteValue]] = []
        var bytes = 0
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
                let code: StoreError.Code
                switch rc & 0xff {
                case SQLITE_READONLY: code = .readOnlyQuery
                case SQLITE_INTERRUPT: code = .interrupted
                default: code = .sqlite
                }
                throw StoreError(code, "query: \(message)", sql: sql, sqliteCode: rc)
            }
            if rows.count >= maxRows || bytes > maxBytes {
                return TypedQueryResult(columns: columns, rows: rows, isComplete: false)
            }
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                let value = typedCell(handle, column)
                switch value {
                case .text(let string): bytes += string.utf8.count
                case .blob(let blob): bytes += blob.count
                default: bytes += 8
                }
                row.append(value)
            }
            rows.append(row)
        }
        return TypedQueryResult(columns: columns, rows: rows, isComplete: bytes <= maxBytes)
    }

    private static func typedCell(_ handle: OpaquePointer, _ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL:
            return .null
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        }
    }
}
