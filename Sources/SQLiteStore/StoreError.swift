import GRDB

/// An error from the embedded store, with what it was doing and, for SQLite errors, SQLite's own message.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is. A struct rather than an enum so that codes can be added without breaking clients.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case noData = "no_data"
            case open
            case migration
            case sqlite
            case readOnlyQuery = "read_only_query"
            case invalidQuery = "invalid_query"
            case closed
            case corruptValue = "corrupt_value"
            case interrupted
        }

        fileprivate let base: Base

        /// Opening a read-only store where no writer has created the database yet.
        public static let noData = Code(base: .noData)
        /// The store directory or its database files could not be opened or created.
        public static let open = Code(base: .open)
        /// A schema migration failed.
        public static let migration = Code(base: .migration)
        /// SQLite reported an error while executing a statement.
        public static let sqlite = Code(base: .sqlite)
        /// `query(_:limit:)` was given a statement that would write.
        public static let readOnlyQuery = Code(base: .readOnlyQuery)
        /// `query(_:limit:)` was given empty text or more than one statement.
        public static let invalidQuery = Code(base: .invalidQuery)
        /// The store was used after `close()`.
        public static let closed = Code(base: .closed)
        /// A stored value does not have the expected type (a row that another tool wrote by hand).
        public static let corruptValue = Code(base: .corruptValue)
        /// `typedQuery` was stopped by its `QueryInterrupter` (deadline passed or cancelled).
        public static let interrupted = Code(base: .interrupted)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What went wrong, in words.
    public var message: String
    /// The SQL being executed, if any.
    public var sql: String?
    /// The SQLite extended result code, if the error comes from SQLite.
    public var sqliteCode: Int32?

    public init(_ code: Code, _ message: String, sql: String? = nil, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.sqliteCode = sqliteCode
    }

    public var description: String {
        var text = "StoreError(\(code)): \(message)"
        if let sqliteCode { text += " [SQLite \(sqliteCode)]" }
        if let sql { text += " — SQL: \(sql)" }
        return text
    }
}

extension StoreError {
    /// Wraps any error thrown by GRDB or SQLite, keeping SQLite's message and the statement's SQL.
    static func wrapping(_ error: any Error, _ context: String, code: Code = .sqlite) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let sqliteMessage = error.message ?? "\(error.resultCode)"
            if error.resultCode == .SQLITE_MISUSE, sqliteMessage.contains("Connection is closed") {
                return StoreError(.closed, "\(context): the store is closed")
            }
            return StoreError(
                code,
                "\(context): \(sqliteMessage)",
                sql: error.sql,
                sqliteCode: error.extendedResultCode.rawValue
            )
        }
        return StoreError(code, "\(context): \(error)")
    }
}
