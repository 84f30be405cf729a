import CQLWire

/// The tables the engine computes instead of storing: what drivers and cqlsh read on connect
/// (docs/protocols/cql-driver-connect.md §5 gives their definitions).
enum CQLSystemTable: String, Sendable, Hashable, CaseIterable {
    case local
    case peers
    case peersV2
    case keyspaces
    case tables
    case columns
    case droppedColumns
    case triggers
    case views
    case indexes
    case types
    case functions
    case aggregates
    case virtualKeyspaces
    case virtualTables
    case virtualColumns

    var keyspace: String {
        switch self {
        case .local, .peers, .peersV2: "system"
        case .virtualKeyspaces, .virtualTables, .virtualColumns: "system_virtual_schema"
        default: "system_schema"
        }
    }

    var name: String {
        switch self {
        case .local: "local"
        case .peers: "peers"
        case .peersV2: "peers_v2"
        case .keyspaces, .virtualKeyspaces: "keyspaces"
        case .tables, .virtualTables: "tables"
        case .columns, .virtualColumns: "columns"
        case .droppedColumns: "dropped_columns"
        case .triggers: "triggers"
        case .views: "views"
        case .indexes: "indexes"
        case .types: "types"
        case .functions: "functions"
        case .aggregates: "aggregates"
        }
    }

    /// Column declarations: partition key, clustering, regular (`name type`).
    private var layout: (partition: [String], clustering: [String], regular: [String]) {
        let tableOptions = [
            "additional_write_policy text", "bloom_filter_fp_chance double", "caching frozen<map<text, text>>",
            "cdc boolean", "comment text", "compaction frozen<map<text, text>>",
            "compression frozen<map<text, text>>", "crc_check_chance double", "dclocal_read_repair_chance double",
            "default_time_to_live int", "extensions frozen<map<text, blob>>", "gc_grace_seconds int", "id uuid",
            "max_index_interval int", "memtable_flush_period_in_ms int", "min_index_interval int",
            "read_repair text", "read_repair_chance double", "speculative_retry text",
        ]
        switch self {
        case .local:
            return (
                ["key text"], [],
                [
                    "bootstrapped text", "broadcast_address inet", "broadcast_port int", "cluster_name text",
                    "cql_version text", "data_center text", "gossip_generation int", "host_id uuid",
                    "listen_address inet", "listen_port int", "native_protocol_version text", "partitioner text",
                    "rack text", "release_version text", "rpc_address inet", "rpc_port int", "schema_version uuid",
                    "tokens set<text>", "truncated_at map<uuid, blob>",
                ]
            )
        case .peers:
            return (
                ["peer inet"], [],
                [
                    "data_center text", "host_id uuid", "preferred_ip inet", "rack text", "release_version text",
                    "rpc_address inet", "schema_version uuid", "tokens set<text>",
                ]
            )
        case .peersV2:
            return (
                ["peer inet"], ["peer_port int"],
                [
                    "data_center text", "host_id uuid", "native_address inet", "native_port int", "preferred_ip inet",
                    "preferred_port int", "rack text", "release_version text", "schema_version uuid",
                    "tokens set<text>",
                ]
            )
        case .keyspaces:
            return (["keyspace_name text"], [], ["durable_writes boolean", "replication frozen<map<text, text>>"])
        case .tables:
            return (["keyspace_name text"], ["table_name text"], tableOptions + ["flags frozen<set<text>>"])
        case .columns:
            return (
                ["keyspace_name text"], ["table_name text", "column_name text"],
                ["clustering_order text", "column_name_bytes blob", "kind text", "position int", "type text"]
            )
        case .droppedColumns:
            return (
                ["keyspace_name text"], ["table_name text", "column_name text"],
                ["dropped_time timestamp", "kind text", "type text"]
            )
        case .triggers:
            return (
                ["keyspace_name text"], ["table_name text", "trigger_name text"],
                ["options frozen<map<text, text>>"]
            )
        case .views:
            return (
                ["keyspace_name text"], ["view_name text"],
                tableOptions + [
                    "base_table_id uuid", "base_table_name text", "include_all_columns boolean", "where_clause text",
                ]
            )
        case .indexes:
            return (
                ["keyspace_name text"], ["table_name text", "index_name text"],
                ["kind text", "options frozen<map<text, text>>"]
            )
        case .types:
            return (
                ["keyspace_name text"], ["type_name text"],
                ["field_names frozen<list<text>>", "field_types frozen<list<text>>"]
            )
        case .functions:
            return (
                ["keyspace_name text"], ["function_name text", "argument_types frozen<list<text>>"],
                [
                    "argument_names frozen<list<text>>", "body text", "called_on_null_input boolean", "language text",
                    "return_type text",
                ]
            )
        case .aggregates:
            return (
                ["keyspace_name text"], ["aggregate_name text", "argument_types frozen<list<text>>"],
                ["final_func text", "initcond text", "return_type text", "state_func text", "state_type text"]
            )
        case .virtualKeyspaces:
            return (["keyspace_name text"], [], [])
        case .virtualTables:
            return (["keyspace_name text"], ["table_name text"], ["comment text"])
        case .virtualColumns:
            return (
                ["keyspace_name text"], ["table_name text", "column_name text"],
                ["clustering_order text", "column_name_bytes blob", "kind text", "position int", "type text"]
            )
        }
    }

