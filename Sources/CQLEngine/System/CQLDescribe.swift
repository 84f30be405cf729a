import CQLWire

/// Server-side DESCRIBE (Cassandra 4.0+): rows of `keyspace_name, type, name[, create_statement]`, with create
/// statements in Cassandra 4.1's layout.
enum CQLDescriber {
    static let listColumns = ["keyspace_name", "type", "name"]
    static let elementColumns = listColumns + ["create_statement"]

    static func specs(_ names: [String]) -> [CQLColumnSpec] {
        names.map { CQLColumnSpec(keyspace: "system", table: "describe", name: $0, type: .text) }
    }

    /// The result columns and rows of a DESCRIBE statement.
    static func describe(
        _ describe: CQLDescribe,
        catalog: CQLCatalog,
        sessionKeyspace: String?,
        configuration: CQLEngineConfiguration
    ) throws(CQLEngineError) -> (columns: [CQLColumnSpec], rows: [[CQLValue]]) {
        switch describe {
        case .cluster:
            var columns = [
                CQLColumnSpec(keyspace: "system", table: "describe", name: "cluster", type: .text),
                CQLColumnSpec(keyspace: "system", table: "describe", name: "partitioner", type: .text),
                CQLColumnSpec(keyspace: "system", table: "describe", name: "snitch", type: .text),
            ]
            var row: [CQLValue] = [
                .text(configuration.clusterName), .text(CQLEngineConfiguration.partitioner),
                .text("org.apache.cassandra.locator.SimpleSnitch"),
            ]
            if sessionKeyspace != nil {
                columns.append(
                    CQLColumnSpec(
                        keyspace: "system",
                        table: "describe",
                        name: "range_ownership",
                        type: .map(.text, .list(.text))
                    )
                )
                row.append(
                    .map([
                        (
                            .text("0"),
                            .list([.text(configuration.listenAddress + ":" + String(configuration.listenPort))])
                        )
                    ])
                )
            }
            return (columns, [row])
        case .keyspaces:
            return (
                specs(listColumns),
                catalog.sortedKeyspaces.map { [.text($0.name), .text("keyspace"), .text(identifier($0.name))] }
            )
        case .tables:
            let keyspaces = sessionKeyspace.map { [$0] } ?? catalog.sortedKeyspaces.map(\.name)
            let rows = keyspaces.flatMap { keyspace in
                catalog.sortedTables(in: keyspace).map {
                    [CQLValue.text(keyspace), .text("table"), .text(identifier($0.name))]
                }
            }
            return (specs(listColumns), rows)
        case .types, .functions, .aggregates:
            return (specs(listColumns), [])
        case .keyspace(let name, let onlyKeyspace):
            guard let name = name ?? sessionKeyspace else {
                throw CQLEngineError.invalid("No keyspace specified and no current keyspace")
            }
            guard let keyspace = catalog.keyspaces[name] else {
                throw CQLEngineError.invalid("'\(name)' not found in keyspaces")
            }
            return (specs(elementColumns), keyspaceRows(keyspace, catalog: catalog, withTables: !onlyKeyspace))
        case .table(let name):
            guard let keyspace = name.keyspace ?? sessionKeyspace else {
                throw CQLEngineError.invalid("No keyspace specified and no current keyspace")
            }
            guard catalog.keyspaces[keyspace] != nil else {
                throw CQLEngineError.invalid("'\(keyspace)' not found in keyspaces")
            }
            guard let table = catalog.tables[keyspace]?[name.name] else {
                throw CQLEngineError.invalid("'\(name.name)' not found in keyspace '\(keyspace)'")
            }
            return (specs(elementColumns), [tableRow(table)])
        case .schema(let full):
            let keyspaces = catalog.sortedKeyspaces.filter { full || $0.kind == .native || $0.kind == .user }
            return (specs(elementColumns), keyspaces.flatMap { keyspaceRows($0, catalog: catalog, withTables: true) })
        case .name(let name):
            if name.keyspace == nil, let keyspace = catalog.keyspaces[name.name] {
                return (specs(elementColumns), keyspaceRows(keyspace, catalog: catalog, withTables: true))
            }
            if let keyspace = name.keyspace ?? sessionKeyspace, let table = catalog.tables[keyspace]?[name.name] {
                return (specs(elementColumns), [tableRow(table)])
            }
            throw CQLEngineError.invalid("'\(name.name)' not found in keyspaces")
        }
    }

