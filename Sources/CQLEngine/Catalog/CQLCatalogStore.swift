import CQLWire
import Foundation
import GRDB
import SQLiteStore

/// The catalog's persistence: four tables in the CQL file (`cqlks`), read into a ``CQLCatalog`` at start and after
/// every DDL statement.
///
/// - `catalog_keyspaces (keyspace_name, replication JSON, durable_writes)`
/// - `catalog_tables (keyspace_name, table_name, id, options JSON)`
/// - `catalog_columns (keyspace_name, table_name, column_name, type, kind, position, clustering_order)`
/// - `catalog_local (key, value)`: `host_id`.
///
/// User tables are real SQLite tables (``CQLCatalogStore/storage(keyspace:table:nativeKeyspace:)``): in the store's
/// keyspace file for the store's keyspace, else in the CQL file named `"<keyspace>.<table>"`.
struct CQLCatalogStore: Sendable {
    let nativeKeyspace: String
    static let schema = CQLEngine.storeAttachment.schema

    static let systemKeyspaces: [CQLKeyspaceDefinition] = [
        CQLKeyspaceDefinition(
            name: "system",
            replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
            durableWrites: true,
            kind: .system
        ),
        CQLKeyspaceDefinition(
            name: "system_schema",
            replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
            durableWrites: true,
            kind: .system
        ),
        CQLKeyspaceDefinition(
            name: "system_auth",
            replication: ["class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "1"],
            durableWrites: true,
            kind: .system
        ),
        CQLKeyspaceDefinition(
            name: "system_distributed",
            replication: ["class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "3"],
            durableWrites: true,
            kind: .system
        ),
        CQLKeyspaceDefinition(
            name: "system_traces",
            replication: ["class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "2"],
            durableWrites: true,
            kind: .system
        ),
        CQLKeyspaceDefinition(
            name: "system_virtual_schema",
            replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
            durableWrites: true,
            kind: .virtual
        ),
        CQLKeyspaceDefinition(
            name: "system_views",
            replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
            durableWrites: true,
            kind: .virtual
        ),
    ]

    static let defaultReplication = [
        "class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "1",
    ]

    static func storage(keyspace: String, table: String, nativeKeyspace: String) -> CQLTableStorage {
        keyspace == nativeKeyspace
            ? .sqlite(schema: nativeKeyspace, table: table, native: false)
            : .sqlite(schema: schema, table: "\(keyspace).\(table)", native: false)
    }

    /// Creates the catalog tables (if needed), the store's keyspace row and the host id.
    func prepare(_ db: Database) throws {
        let s = CQLSQL.quote(Self.schema)
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS \(s).catalog_keyspaces (
                    keyspace_name TEXT NOT NULL PRIMARY KEY,
                    replication TEXT NOT NULL,
                    durable_writes INTEGER NOT NULL
                ) STRICT;
                CREATE TABLE IF NOT EXISTS \(s).catalog_tables (
                    keyspace_name TEXT NOT NULL,
                    table_name TEXT NOT NULL,
                    id TEXT NOT NULL,
                    options TEXT NOT NULL,
                    PRIMARY KEY (keyspace_name, table_name)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS \(s).catalog_columns (
                    keyspace_name TEXT NOT NULL,
                    table_name TEXT NOT NULL,
                    column_name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    clustering_order TEXT NOT NULL,
                    PRIMARY KEY (keyspace_name, table_name, column_name)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS \(s).catalog_local (
                    key TEXT NOT NULL PRIMARY KEY,
                    value TEXT NOT NULL
                ) STRICT;
                """
        )
        try db.execute(
            sql: "INSERT INTO \(s).catalog_keyspaces VALUES (?, ?, 1) ON CONFLICT DO NOTHING",
            arguments: [nativeKeyspace, try Self.json(Self.defaultReplication)]
        )
        try db.execute(
            sql: "INSERT INTO \(s).catalog_local VALUES ('host_id', ?) ON CONFLICT DO NOTHING",
            arguments: [CQLTextFormats.randomUUID().description]
        )
    }

    static func json(_ map: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(map), as: UTF8.self)
    }

    func load(_ db: Database) throws -> CQLCatalog {
        let s = CQLSQL.quote(Self.schema)
        var keyspaces: [String: CQLKeyspaceDefinition] = [:]
        var tables: [String: [String: CQLTableDefinition]] = [:]
        for keyspace in Self.systemKeyspaces {
            keyspaces[keyspace.name] = keyspace
            tables[keyspace.name] = [:]
        }
        for table in CQLSystemTable.allCases {
            tables[table.keyspace, default: [:]][table.name] = table.definition
        }
        var persisted: [CQLKeyspaceDefinition] = []
        for row in try Row.fetchAll(
            db,
            sql: "SELECT keyspace_name, replication, durable_writes FROM \(s).catalog_keyspaces"
        ) {
            let name: String = row[0]
            let replication = try JSONDecoder().decode([String: String].self, from: Data((row[1] as String).utf8))
            let keyspace = CQLKeyspaceDefinition(
                name: name,
                replication: replication,
                durableWrites: row[2] as Bool,
                kind: name == nativeKeyspace ? .native : .user
            )
            keyspaces[name] = keyspace
            tables[name] = tables[name] ?? [:]
            persisted.append(keyspace)
        }
        for native in CQLNativeTables.definitions(keyspace: nativeKeyspace) {
            tables[nativeKeyspace, default: [:]][native.name] = native
        }
        var columnsByTable: [String: [CQLColumnDefinition]] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT keyspace_name, table_name, column_name, type, kind, position, clustering_order FROM \(s).catalog_columns"
        ) {
            let key = (row[0] as String) + "\u{0}" + (row[1] as String)
            guard let kind = CQLColumnKind(rawValue: row[4]) else { continue }
            columnsByTable[key, default: []].append(
                CQLColumnDefinition(
                    name: row[2],
                    type: try CQLTypeExpression(parsing: row[3]),
                    kind: kind,
                    position: row[5],
                    descending: (row[6] as String) == "desc"
                )
            )
        }
        var userTables: [CQLTableDefinition] = []
        for row in try Row.fetchAll(db, sql: "SELECT keyspace_name, table_name, id, options FROM \(s).catalog_tables") {
            let keyspace: String = row[0]
            let name: String = row[1]
            guard keyspaces[keyspace] != nil, let id = CQLUUID(string: row[2] as String) else { continue }
            let options = try JSONDecoder().decode(CQLTableOptions.self, from: Data((row[3] as String).utf8))
            let table = CQLTableDefinition(
                keyspace: keyspace,
                name: name,
                id: id,
                columns: columnsByTable[keyspace + "\u{0}" + name] ?? [],
                options: options,
                storage: Self.storage(keyspace: keyspace, table: name, nativeKeyspace: nativeKeyspace)
            )
            tables[keyspace, default: [:]][name] = table
            userTables.append(table)
        }
        let hostText = try String.fetchOne(db, sql: "SELECT value FROM \(s).catalog_local WHERE key = 'host_id'")
        let hostID = hostText.flatMap { CQLUUID(string: $0) } ?? CQLUUID(high: 0, low: 1)
        let nativeTables = Array((tables[nativeKeyspace] ?? [:]).values.filter(\.isNative))
        return CQLCatalog(
            keyspaces: keyspaces,
            tables: tables,
            schemaVersion: CQLCatalog.digest(keyspaces: persisted, tables: userTables + nativeTables),
            hostID: hostID
        )
    }

    // MARK: - DDL

    func saveKeyspace(_ keyspace: CQLKeyspaceDefinition, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO \(CQLSQL.quote(Self.schema)).catalog_keyspaces VALUES (?, ?, ?)
                ON CONFLICT (keyspace_name) DO UPDATE SET replication = excluded.replication,
                    durable_writes = excluded.durable_writes
                """,
            arguments: [keyspace.name, try Self.json(keyspace.replication), keyspace.durableWrites]
        )
    }

    func dropKeyspace(_ name: String, tables: [CQLTableDefinition], _ db: Database) throws {
        for table in tables { try dropTable(table, db) }
        try db.execute(
            sql: "DELETE FROM \(CQLSQL.quote(Self.schema)).catalog_keyspaces WHERE keyspace_name = ?",
            arguments: [name]
        )
    }

    /// Creates the SQLite table (replacing any orphan of the same name) and records it in the catalog.
    func createTable(_ table: CQLTableDefinition, _ db: Database) throws {
        let s = CQLSQL.quote(Self.schema)
        try db.execute(sql: "DROP TABLE IF EXISTS \(table.sqlName)")
        var lines = table.columns.map { column in
            "\(CQLSQL.quote(column.name)) \(CQLSQLiteMapping.sqlType(column.cqlType))"
                + (column.isPrimaryKey ? " NOT NULL" : "")
        }
        let key = table.primaryKey.map { CQLSQL.quote($0.name) + ($0.descending ? " DESC" : "") }
        lines.append("PRIMARY KEY (\(key.joined(separator: ", ")))")
        try db.execute(sql: "CREATE TABLE \(table.sqlName) (\(lines.joined(separator: ", "))) STRICT, WITHOUT ROWID")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "INSERT INTO \(s).catalog_tables VALUES (?, ?, ?, ?)",
            arguments: [
                table.keyspace, table.name, table.id.description,
                String(decoding: try encoder.encode(table.options), as: UTF8.self),
            ]
        )
        for column in table.columns {
            try db.execute(
                sql: "INSERT INTO \(s).catalog_columns VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    table.keyspace, table.name, column.name, column.type.description, column.kind.rawValue,
                    column.position, column.clusteringOrder,
                ]
            )
        }
    }

    func dropTable(_ table: CQLTableDefinition, _ db: Database) throws {
        let s = CQLSQL.quote(Self.schema)
        try db.execute(
            sql: "DELETE FROM \(s).catalog_tables WHERE keyspace_name = ? AND table_name = ?",
            arguments: [table.keyspace, table.name]
        )
        try db.execute(
            sql: "DELETE FROM \(s).catalog_columns WHERE keyspace_name = ? AND table_name = ?",
            arguments: [table.keyspace, table.name]
        )
        try db.execute(sql: "DROP TABLE IF EXISTS \(table.sqlName)")
    }
}
