import CQLWire
import Foundation
import GRDB
import Synchronization

/// Cassandra's per-cell write metadata for rows written through CQL: each cell's write timestamp and expiry, the row
/// marker an INSERT leaves, and the row's deletion time (a tombstone), kept beside the table in a side table of the
/// same SQLite file (`cql_cells`), so that data and metadata commit in one transaction.
///
/// Rows never written through CQL (the embedded pipeline's own commits) have no metadata: their cells count as
/// older than any CQL write and never expire.
struct CQLRowMetadata: Codable, Sendable, Equatable {
    struct Cell: Codable, Sendable, Equatable {
        /// Write timestamp, microseconds.
        var t: Int64
        /// Expiry (local deletion time), seconds since the epoch; nil: no TTL.
        var e: Int64?
        /// A tombstone (the cell was set to null or deleted at `t`).
        var x: Bool?

        var isTombstone: Bool { x == true }

        func isExpired(_ now: Int64) -> Bool {
            if let e { return now >= e }
            return false
        }
    }

    /// The row marker an INSERT writes (keeps a row alive with only null cells).
    var m: Cell?
    /// Row (or, for a partition entry, partition) deletion timestamp: writes at or below it are shadowed.
    var d: Int64?
    /// Regular cells by column name.
    var c: [String: Cell] = [:]
    /// The compact form: the cell of every regular column of the table that `c` does not list. A row written whole
    /// in one write (the common INSERT) stores one cell here instead of one per column. Only in the stored form and
    /// in a write's fresh metadata: ``CQLCellStore/load(_:key:_:)`` expands it into `c`, and ``CQLCellStore/save``
    /// compacts `c` into it when every regular column has a cell.
    var a: Cell?

    var isEmpty: Bool { m == nil && d == nil && c.isEmpty && a == nil }

    /// The earliest expiry of a cell or the marker (nil: nothing expires).
    var nextExpiry: Int64? {
        var result = m?.e
        if let a, let e = a.e, !a.isTombstone { result = min(result ?? e, e) }
        for cell in c.values {
            if let e = cell.e, !cell.isTombstone { result = min(result ?? e, e) }
        }
        return result
    }

    /// Replaces the compact form by one cell per regular column (the form the engine works on).
    mutating func expand(_ table: CQLTableDefinition) {
        guard let all = a else { return }
        a = nil
        for column in table.columns where !column.isPrimaryKey && c[column.name] == nil {
            c[column.name] = all
        }
    }

    /// The compact form, when every regular column of the table has a cell: the first regular column's cell becomes
    /// `a`, `c` keeps only the cells that differ from it.
    mutating func compact(_ table: CQLTableDefinition) {
        guard a == nil, !c.isEmpty else { return }
        var common: Cell?
        var count = 0
        for column in table.columns where !column.isPrimaryKey {
            guard let cell = c[column.name] else { return }
            if common == nil { common = cell }
            count += 1
        }
        guard let common, count == c.count else { return }
        a = common
        c = c.filter { $0.value != common }
    }

    /// The JSON form stored in the side table, written by hand (the hot path of every CQL write); read back with
    /// `JSONDecoder`.
    var jsonText: String {
        func cell(_ cell: Cell) -> String {
            var text = "{\"t\":\(cell.t)"
            if let e = cell.e { text += ",\"e\":\(e)" }
            if cell.x == true { text += ",\"x\":true" }
            return text + "}"
        }
        var parts: [String] = []
        if let m { parts.append("\"m\":" + cell(m)) }
        if let d { parts.append("\"d\":\(d)") }
        if let a { parts.append("\"a\":" + cell(a)) }
        let cells = c.sorted { $0.key < $1.key }.map { CQLCellStore.jsonString($0.key) + ":" + cell($0.value) }
        parts.append("\"c\":{" + cells.joined(separator: ",") + "}")
        return "{" + parts.joined(separator: ",") + "}"
    }