    private static func keyspaceRows(
        _ keyspace: CQLKeyspaceDefinition,
        catalog: CQLCatalog,
        withTables: Bool
    ) -> [[CQLValue]] {
        var rows: [[CQLValue]] = [
            [
                .text(keyspace.name), .text("keyspace"), .text(identifier(keyspace.name)),
                .text(createKeyspace(keyspace)),
            ]
        ]
        if withTables {
            rows += catalog.sortedTables(in: keyspace.name).map(tableRow)
        }
        return rows
    }

    private static func tableRow(_ table: CQLTableDefinition) -> [CQLValue] {
        [.text(table.keyspace), .text("table"), .text(identifier(table.name)), .text(createTable(table))]
    }

    static func createKeyspace(_ keyspace: CQLKeyspaceDefinition) -> String {
        if keyspace.kind == .virtual {
            return
                "/*\nWarning: Keyspace \(identifier(keyspace.name)) is a virtual keyspace and cannot be recreated with CQL.\nStructure, for reference:\nVIRTUAL KEYSPACE \(identifier(keyspace.name));\n*/"
        }
        let replication = keyspace.replication.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \(quote($0.value))" }
        return
            "CREATE KEYSPACE \(identifier(keyspace.name)) WITH replication = {\(replication.joined(separator: ", "))}  AND durable_writes = \(keyspace.durableWrites);"
    }

    static func createTable(_ table: CQLTableDefinition) -> String {
        let partition = table.partitionKey
        let clustering = table.clustering
        let simpleKey = partition.count == 1 && clustering.isEmpty
        var lines: [String] = []
        for column in table.columns {
            var line = "    \(identifier(column.name)) \(column.type)"
            if column.kind == .static { line += " static" }
            if simpleKey && column.kind == .partitionKey { line += " PRIMARY KEY" }
            lines.append(line)
        }
        if !simpleKey {
            let partitionText =
                partition.count == 1
                ? identifier(partition[0].name)
                : "(" + partition.map { identifier($0.name) }.joined(separator: ", ") + ")"
            lines.append(
                "    PRIMARY KEY (" + ([partitionText] + clustering.map { identifier($0.name) }).joined(separator: ", ")
                    + ")"
            )
        }
        var options = table.options.describeLines()
        if !clustering.isEmpty {
            let order = clustering.map { "\(identifier($0.name)) \($0.descending ? "DESC" : "ASC")" }.joined(
                separator: ", "
            )
            options.insert("CLUSTERING ORDER BY (\(order))", at: 0)
        }
        let prefix =
            table.isVirtual
            ? "/*\nWarning: Table \(identifier(table.keyspace)).\(identifier(table.name)) is a system table computed by this server and cannot be recreated with CQL.\nStructure, for reference:\n"
            : ""
        let suffix = table.isVirtual ? "\n*/" : ""
        return prefix + "CREATE TABLE \(identifier(table.keyspace)).\(identifier(table.name)) (\n"
            + lines.joined(separator: ",\n")
            + "\n) WITH " + options.joined(separator: "\n    AND ") + ";" + suffix
    }

    static func quote(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// A name as CQL must write it: bare when lower-case alphanumeric and not reserved, else double-quoted.
    static func identifier(_ name: String) -> String {
        let bare =
            name.utf8.first.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") } == true
            && name.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
            }
            && !CQLParser.reserved.contains(name)
        if bare { return name }
        return "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
