import GRDB
import GRDBSQLite
import UserStreamCore

extension SQLiteStore {
    /// Runs one read-only SQL statement (SQLite dialect; `spark_streams.created_users` and friends are real names) on
    /// a reader connection and returns at most `limit` rows.
    ///
    /// Refused with `StoreError.Code.readOnlyQuery`: anything SQLite does not consider read-only, and `ATTACH`,
    /// `DETACH` and transaction control (read-only for SQLite, but they would alter a pooled reader connection). Reader
    /// connections are opened read-only as well, so SQLite itself refuses writes that slip through.
    ///
    /// Cells are text as SQLite renders them (`CAST(x AS TEXT)`: integers in decimal, reals with at least one decimal
    /// place, e.g. `1.0`), blobs as lower-case hex, SQL NULL as `nil`. The result does not say whether rows were left
    /// out; a caller that needs to know asks for `limit + 1` rows.
    public func query(_ text: String, limit: Int) async throws -> QueryResult {
        try Self.checkReadOnly(text, allowing: ["SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA"])
        let limit = max(0, limit)
        return try await read("query") { db in
            let statement = try Self.readOnlyStatement(text, in: db)
            return try Self.collect(statement.sqliteStatement, connection: db.sqliteConnection, limit: limit, sql: text)
        }
    }

    /// Refuses, before SQLite sees it, a statement that is empty or does not start with one of `keywords`.
    static func checkReadOnly(_ text: String, allowing keywords: Set<String>) throws {
        let keyword = leadingKeyword(text)
        guard !keyword.isEmpty else {
            let start = String(String.UnicodeScalarView(statementStart(text).prefix(20)))
            guard !start.isEmpty else { throw StoreError(.invalidQuery, "query: empty statement") }
            throw StoreError(
                .invalidQuery,
                "query: a statement starts with a keyword such as SELECT, not '\(start)'",
                sql: text
            )
        }
        guard keywords.contains(keyword) else {
            throw StoreError(.readOnlyQuery, "query: only read-only statements are allowed, not \(keyword)", sql: text)
        }
    }

    /// One statement, prepared on a reader connection, that SQLite considers read-only.
    static func readOnlyStatement(_ text: String, in db: Database) throws -> Statement {
        let statement: Statement
        do {
            statement = try db.makeStatement(sql: text)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_MISUSE {
            throw StoreError(.invalidQuery, "query: exactly one statement is allowed", sql: text)
        } catch {
            throw StoreError.wrapping(error, "query", code: .invalidQuery)
        }
        guard statement.isReadonly else {
            throw StoreError(.readOnlyQuery, "query: only read-only statements are allowed", sql: text)
        }
        return statement
    }

    static func collect(
        _ handle: OpaquePointer,
        connection: OpaquePointer?,
        limit: Int,
        sql: String
    ) throws
        -> QueryResult
    {
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        let columnCount = sqlite3_column_count(handle)
        let columns = (0..<columnCount).map { index in
            sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
        }
        var rows: [[String?]] = []
        var kinds: [[QueryCellKind]] = []
        while rows.count < limit {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
                let code: StoreError.Code = rc == SQLITE_READONLY ? .readOnlyQuery : .sqlite
                throw StoreError(code, "query: \(message)", sql: sql, sqliteCode: rc)
            }
            var row: [String?] = []
            var rowKinds: [QueryCellKind] = []
            row.reserveCapacity(Int(columnCount))
            rowKinds.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                // The value's own storage class: SQLite types values, not columns.
                let type = sqlite3_column_type(handle, column)
                rowKinds.append(type == SQLITE_INTEGER || type == SQLITE_FLOAT ? .number : .text)
                row.append(cell(handle, column))
            }
            rows.append(row)
            kinds.append(rowKinds)
        }
        return QueryResult(columns: columns, rows: rows, kinds: kinds)
    }

    private static func cell(_ handle: OpaquePointer, _ column: Int32) -> String? {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL:
            return nil
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return "" }
            let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
            let digits = Array("0123456789abcdef".utf8)
            var hex = [UInt8]()
            hex.reserveCapacity(count * 2)
            for byte in buffer {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: hex, as: UTF8.self)
        default:
            // Integers and reals converted by SQLite itself, so they read as SQLite renders them.
            guard let text = sqlite3_column_text(handle, column) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }
    }

    /// The first keyword of the statement, upper-cased, after whitespace and comments.
    static func leadingKeyword(_ text: String) -> String {
        let word = statementStart(text).prefix(while: { $0.isASCII && $0.properties.isAlphabetic })
        return String(String.UnicodeScalarView(word)).uppercased()
    }

    /// The statement from its first token on: whitespace, comments and opening parentheses skipped.
    static func statementStart(_ text: String) -> Substring.UnicodeScalarView {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first {
            if first.properties.isWhitespace {
                scalars = scalars.dropFirst()
            } else if scalars.starts(with: "--".unicodeScalars) {
                scalars = scalars.drop(while: { $0 != "\n" })
            } else if scalars.starts(with: "/*".unicodeScalars) {
                let rest = scalars.dropFirst(2)
                if let end = String(rest).range(of: "*/") {
                    scalars = Substring(String(rest)[end.upperBound...]).unicodeScalars[...]
                } else {
                    scalars = scalars.dropFirst(scalars.count)
                }
            } else if first == "(" {
                scalars = scalars.dropFirst()
            } else {
                break
            }
        }
        return scalars
    }
}
