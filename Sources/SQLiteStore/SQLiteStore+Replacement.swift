import GRDB

/// A whole-table replacement, for a copy of another store (the Cassandra snapshot): rows are staged in a temporary
/// table of the writer connection, page by page, then swapped in with other replacements in one transaction, so a
/// reader sees the old contents or the new ones, never a mix.
public struct SQLiteTableReplacement: Sendable, Hashable {
    /// Where the table lives: the main file (`job_runs`) or the keyspace file (the pipeline's tables).
    public enum Location: Sendable, Hashable {
        case main
        case keyspace
    }

    /// A column to copy, and the SQL expression that replaces a null (nil: the column takes nulls).
    public struct Column: Sendable, Hashable {
        public var name: String
        public var whenNull: String?

        public init(_ name: String, whenNull: String? = nil) {
            self.name = name
            self.whenNull = whenNull
        }
    }

    public var table: String
    public var location: Location
    public var columns: [Column]
    /// Columns the rows are inserted in order of (rowid order follows it).
    public var orderBy: [String]

    public init(table: String, location: Location = .keyspace, columns: [Column], orderBy: [String] = []) {
        self.table = table
        self.location = location
        self.columns = columns
        self.orderBy = orderBy
    }

    var staging: String { "\"temp\".\"replacement_\(table)\"" }
    var columnList: String { columns.map { "\"\($0.name)\"" }.joined(separator: ", ") }

    func target(keyspace: String) -> String {
        switch location {
        case .main: "\"main\".\"\(table)\""
        case .keyspace: "\"\(keyspace)\".\"\(table)\""
        }
    }
}

extension SQLiteStore {
    /// Starts staging `replacement`: an empty temporary table with the target's columns (any earlier staging of the
    /// same table is dropped).
    public func beginReplacement(_ replacement: SQLiteTableReplacement) async throws {
        let staging = replacement.staging
        let create = """
            CREATE TEMP TABLE \(staging) AS SELECT \(replacement.columnList) FROM \
            \(replacement.target(keyspace: keyspace)) WHERE 0
            """
        try await write("beginReplacement") { db in
            try db.execute(sql: "DROP TABLE IF EXISTS \(staging)")
            try db.execute(sql: create)
        }
    }

    /// Adds rows (values in the replacement's column order) to the staging of `replacement`.
    public func stage(_ replacement: SQLiteTableReplacement, rows: [[DatabaseValue]]) async throws {
        let width = replacement.columns.count
        guard rows.allSatisfy({ $0.count == width }) else {
            throw StoreError(.invalidQuery, "a staged row of \(replacement.table) does not have \(width) values")
        }
        let placeholders = Array(repeating: "?", count: width).joined(separator: ", ")
        let insert = "INSERT INTO \(replacement.staging) VALUES (\(placeholders))"
        try await write("stage") { db in
            let statement = try db.cachedStatement(sql: insert)
            for row in rows {
                try statement.execute(arguments: StatementArguments(row))
            }
        }
    }

    /// Replaces the contents of every table in `replacements` with its staged rows (nulls replaced as the columns
    /// say; rows whose key is already copied are skipped), in one transaction, and drops the stagings.
    public func commitReplacements(_ replacements: [SQLiteTableReplacement]) async throws {
        let keyspace = self.keyspace
        try await write("commitReplacements") { db in
            for replacement in replacements {
                let target = replacement.target(keyspace: keyspace)
                let values = replacement.columns.map { column in
                    column.whenNull.map { "coalesce(\"\(column.name)\", \($0))" } ?? "\"\(column.name)\""
                }.joined(separator: ", ")
                let order =
                    replacement.orderBy.isEmpty
                    ? "" : " ORDER BY " + replacement.orderBy.map { "\"\($0)\"" }.joined(separator: ", ")
                try db.execute(sql: "DELETE FROM \(target)")
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO \(target) (\(replacement.columnList)) \
                        SELECT \(values) FROM \(replacement.staging)\(order)
                        """
                )
                try db.execute(sql: "DROP TABLE \(replacement.staging)")
            }
        }
    }
}