    func hasLiveMarker(_ now: Int64) -> Bool {
        guard let m else { return false }
        return !m.isExpired(now)
    }
}

/// A deletion of a clustering range (`DELETE … WHERE p = ? AND c > ?`) at a timestamp: the clustering restrictions
/// it was made with, so that writes arriving later into that range with an older timestamp stay shadowed. Kept in the
/// side table under `R<partition key>#<timestamp>#<restrictions>`.
struct CQLRangeTombstone: Codable, Sendable {
    struct Bound: Codable, Sendable {
        /// Clustering column name.
        var n: String
        /// Operator (`=`, `IN`, `<`, `<=`, `>`, `>=`).
        var o: String
        /// Values, as tagged SQLite values (``CQLCellStore/encodeKey(_:partition:)``).
        var v: String
    }

    var t: Int64
    var r: [Bound]

    /// Whether a row's clustering values fall in the range.
    func covers(_ key: [CQLValue], table: CQLTableDefinition) -> Bool {
        let partitionCount = table.partitionKey.count
        for bound in r {
            guard let index = table.clustering.firstIndex(where: { $0.name == bound.n }),
                let op = CQLRelation.Operator(rawValue: bound.o),
                let stored = CQLCellStore.decodeKey(bound.v)
            else { return false }
            let column = table.clustering[index]
            var values: [CQLValue] = []
            for value in stored {
                guard let decoded = try? CQLSQLiteMapping.cqlValue(value, as: column.cqlType, column: column.name)
                else { return false }
                values.append(decoded)
            }
            let restriction = CQLRestriction(column: column, op: op, values: values)
            guard partitionCount + index < key.count, restriction.matches(key[partitionCount + index]) else {
                return false
            }
        }
        return true
    }
}

/// Reads and writes ``CQLRowMetadata`` in the side table of a table's SQLite database.
enum CQLCellStore {
    static let tableName = "cql_cells"