    /// The table's definition (a fixed id derived from its name, as Cassandra's system tables have).
    var definition: CQLTableDefinition {
        let layout = self.layout
        func column(_ declaration: String, _ kind: CQLColumnKind, _ position: Int) -> CQLColumnDefinition {
            let space = declaration.firstIndex(of: " ")!
            let name = String(declaration[..<space])
            let type = try! CQLTypeExpression(parsing: String(declaration[declaration.index(after: space)...]))
            return CQLColumnDefinition(name: name, type: type, kind: kind, position: position)
        }
        var columns: [CQLColumnDefinition] = []
        for (index, declaration) in layout.partition.enumerated() {
            columns.append(column(declaration, .partitionKey, index))
        }
        for (index, declaration) in layout.clustering.enumerated() {
            columns.append(column(declaration, .clustering, index))
        }
        for declaration in layout.regular { columns.append(column(declaration, .regular, -1)) }
        var options = CQLTableOptions()
        options.comment = Self.comments[self] ?? ""
        options.gcGraceSeconds = keyspace == "system_schema" ? 604_800 : 0
        return CQLTableDefinition(
            keyspace: keyspace,
            name: name,
            id: CQLUUID(bytesOf: MD5.digest(Array("\(keyspace).\(name)".utf8)), version: 3),
            columns: columns,
            options: options,
            storage: .virtual(self)
        )
    }

    private static let comments: [CQLSystemTable: String] = [
        .local: "information about the local node",
        .peers: "information about known peers in the cluster",
        .peersV2: "information about known peers in the cluster",
        .keyspaces: "keyspace definitions",
        .tables: "table definitions",
        .columns: "column definitions",
        .droppedColumns: "dropped column registry",
        .triggers: "trigger definitions",
        .views: "view definitions",
        .indexes: "secondary index definitions",
        .types: "user defined type definitions",
        .functions: "user defined function definitions",
        .aggregates: "user defined aggregate definitions",
        .virtualKeyspaces: "virtual keyspace definitions",
        .virtualTables: "virtual table definitions",
        .virtualColumns: "virtual column definitions",
    ]

    /// Whether the table is listed in system_virtual_schema (rather than system_schema).
    var isVirtualKeyspaceTable: Bool { keyspace == "system_virtual_schema" }
}

extension CQLUUID {
    /// A name-based UUID from a digest's first 16 bytes, with the RFC 4122 version and variant bits set.
    init(bytesOf digest: [UInt8], version: UInt8) {
        var bytes = Array(digest.prefix(16))
        while bytes.count < 16 { bytes.append(0) }
        bytes[6] = (bytes[6] & 0x0F) | (version << 4)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        self = CQLUUID(bytes: bytes)!
    }
}
