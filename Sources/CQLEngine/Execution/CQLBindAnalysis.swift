import CQLWire

/// What a statement's bind markers are (their names and types, for PREPARED metadata and for decoding the values a
/// client binds) and which of them route to the partition.
struct CQLBindAnalysis: Sendable {
    var markers: [CQLColumnSpec?]
    var partitionKeyIndexes: [UInt16] = []
    var resultColumns: [CQLColumnSpec] = []

    init(_ parsed: CQLParsedStatement, keyspace: String?, catalog: CQLCatalog) throws(CQLEngineError) {
        markers = Array(repeating: nil, count: parsed.markers.count)
        try analyze(parsed.statement, keyspace: keyspace, catalog: catalog, names: parsed.markers, topLevel: true)
    }

    /// The bound specs, every marker typed (or an error naming the first one that is not).
    func boundColumns() throws(CQLEngineError) -> [CQLColumnSpec] {
        var specs: [CQLColumnSpec] = []
        for (index, spec) in markers.enumerated() {
            guard let spec else { throw CQLEngineError.invalid("Cannot infer the type of bind marker \(index)") }
            specs.append(spec)
        }
        return specs
    }

    private mutating func analyze(
        _ statement: CQLStatement,
        keyspace: String?,
        catalog: CQLCatalog,
        names: [String?],
        topLevel: Bool
    ) throws(CQLEngineError) {
        func resolve(_ name: CQLQualifiedName) throws(CQLEngineError) -> CQLTableDefinition {
            try CQLBindAnalysis.resolve(name, keyspace: keyspace, catalog: catalog)
        }
        switch statement {
        case .insert(let insert):
            let table = try resolve(insert.table)
            for (column, term) in zip(insert.columns, insert.values) {
                let definition = try table.requireColumn(column)
                assign(term, type: definition.cqlType, name: column, table: table, names: names)
            }
            assignOption(insert.ttl, "[ttl]", .int, table, names)
            assignOption(insert.timestamp, "[timestamp]", .bigint, table, names)
            if topLevel {
                partitionKeyIndexes = routing(
                    table,
                    insert.columns.enumerated().map { (insert.columns[$0.offset], insert.values[$0.offset]) }
                )
            }
        case .update(let update):
            let table = try resolve(update.table)
            assignOption(update.ttl, "[ttl]", .int, table, names)
            assignOption(update.timestamp, "[timestamp]", .bigint, table, names)
            for assignment in update.assignments {
                let column = try table.requireColumn(assignment.column)
                switch assignment {
                case .set(_, let term), .add(_, let term), .prepend(_, let term):
                    assign(term, type: column.cqlType, name: column.name, table: table, names: names)
                case .subtract(_, let term):
                    if case .map(let key, _) = column.cqlType {
                        assign(term, type: .set(key), name: column.name, table: table, names: names)
                    } else {
                        assign(term, type: column.cqlType, name: column.name, table: table, names: names)
                    }
                case .setElement(_, let key, let value):
                    switch column.cqlType {
                    case .map(let keyType, let valueType):
                        assign(key, type: keyType, name: "key(\(column.name))", table: table, names: names)
                        assign(value, type: valueType, name: "value(\(column.name))", table: table, names: names)
                    case .list(let element):
                        assign(key, type: .int, name: "idx(\(column.name))", table: table, names: names)
                        assign(value, type: element, name: "value(\(column.name))", table: table, names: names)
                    default:
                        throw CQLEngineError.invalid(
                            "Invalid operation (\(column.name)[?] = ?) for non list/map column \(column.name)"
                        )
                    }
                }
            }
            try relations(update.whereClause, table, names)
            if case .columns(let conditions) = update.conditions { try relations(conditions, table, names) }
            if topLevel { partitionKeyIndexes = routing(table, whereEqualities(update.whereClause)) }
        case .delete(let delete):
            let table = try resolve(delete.table)
            assignOption(delete.timestamp, "[timestamp]", .bigint, table, names)
            try relations(delete.whereClause, table, names)
            if case .columns(let conditions) = delete.conditions { try relations(conditions, table, names) }
            if topLevel { partitionKeyIndexes = routing(table, whereEqualities(delete.whereClause)) }
        case .select(let select):
            let table = try resolve(select.table)
            try relations(select.whereClause, table, names)
            assignOption(select.limit, "[limit]", .int, table, names)
            assignOption(select.perPartitionLimit, "[per_partition_limit]", .int, table, names)
            if topLevel {
                partitionKeyIndexes = routing(table, whereEqualities(select.whereClause))
                resultColumns = try CQLSelectPlanner.selection(select, table: table).columns
            }
        case .batch(let batch):
            if let timestamp = batch.timestamp, case .marker(let index) = timestamp {
                markers[index] = CQLColumnSpec(
                    keyspace: keyspace ?? "",
                    table: "",
                    name: names[index] ?? "[timestamp]",
                    type: .bigint
                )
            }
            for inner in batch.statements {
                try analyze(inner, keyspace: keyspace, catalog: catalog, names: names, topLevel: false)
            }
        default:
            break
        }
    }

