import CQLWire
import UserStreamCore

struct CQLKeyspaceDefinition: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// system, system_schema, system_auth, system_distributed, system_traces: not writable.
        case system
        /// system_virtual_schema, system_views: listed in system_virtual_schema.keyspaces.
        case virtual
        /// The store's keyspace (spark_streams): always there, holds the pipeline's tables.
        case native
        case user
    }

    var name: String
    /// Including `class` (a full Java class name).
    var replication: [String: String]
    var durableWrites: Bool
    var kind: Kind

    var isWritable: Bool { kind == .native || kind == .user }
}

/// A snapshot of the schema: every keyspace and table the engine knows, system ones included. Immutable; DDL builds
/// a new one.
struct CQLCatalog: Sendable {
    var keyspaces: [String: CQLKeyspaceDefinition]
    /// keyspace → table name → definition.
    var tables: [String: [String: CQLTableDefinition]]
    var schemaVersion: CQLUUID
    var hostID: CQLUUID

    func keyspace(_ name: String) throws(CQLEngineError) -> CQLKeyspaceDefinition {
        guard let keyspace = keyspaces[name] else { throw CQLEngineError.invalid("Keyspace '\(name)' does not exist") }
        return keyspace
    }

    func table(_ keyspace: String, _ name: String) throws(CQLEngineError) -> CQLTableDefinition {
        guard keyspaces[keyspace] != nil else { throw CQLEngineError.invalid("Keyspace \(keyspace) does not exist") }
        guard let table = tables[keyspace]?[name] else { throw CQLEngineError.invalid("unconfigured table \(name)") }
        return table
    }

    /// Keyspaces sorted by name (system_schema.keyspaces order is by token in Cassandra; by name here).
    var sortedKeyspaces: [CQLKeyspaceDefinition] {
        keyspaces.values.sorted { $0.name < $1.name }
    }

    func sortedTables(in keyspace: String) -> [CQLTableDefinition] {
        (tables[keyspace] ?? [:]).values.sorted { $0.name < $1.name }
    }

    /// The schema digest: an MD5 of every keyspace and table definition, as a version-3 UUID. Changes with every DDL
    /// that changes something, the same in system.local and (empty) system.peers.
    static func digest(keyspaces: [CQLKeyspaceDefinition], tables: [CQLTableDefinition]) -> CQLUUID {
        var text = ""
        for keyspace in keyspaces.sorted(by: { $0.name < $1.name }) {
            text += "K\(keyspace.name)|\(keyspace.durableWrites)|"
            for (key, value) in keyspace.replication.sorted(by: { $0.key < $1.key }) { text += "\(key)=\(value)," }
            text += "\n"
        }
        for table in tables.sorted(by: { ($0.keyspace, $0.name) < ($1.keyspace, $1.name) }) {
            text += "T\(table.keyspace).\(table.name)|\(table.id)|\(table.options.hashValueText)\n"
            for column in table.columns {
                text +=
                    "C\(column.name)|\(column.type)|\(column.kind.rawValue)|\(column.position)|\(column.descending)\n"
            }
        }
        return CQLUUID(bytesOf: MD5.digest(Array(text.utf8)), version: 3)
    }
}

extension CQLTableOptions {
    /// A stable text of the options, for the schema digest.
    var hashValueText: String { describeLines().joined(separator: ";") }
}

/// The pipeline's tables in the store's keyspace, mapped onto the SQLite tables `StoreSchema` creates.
enum CQLNativeTables {
    static func definitions(keyspace: String) -> [CQLTableDefinition] {
        func columns(_ pk: [String], _ ck: [String], _ regular: [String]) -> [CQLColumnDefinition] {
            func parse(_ declaration: String, _ kind: CQLColumnKind, _ position: Int) -> CQLColumnDefinition {
                let parts = declaration.split(separator: " ", maxSplits: 1)
                return CQLColumnDefinition(
                    name: String(parts[0]),
                    type: try! CQLTypeExpression(parsing: String(parts[1])),
                    kind: kind,
                    position: position
                )
            }
            return pk.enumerated().map { parse($1, .partitionKey, $0) }
                + ck.enumerated().map { parse($1, .clustering, $0) } + regular.map { parse($0, .regular, -1) }
        }
        func table(_ name: String, _ columns: [CQLColumnDefinition], required: [String]) -> CQLTableDefinition {
            CQLTableDefinition(
                keyspace: keyspace,
                name: name,
                id: CQLUUID(bytesOf: MD5.digest(Array("\(keyspace).\(name)".utf8)), version: 3),
                columns: columns,
                storage: .sqlite(schema: keyspace, table: name, native: true),
                requiredColumns: required
            )
        }
        return [
            table(
                UserTable.name,
                columns(
                    UserTable.columns.filter { $0.role == .key }.map { "\($0.name) \($0.cqlType)" },
                    [],
                    UserTable.columns.filter { $0.role != .key }.map { "\($0.name) \($0.cqlType)" }
                ),
                // NOT NULL in the store; ingested_at is filled in with the write time when left out, as the
                // pipeline's commit does.
                required: UserTable.columns.filter(\.requiredInCQL).map(\.name)
            ),
            table(
                "user_counts",
                columns(["minute bigint"], ["dimension text", "value text"], ["count bigint"]),
                required: ["count"]
            ),
            table(
                "consumer_offsets",
                columns(
                    ["group_id text"],
                    ["topic text", "partition int"],
                    ["next_offset bigint", "batch_id text", "committed_at text"]
                ),
                required: ["next_offset", "batch_id", "committed_at"]
            ),
            table(
                "run_stats",
                columns(["run_id text"], [], ["stored bigint", "duplicates bigint", "dead_lettered bigint"]),
                required: []
            ),
        ]
    }

    /// Columns the engine fills in on INSERT when left out (the store keeps them NOT NULL).
    /// Whether ``defaultValue(table:column:)`` gives the column a value (without computing it).
    static func hasDefault(table: String, column: String) -> Bool {
        table == UserTable.name && UserTable.column(column)?.filledInAtWrite == true
    }

    static func defaultValue(table: String, column: String) -> CQLValue? {
        if hasDefault(table: table, column: column) {
            return .text(CQLTextFormats.timestampText(CQLTextFormats.nowMilliseconds()))
        }
        return nil
    }
}
