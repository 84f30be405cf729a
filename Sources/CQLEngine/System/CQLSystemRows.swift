import CQLWire

/// The rows of the computed tables, from the catalog and the configuration.
enum CQLSystemRows {
    static func rows(
        _ table: CQLSystemTable,
        catalog: CQLCatalog,
        configuration: CQLEngineConfiguration
    ) -> [[CQLValue]] {
        let definition = table.definition
        return values(table, catalog: catalog, configuration: configuration).map { row in
            definition.columns.map { row[$0.name] ?? .null }
        }
    }

    private static func text(_ value: String) -> CQLValue { .text(value) }

    private static func inet(_ address: String) -> CQLValue {
        CQLTextFormats.inetBytes(address).map(CQLValue.inet) ?? .null
    }

    private static func textMap(_ map: [String: String]) -> CQLValue {
        CQLValueOrder.normalizedMap(map.map { (CQLValue.text($0.key), CQLValue.text($0.value)) })
    }

    /// Tables listed in system_schema (everything but system_virtual_schema's own).
    private static func schemaTables(_ catalog: CQLCatalog) -> [CQLTableDefinition] {
        catalog.sortedKeyspaces.filter { $0.kind != .virtual }.flatMap { catalog.sortedTables(in: $0.name) }
    }

    private static func values(
        _ table: CQLSystemTable,
        catalog: CQLCatalog,
        configuration: CQLEngineConfiguration
    ) -> [[String: CQLValue]] {
        switch table {
        case .local:
            return [
                [
                    "key": text("local"),
                    "bootstrapped": text("COMPLETED"),
                    "broadcast_address": inet(configuration.listenAddress),
                    "broadcast_port": .int(configuration.listenPort),
                    "cluster_name": text(configuration.clusterName),
                    "cql_version": text(configuration.cqlVersion),
                    "data_center": text(configuration.dataCenter),
                    "gossip_generation": .int(0),
                    "host_id": .uuid(catalog.hostID),
                    "listen_address": inet(configuration.listenAddress),
                    "listen_port": .int(configuration.listenPort),
                    "native_protocol_version": text(configuration.nativeProtocolVersion),
                    "partitioner": text(CQLEngineConfiguration.partitioner),
                    "rack": text(configuration.rack),
                    "release_version": text(configuration.releaseVersion),
                    "rpc_address": inet(configuration.rpcAddress),
                    "rpc_port": .int(configuration.rpcPort),
                    "schema_version": .uuid(catalog.schemaVersion),
                    // One node owns the whole ring: a single token.
                    "tokens": .set([text("0")]),
                    "truncated_at": .null,
                ]
            ]
        case .peers, .peersV2, .droppedColumns, .triggers, .views, .indexes, .types, .functions, .aggregates:
            return []
        case .keyspaces:
            return catalog.sortedKeyspaces.filter { $0.kind != .virtual }.map { keyspace in
                [
                    "keyspace_name": text(keyspace.name),
                    "durable_writes": .boolean(keyspace.durableWrites),
                    "replication": textMap(keyspace.replication),
                ]
            }
        case .tables:
            return schemaTables(catalog).map { definition in
                var row = definition.options.systemSchemaValues()
                row["keyspace_name"] = text(definition.keyspace)
                row["table_name"] = text(definition.name)
                row["id"] = .uuid(definition.id)
                if definition.isCounterTable { row["flags"] = .set([.text("compound"), .text("counter")]) }
                return row
            }
        case .columns:
            return schemaTables(catalog).flatMap(columnRows)
        case .virtualKeyspaces:
            return catalog.sortedKeyspaces.filter { $0.kind == .virtual }.map { ["keyspace_name": text($0.name)] }
        case .virtualTables:
            return virtualTables(catalog).map { definition in
                [
                    "keyspace_name": text(definition.keyspace),
                    "table_name": text(definition.name),
                    "comment": text(definition.options.comment),
                ]
            }
        case .virtualColumns:
            return virtualTables(catalog).flatMap(columnRows)
        }
    }

    private static func virtualTables(_ catalog: CQLCatalog) -> [CQLTableDefinition] {
        catalog.sortedKeyspaces.filter { $0.kind == .virtual }.flatMap { catalog.sortedTables(in: $0.name) }
    }

    private static func columnRows(_ definition: CQLTableDefinition) -> [[String: CQLValue]] {
        definition.columns.sorted { $0.name < $1.name }.map { column in
            [
                "keyspace_name": text(definition.keyspace),
                "table_name": text(definition.name),
                "column_name": text(column.name),
                "clustering_order": text(column.clusteringOrder),
                "column_name_bytes": .blob(Array(column.name.utf8)),
                "kind": text(column.kind.rawValue),
                "position": .int(Int32(column.position)),
                "type": text(column.type.description),
            ]
        }
    }
}