    static func resolve(
        _ name: CQLQualifiedName,
        keyspace: String?,
        catalog: CQLCatalog
    ) throws(CQLEngineError) -> CQLTableDefinition {
        guard let keyspaceName = name.keyspace ?? keyspace else {
            throw CQLEngineError.invalid(
                "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename"
            )
        }
        return try catalog.table(keyspaceName, name.name)
    }

    private func whereEqualities(_ relations: [CQLRelation]) -> [(String, CQLTerm)] {
        relations.filter { $0.op == .equal }.map { ($0.column, $0.value) }
    }

    /// Marker indexes binding each partition key column, in partition key order (empty unless all are markers).
    private func routing(_ table: CQLTableDefinition, _ equalities: [(String, CQLTerm)]) -> [UInt16] {
        var indexes: [UInt16] = []
        for column in table.partitionKey {
            guard let term = equalities.first(where: { $0.0 == column.name })?.1, case .marker(let index) = term else {
                return []
            }
            indexes.append(UInt16(index))
        }
        return indexes
    }

    private mutating func relations(
        _ relations: [CQLRelation],
        _ table: CQLTableDefinition,
        _ names: [String?]
    ) throws(CQLEngineError) {
        for relation in relations {
            let column = try table.requireColumn(relation.column)
            switch relation.op {
            case .in:
                if case .list(let terms) = relation.value {
                    for term in terms {
                        assign(term, type: column.cqlType, name: column.name, table: table, names: names)
                    }
                } else {
                    assign(
                        relation.value,
                        type: .list(column.cqlType),
                        name: "in(\(column.name))",
                        table: table,
                        names: names
                    )
                }
            case .contains:
                switch column.cqlType {
                case .list(let element), .set(let element), .map(_, let element):
                    assign(relation.value, type: element, name: column.name, table: table, names: names)
                default:
                    throw CQLEngineError.invalid("Cannot use CONTAINS on non-collection column \(column.name)")
                }
            case .containsKey:
                guard case .map(let key, _) = column.cqlType else {
                    throw CQLEngineError.invalid("Cannot use CONTAINS KEY on non-map column \(column.name)")
                }
                assign(relation.value, type: key, name: column.name, table: table, names: names)
            default:
                assign(relation.value, type: column.cqlType, name: column.name, table: table, names: names)
            }
        }
    }

    private mutating func assignOption(
        _ term: CQLTerm?,
        _ name: String,
        _ type: CQLType,
        _ table: CQLTableDefinition,
        _ names: [String?]
    ) {
        guard let term else { return }
        assign(term, type: type, name: name, table: table, names: names)
    }

    private mutating func assign(
        _ term: CQLTerm,
        type: CQLType,
        name: String,
        table: CQLTableDefinition,
        names: [String?]
    ) {
        switch term {
        case .marker(let index):
            markers[index] = CQLColumnSpec(
                keyspace: table.keyspace,
                table: table.name,
                name: names[index] ?? name,
                type: type
            )
        case .list(let elements):
            switch type {
            case .list(let element), .set(let element):
                for element2 in elements { assign(element2, type: element, name: name, table: table, names: names) }
            default: break
            }
        case .set(let elements):
            switch type {
            case .list(let element), .set(let element):
                for element2 in elements { assign(element2, type: element, name: name, table: table, names: names) }
            default: break
            }
        case .map(let pairs):
            if case .map(let keyType, let valueType) = type {
                for (key, value) in pairs {
                    assign(key, type: keyType, name: name, table: table, names: names)
                    assign(value, type: valueType, name: name, table: table, names: names)
                }
            }
        case .tuple(let elements):
            if case .tuple(let types) = type {
                for (element, elementType) in zip(elements, types) {
                    assign(element, type: elementType, name: name, table: table, names: names)
                }
            }
        case .function(let function, let arguments):
            let argumentType: CQLType =
                ["totimestamp", "todate", "tounixtimestamp", "dateof", "unixtimestampof"]
                    .contains(function) ? .timeuuid : type
            for argument in arguments { assign(argument, type: argumentType, name: name, table: table, names: names) }
        default:
            break
        }
    }
}
