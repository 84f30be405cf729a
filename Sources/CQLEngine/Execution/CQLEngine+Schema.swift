import CQLWire
import GRDB

extension CQLEngine {
    static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 48
            && name.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                    || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                    || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
            }
    }

    /// Runs DDL in one write transaction and reloads the catalog there (so concurrent DDL statements publish their
    /// snapshots in commit order).
    private func schemaWrite(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        guard !store.configuration.readOnly else {
            throw CQLEngineError.unauthorized("The store at \(store.configuration.directory) is open read-only")
        }
        let catalogStore = self.catalogStore
        try await writeTransaction { db in
            try body(db)
            self.replaceCatalog(try catalogStore.load(db))
        }
    }

    func createKeyspace(_ create: CQLCreateKeyspace, alter: Bool) async throws -> CQLEngineResult {
        let catalog = self.catalog
        let name = create.name
        guard Self.validName(name) else {
            throw CQLEngineError.invalid(
                "Keyspace name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got \"\(name)\")"
            )
        }
        let existing = catalog.keyspaces[name]
        if alter {
            guard let existing else { throw CQLEngineError.config("Keyspace '\(name)' doesn't exist") }
            guard existing.isWritable else {
                throw CQLEngineError.unauthorized("\(name) keyspace is not user-modifiable.")
            }
        } else if existing != nil {
            if create.ifNotExists { return .void }
            throw CQLEngineError.alreadyExists(keyspace: name)
        }
        var replication = existing?.replication
        var durableWrites = existing?.durableWrites ?? true
        for (property, term) in create.properties {
            switch property {
            case "replication":
                replication = try Self.replication(try CQLTableOptions.map(term, property))
            case "durable_writes":
                switch term {
                case .boolean(let value): durableWrites = value
                case .string(let text) where ["true", "false"].contains(text.lowercased()):
                    durableWrites = text.lowercased() == "true"
                default: throw CQLEngineError.syntax("Invalid value for property 'durable_writes'")
                }
            default:
                throw CQLEngineError.syntax("Unknown property '\(property)'")
            }
        }
        guard let replication else { throw CQLEngineError.config("Missing mandatory option 'replication'") }
        let keyspace = CQLKeyspaceDefinition(
            name: name,
            replication: replication,
            durableWrites: durableWrites,
            kind: existing?.kind ?? .user
        )
        let catalogStore = self.catalogStore
        do {
            try await schemaWrite { db in
                // Another connection may have created it since this one's catalog snapshot was taken.
                if !alter, try catalogStore.load(db).keyspaces[name] != nil {
                    throw CQLEngineError.alreadyExists(keyspace: name)
                }
                try catalogStore.saveKeyspace(keyspace, db)
            }
        } catch let error as CQLEngineError where create.ifNotExists && error.alreadyExists != nil {
            return .void
        }
        logger.info("cql.keyspace.saved", metadata: ["cql.keyspace": "\(name)"])
        return .schemaChange(
            CQLSchemaChange(changeType: alter ? .updated : .created, target: .keyspace, keyspace: name)
        )
    }

    /// Validates a replication map and expands the strategy class to its full name.
    static func replication(_ map: [String: String]) throws(CQLEngineError) -> [String: String] {
        guard let className = map["class"] else { throw CQLEngineError.config("Missing replication strategy class") }
        let full = className.contains(".") ? className : "org.apache.cassandra.locator." + className
        var result = map
        result["class"] = full
        switch full {
        case "org.apache.cassandra.locator.SimpleStrategy":
            guard let factor = map["replication_factor"] else {
                throw CQLEngineError.config("SimpleStrategy requires a replication_factor strategy option.")
            }
            guard let value = Int(factor), value >= 0 else {
                throw CQLEngineError.config("Replication factor must be non-negative; found \(factor)")
            }
            for key in map.keys where key != "class" && key != "replication_factor" {
                throw CQLEngineError.config(
                    "Unrecognized strategy option {\(key)} passed to SimpleStrategy for keyspace"
                )
            }
        case "org.apache.cassandra.locator.NetworkTopologyStrategy":
            for (key, value) in map where key != "class" {
                guard let factor = Int(value), factor >= 0 else {
                    throw CQLEngineError.config("Replication factor must be non-negative; found \(value)")
                }
                _ = factor
            }
        case "org.apache.cassandra.locator.LocalStrategy":
            throw CQLEngineError.config(
                "Unable to use given strategy class: LocalStrategy is reserved for internal use."
            )
        default:
            throw CQLEngineError.config("Unable to find replication strategy class '\(full)'")
        }
        return result
    }

    func dropKeyspace(_ name: String, ifExists: Bool) async throws -> CQLEngineResult {
        let catalog = self.catalog
        guard let keyspace = catalog.keyspaces[name] else {
            if ifExists { return .void }
            throw CQLEngineError.config("Cannot drop non existing keyspace '\(name)'.")
        }
        switch keyspace.kind {
        case .system, .virtual:
            throw CQLEngineError.unauthorized("\(name) keyspace is not user-modifiable.")
        case .native:
            throw CQLEngineError.invalid("Keyspace \(name) holds the pipeline's tables and cannot be dropped")
        case .user:
            break
        }
        let tables = catalog.sortedTables(in: name)
        let catalogStore = self.catalogStore
        try await schemaWrite { db in
            try catalogStore.dropKeyspace(name, tables: tables, db)
            for table in tables { try CQLCellStore.forget(table, db) }
        }
        expiryState.withLock { state in for table in tables { state[table.sqlName] = nil } }
        logger.info("cql.keyspace.dropped", metadata: ["cql.keyspace": "\(name)"])
        return .schemaChange(CQLSchemaChange(changeType: .dropped, target: .keyspace, keyspace: name))
    }

    func createTable(_ create: CQLCreateTable, keyspace sessionKeyspace: String?) async throws -> CQLEngineResult {
        let catalog = self.catalog
        guard let keyspaceName = create.table.keyspace ?? sessionKeyspace else {
            throw CQLEngineError.invalid(
                "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
            )
        }
        let keyspace = try catalog.keyspace(keyspaceName)
        let name = create.table.name
        guard keyspace.isWritable else {
            throw CQLEngineError.unauthorized("\(keyspaceName) keyspace is not user-modifiable.")
        }
        guard Self.validName(name) else {
            throw CQLEngineError.invalid(
                "Table name must not be empty, more than 48 characters long, or contain non-alphanumeric-underscore characters (got \"\(name)\")"
            )
        }
        let definition = try Self.tableDefinition(
            create,
            keyspace: keyspaceName,
            nativeKeyspace: catalogStore.nativeKeyspace
        )
        if let existing = catalog.tables[keyspaceName]?[name] {
            if existing.isNative {
                try Self.checkCompatible(definition, with: existing)
            }
            if create.ifNotExists { return .void }
            throw CQLEngineError.alreadyExists(keyspace: keyspaceName, table: name)
        }
        let catalogStore = self.catalogStore
        do {
            try await schemaWrite { db in
                // Another connection may have created it since this one's catalog snapshot was taken.
                if try catalogStore.load(db).tables[keyspaceName]?[name] != nil {
                    throw CQLEngineError.alreadyExists(keyspace: keyspaceName, table: name)
                }
                try catalogStore.createTable(definition, db)
            }
        } catch let error as CQLEngineError where create.ifNotExists && error.alreadyExists != nil {
            return .void
        }
        logger.info("cql.table.created", metadata: ["cql.keyspace": "\(keyspaceName)", "cql.table": "\(name)"])
        return .schemaChange(CQLSchemaChange(changeType: .created, target: .table, keyspace: keyspaceName, name: name))
    }

    static func tableDefinition(
        _ create: CQLCreateTable,
        keyspace: String,
        nativeKeyspace: String
    ) throws(CQLEngineError) -> CQLTableDefinition {
        let name = create.table.name
        if create.compactStorage {
            throw CQLEngineError.invalid("COMPACT STORAGE tables are not supported by this server")
        }
        var declared: [String: CQLColumnDeclaration] = [:]
        for column in create.columns {
            guard declared.updateValue(column, forKey: column.name) == nil else {
                throw CQLEngineError.invalid("Multiple definition of identifier \(column.name)")
            }
        }
        var keyNames: Set<String> = []
        for key in create.partitionKey + create.clustering {
            guard declared[key] != nil else {
                throw CQLEngineError.invalid("Unknown definition \(key) referenced in PRIMARY KEY")
            }
            guard keyNames.insert(key).inserted else {
                throw CQLEngineError.invalid("Duplicate definition for \(key) in PRIMARY KEY")
            }
            let type = declared[key]!.type
            if type.isMultiCell {
                throw CQLEngineError.invalid("Invalid non-frozen collection type for PRIMARY KEY component \(key)")
            }
            if type.cqlType == .counter {
                throw CQLEngineError.invalid("counter type is not supported for PRIMARY KEY column '\(key)'")
            }
            if declared[key]!.isStatic {
                throw CQLEngineError.invalid("Static column \(key) cannot be part of the PRIMARY KEY")
            }
        }
        let counters = create.columns.filter { $0.type.cqlType == .counter }
        if !counters.isEmpty && counters.count != create.columns.count - keyNames.count {
            throw CQLEngineError.invalid("Cannot mix counter and non counter columns in the same table")
        }
        if create.clustering.isEmpty, let column = create.columns.first(where: \.isStatic) {
            throw CQLEngineError.invalid(
                "Static column \(column.name) cannot be used in a table without clustering columns"
            )
        }
        var descending: [String: Bool] = [:]
        for (index, (column, isDescending)) in create.clusteringOrder.enumerated() {
            guard create.clustering.contains(column) else {
                throw CQLEngineError.invalid(
                    "Only clustering key columns can be defined in CLUSTERING ORDER directive: \(column) is not a clustering column"
                )
            }
            guard index < create.clustering.count, create.clustering[index] == column else {
                throw CQLEngineError.invalid(
                    "The order of columns in the CLUSTERING ORDER directive must match that of the clustering columns (\(create.clustering.joined(separator: ", ")))"
                )
            }
            descending[column] = isDescending
        }
        var columns: [CQLColumnDefinition] = []
        for column in create.columns {
            if let position = create.partitionKey.firstIndex(of: column.name) {
                columns.append(
                    CQLColumnDefinition(name: column.name, type: column.type, kind: .partitionKey, position: position)
                )
            } else if let position = create.clustering.firstIndex(of: column.name) {
                columns.append(
                    CQLColumnDefinition(
                        name: column.name,
                        type: column.type,
                        kind: .clustering,
                        position: position,
                        descending: descending[column.name] ?? false
                    )
                )
            } else {
                columns.append(
                    CQLColumnDefinition(
                        name: column.name,
                        type: column.type,
                        kind: column.isStatic ? .static : .regular,
                        position: -1
                    )
                )
            }
        }
        var options = CQLTableOptions()
        try options.apply(create.properties)
        return CQLTableDefinition(
            keyspace: keyspace,
            name: name,
            id: CQLTextFormats.timeUUID(),
            columns: columns,
            options: options,
            storage: CQLCatalogStore.storage(keyspace: keyspace, table: name, nativeKeyspace: nativeKeyspace)
        )
    }

    /// A CREATE TABLE for one of the pipeline's tables is compatible when it declares the same primary key and a
    /// subset of the columns with the same types.
    static func checkCompatible(_ declared: CQLTableDefinition, with native: CQLTableDefinition) throws(CQLEngineError)
    {
        let prefix =
            "Table \(native.keyspace).\(native.name) is the pipeline's table and already exists with a different definition"
        guard declared.partitionKey.map(\.name) == native.partitionKey.map(\.name),
            declared.clustering.map(\.name) == native.clustering.map(\.name)
        else {
            throw CQLEngineError.invalid(
                "\(prefix): its PRIMARY KEY is ((\(native.partitionKey.map(\.name).joined(separator: ", ")))\(native.clustering.map { ", " + $0.name }.joined()))"
            )
        }
        for column in declared.columns {
            guard let existing = native.column(column.name) else {
                throw CQLEngineError.invalid("\(prefix): it has no column \(column.name)")
            }
            guard existing.type == column.type else {
                throw CQLEngineError.invalid("\(prefix): column \(column.name) is \(existing.type), not \(column.type)")
            }
            if column.kind == .clustering && column.descending != existing.descending {
                throw CQLEngineError.invalid("\(prefix): column \(column.name) is ordered \(existing.clusteringOrder)")
            }
        }
    }

    func dropTable(
        _ name: CQLQualifiedName,
        ifExists: Bool,
        keyspace sessionKeyspace: String?
    ) async throws -> CQLEngineResult {
        let catalog = self.catalog
        guard let keyspaceName = name.keyspace ?? sessionKeyspace else {
            throw CQLEngineError.invalid(
                "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
            )
        }
        guard let keyspace = catalog.keyspaces[keyspaceName] else {
            if ifExists { return .void }
            throw CQLEngineError.invalid("Keyspace '\(keyspaceName)' does not exist")
        }
        guard keyspace.isWritable else {
            throw CQLEngineError.unauthorized("\(keyspaceName) keyspace is not user-modifiable.")
        }
        guard let table = catalog.tables[keyspaceName]?[name.name] else {
            if ifExists { return .void }
            throw CQLEngineError.config("Cannot drop non existing table '\(name.name)' in keyspace '\(keyspaceName)'.")
        }
        guard !table.isNative else {
            throw CQLEngineError.invalid(
                "Table \(keyspaceName).\(name.name) is the pipeline's table and cannot be dropped"
            )
        }
        let catalogStore = self.catalogStore
        try await schemaWrite { db in
            try catalogStore.dropTable(table, db)
            try CQLCellStore.forget(table, db)
        }
        expiryState.withLock { $0[table.sqlName] = nil }
        logger.info("cql.table.dropped", metadata: ["cql.keyspace": "\(keyspaceName)", "cql.table": "\(name.name)"])
        return .schemaChange(
            CQLSchemaChange(changeType: .dropped, target: .table, keyspace: keyspaceName, name: name.name)
        )
    }
}