    /// Creates the side table in an attached database.
    static func prepare(schema: String, _ db: Database) throws {
        let s = CQLSQL.quote(schema)
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(s).\(tableName) (
                    tbl TEXT NOT NULL,
                    key TEXT NOT NULL,
                    meta TEXT NOT NULL,
                    expires INTEGER,
                    PRIMARY KEY (tbl, key)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS \(s).\(tableName)_expires ON \(tableName) (tbl, expires)
                    WHERE expires IS NOT NULL;
                """
        )
    }

    static func schema(of table: CQLTableDefinition) -> String? {
        guard case .sqlite(let schema, _, _) = table.storage else { return nil }
        return schema
    }

    static func sideTable(_ table: CQLTableDefinition) -> String {
        "\(CQLSQL.quote(schema(of: table) ?? "main")).\(tableName)"
    }

    /// The identity of a table in the side table (its SQLite name).
    static func tableKey(_ table: CQLTableDefinition) -> String { table.sqlName }

    // MARK: - Keys

    /// A primary key (or a partition key, for partition tombstones) as text: a JSON array of tagged values.
    static func encodeKey(_ values: [DatabaseValue], partition: Bool = false) -> String {
        var parts: [String] = []
        for value in values {
            switch value.storage {
            case .null: parts.append("n")
            case .int64(let v): parts.append("i\(v)")
            case .double(let v): parts.append("r\(v.bitPattern)")
            case .string(let v): parts.append("t" + v)
            case .blob(let data): parts.append("b" + data.map { String(format: "%02x", $0) }.joined())
            }
        }
        let json = "[" + parts.map(jsonString).joined(separator: ",") + "]"
        return partition ? "P" + json : json
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += "\\u" + String(format: "%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func decodeKey(_ text: String) -> [DatabaseValue]? {
        guard text.hasPrefix("["), let parts = try? JSONDecoder().decode([String].self, from: Data(text.utf8))
        else { return nil }
        var values: [DatabaseValue] = []
        for part in parts {
            guard let tag = part.first else { return nil }
            let rest = String(part.dropFirst())
            switch tag {
            case "n": values.append(.null)
            case "i": values.append(Int64(rest).map { $0.databaseValue } ?? .null)
            case "r": values.append(UInt64(rest).map { Double(bitPattern: $0).databaseValue } ?? .null)
            case "t": values.append(rest.databaseValue)
            case "b":
                var bytes: [UInt8] = []
                var index = rest.startIndex
                while index < rest.endIndex, let next = rest.index(index, offsetBy: 2, limitedBy: rest.endIndex) {
                    bytes.append(UInt8(rest[index..<next], radix: 16) ?? 0)
                    index = next
                }
                values.append(Data(bytes).databaseValue)
            default: return nil
            }
        }
        return values
    }

    // MARK: - Access

    static func load(_ table: CQLTableDefinition, key: String, _ db: Database) throws -> CQLRowMetadata? {
        guard
            let text = try String.fetchOne(
                db.cachedStatement(sql: "SELECT meta FROM \(sideTable(table)) WHERE tbl = ? AND key = ?"),
                arguments: [tableKey(table), key]
            )
        else { return nil }
        return decode(text, table)
    }

    /// The stored JSON as metadata with one cell per written regular column (the compact form expanded).
    static func decode(_ text: String, _ table: CQLTableDefinition) -> CQLRowMetadata? {
        guard var meta = try? JSONDecoder().decode(CQLRowMetadata.self, from: Data(text.utf8)) else { return nil }
        meta.expand(table)
        return meta
    }

    /// Stores the metadata (compacted when every regular column has a cell), or deletes it when empty.
    static func save(_ meta: CQLRowMetadata, _ table: CQLTableDefinition, key: String, _ db: Database) throws {
        var meta = meta
        meta.compact(table)
        if meta.isEmpty {
            try db.cachedStatement(sql: "DELETE FROM \(sideTable(table)) WHERE tbl = ? AND key = ?")
                .execute(arguments: [tableKey(table), key])
            return
        }
        let text = meta.jsonText
        try db.cachedStatement(
            sql:
                "INSERT INTO \(sideTable(table)) (tbl, key, meta, expires) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET meta = excluded.meta, expires = excluded.expires"
        ).execute(arguments: [tableKey(table), key, text, meta.nextExpiry])
    }

    /// Records a range deletion of one partition.
    static func saveRange(
        _ range: CQLRangeTombstone,
        _ table: CQLTableDefinition,
        partition: [DatabaseValue],
        _ db: Database
    ) throws {
        let text = String(decoding: try JSONEncoder().encode(range), as: UTF8.self)
        let key = "R" + encodeKey(partition) + "#\(range.t)#" + text
        try db.execute(
            sql: "INSERT INTO \(sideTable(table)) (tbl, key, meta) VALUES (?, ?, ?) ON CONFLICT (tbl, key) DO NOTHING",
            arguments: [tableKey(table), key, text]
        )
    }

    /// The highest timestamp of a range deletion of this partition covering the row with this key.
    static func rangeDeletion(
        _ table: CQLTableDefinition,
        partition: [DatabaseValue],
        key: [CQLValue],
        _ db: Database
    ) throws -> Int64? {
        let prefix = "R" + encodeKey(partition) + "#"
        let texts = try String.fetchAll(
            db.cachedStatement(sql: "SELECT meta FROM \(sideTable(table)) WHERE tbl = ? AND key > ? AND key < ?"),
            arguments: [tableKey(table), prefix, prefix + "\u{10FFFF}"]
        )
        var result: Int64?
        for text in texts {
            guard let range = try? JSONDecoder().decode(CQLRangeTombstone.self, from: Data(text.utf8)) else { continue }
            if range.t > (result ?? Int64.min), range.covers(key, table: table) { result = range.t }
        }
        return result
    }

    /// Forgets a table's metadata (DROP, TRUNCATE).
    static func forget(_ table: CQLTableDefinition, _ db: Database) throws {
        guard schema(of: table) != nil else { return }
        try db.execute(sql: "DELETE FROM \(sideTable(table)) WHERE tbl = ?", arguments: [tableKey(table)])
    }

    /// The earliest expiry among the table's cells (nil: none).
    static func nextExpiry(_ table: CQLTableDefinition, _ db: Database) throws -> Int64? {
        guard schema(of: table) != nil else { return nil }
        return try Int64.fetchOne(
            db,
            sql: "SELECT min(expires) FROM \(sideTable(table)) WHERE tbl = ? AND expires IS NOT NULL",
            arguments: [tableKey(table)]
        )
    }

    /// Removes what has expired by `now` (seconds): expired cells become null (tombstones in the metadata), rows left
    /// without a live marker or a live cell are deleted.
    static func purgeExpired(_ table: CQLTableDefinition, now: Int64, _ db: Database) throws {
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT key, meta FROM \(sideTable(table)) WHERE tbl = ? AND expires IS NOT NULL AND expires <= ?",
            arguments: [tableKey(table), now]
        )
        for row in rows {
            let key: String = row[0]
            let text: String = row[1]
            guard var meta = decode(text, table), let keyValues = decodeKey(key)
            else { continue }
            var expired: [String] = []
            for (name, cell) in meta.c where !cell.isTombstone && cell.isExpired(now) {
                expired.append(name)
                // An expired cell is a tombstone at its timestamp, as in Cassandra.
                meta.c[name] = CQLRowMetadata.Cell(t: cell.t, e: nil, x: true)
            }
            if let m = meta.m, m.isExpired(now) { meta.m = nil }
            let (whereSQL, arguments) = keyPredicate(table, keyValues)
            if expired.contains(where: { table.requiredColumns.contains($0) }) {
                try db.execute(sql: "DELETE FROM \(table.sqlName) WHERE \(whereSQL)", arguments: arguments)
            } else if !expired.isEmpty {
                let set = expired.map { "\(CQLSQL.quote($0)) = NULL" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE \(table.sqlName) SET \(set) WHERE \(whereSQL)", arguments: arguments)
            }
            try removeIfEmpty(table, keyValues: keyValues, meta: meta, now: now, db)
            try save(meta, table, key: key, db)
        }
    }

    static func keyPredicate(_ table: CQLTableDefinition, _ values: [DatabaseValue]) -> (String, StatementArguments) {
        let parts = table.primaryKey.map { "\(CQLSQL.quote($0.name)) = ?" }
        return (parts.joined(separator: " AND "), StatementArguments(values))
    }

    /// Deletes the SQLite row when Cassandra would no longer return it: no live row marker and every regular
    /// column null.
    static func removeIfEmpty(
        _ table: CQLTableDefinition,
        keyValues: [DatabaseValue],
        meta: CQLRowMetadata,
        now: Int64,
        _ db: Database
    ) throws {
        guard !meta.hasLiveMarker(now) else { return }
        let regular = table.columns.filter { !$0.isPrimaryKey }
        let (whereSQL, arguments) = keyPredicate(table, keyValues)
        let condition =
            regular.isEmpty
            ? "" : " AND " + regular.map { "\(CQLSQL.quote($0.name)) IS NULL" }.joined(separator: " AND ")
        try db.execute(sql: "DELETE FROM \(table.sqlName) WHERE \(whereSQL)\(condition)", arguments: arguments)
    }
}

/// The server's write timestamps: microseconds since the epoch, strictly increasing (two writes in one microsecond
/// still order).
final class CQLWriteClock: Sendable {
    private let last = Mutex<Int64>(0)

    func next() -> Int64 {
        let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        return last.withLock { last in
            last = max(now, last + 1)
            return last
        }
    }

    /// Seconds since the epoch (TTL expiry granularity, as Cassandra's `nowInSec`).
    static func nowSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
