import CQLWire

/// What one result column is computed from.
enum CQLProjection: Sendable {
    case column(String)
    /// `COUNT(*)`.
    case count
    /// `count(c)`: rows where c is not null.
    case countColumn(String)
    /// A function without column arguments (`now()`, `totimestamp(now())`), evaluated once per request.
    case constant(CQLTerm)
    /// `totimestamp(c)`, `todate(c)`, `tounixtimestamp(c)` of a timeuuid/timestamp/date column.
    case convert(String, column: String)
    /// `writetime(c)`: the cell's write timestamp (null for a null cell or a row written outside CQL).
    case writetime(String)
    /// `ttl(c)`: the seconds the cell has left (null without a TTL).
    case ttl(String)
    /// Always null.
    case null

    var isAggregate: Bool {
        switch self {
        case .count, .countColumn: true
        default: false
        }
    }
}

enum CQLSelectPlanner {
    static let filteringMessage =
        "Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING"

    /// The result columns and how each is computed.
    static func selection(
        _ select: CQLSelect,
        table: CQLTableDefinition
    ) throws(CQLEngineError) -> (columns: [CQLColumnSpec], projections: [CQLProjection]) {
        guard let selections = select.selections else {
            let columns = select.distinct ? table.partitionKey : table.columns
            return (columns.map { table.spec($0) }, columns.map { .column($0.name) })
        }
        var specs: [CQLColumnSpec] = []
        var projections: [CQLProjection] = []
        func add(_ name: String, _ type: CQLType, _ projection: CQLProjection, alias: String?) {
            specs.append(CQLColumnSpec(keyspace: table.keyspace, table: table.name, name: alias ?? name, type: type))
            projections.append(projection)
        }
        for selection in selections {
            switch selection.selector {
            case .column(let name):
                let column = try table.requireColumn(name)
                specs.append(table.spec(column, name: selection.alias))
                projections.append(.column(name))
            case .countAll:
                add("count", .bigint, .count, alias: selection.alias)
            case .term(let term):
                let type: CQLType
                let name: String
                switch term {
                case .string(let text):
                    type = .text
                    name = "'\(text)'"
                case .integer(let text):
                    type = .int
                    name = text
                case .float(let text):
                    type = .double
                    name = text
                case .boolean(let value):
                    type = .boolean
                    name = String(value)
                default:
                    throw CQLEngineError.invalid("Unsupported selector in the SELECT clause")
                }
                add(name, type, .constant(term), alias: selection.alias)
            case .function(let rawName, let arguments):
                let name = rawName.hasPrefix("system.") ? String(rawName.dropFirst(7)) : rawName
                let columnArgument: String? = {
                    if arguments.count == 1, case .column(let column) = arguments[0] { return column }
                    return nil
                }()
                switch (name, columnArgument) {
                case ("count", .some(let column)):
                    _ = try table.requireColumn(column)
                    add("system.count(\(column))", .bigint, .countColumn(column), alias: selection.alias)
                case ("writetime", .some(let column)), ("ttl", .some(let column)):
                    let definition = try table.requireColumn(column)
                    let label = name == "writetime" ? "writeTime" : "ttl"
                    if definition.isPrimaryKey {
                        throw CQLEngineError.invalid(
                            "Cannot use selection function \(label) on PRIMARY KEY part \(column)"
                        )
                    }
                    if definition.type.isMultiCell {
                        throw CQLEngineError.invalid("Cannot use selection function \(label) on collections")
                    }
                    if name == "writetime" {
                        add("writetime(\(column))", .bigint, .writetime(column), alias: selection.alias)
                    } else {
                        add("ttl(\(column))", .int, .ttl(column), alias: selection.alias)
                    }
                case ("totimestamp", .some(let column)), ("todate", .some(let column)),
                    ("tounixtimestamp", .some(let column)), ("dateof", .some(let column)),
                    ("unixtimestampof", .some(let column)):
                    let definition = try table.requireColumn(column)
                    guard [.timeuuid, .timestamp, .date].contains(definition.cqlType) else {
                        throw CQLEngineError.invalid(
                            "Type error: \(column) cannot be passed as argument 0 of function system.\(name) of type timeuuid"
                        )
                    }
                    add(
                        "system.\(name)(\(column))",
                        resultType(name),
                        .convert(name, column: column),
                        alias: selection.alias
                    )
                default:
                    let term = try constantTerm(selection.selector)
                    add(displayName(selection.selector), resultType(name), .constant(term), alias: selection.alias)
                }
            }
        }
        let aggregates = projections.filter(\.isAggregate).count
        if aggregates > 0 && aggregates < projections.count {
            throw CQLEngineError.invalid(
                "Mixing aggregates and plain columns in one SELECT is not supported by this server"
            )
        }
        if select.distinct {
            for projection in projections {
                guard case .column(let name) = projection,
                    table.column(name)?.kind == .partitionKey || table.column(name)?.kind == .static
                else {
                    throw CQLEngineError.invalid(
                        "SELECT DISTINCT queries must only request partition key columns and/or static columns (not \(projectionName(projection)))"
                    )
                }
            }
        }
        return (specs, projections)
    }

    private static func projectionName(_ projection: CQLProjection) -> String {
        switch projection {
        case .column(let name), .countColumn(let name), .convert(_, let name), .writetime(let name), .ttl(let name):
            name
        default: "functions"
        }
    }

    private static func resultType(_ function: String) -> CQLType {
        switch function {
        case "now", "currenttimeuuid": .timeuuid
        case "uuid": .uuid
        case "currenttimestamp", "totimestamp", "dateof": .timestamp
        case "currentdate", "todate": .date
        case "currenttime": .time
        default: .bigint
        }
    }

    private static func constantTerm(_ selector: CQLSelector) throws(CQLEngineError) -> CQLTerm {
        switch selector {
        case .term(let term): return term
        case .function(let name, let arguments):
            let known = [
                "now", "uuid", "currenttimestamp", "currentdate", "currenttime", "currenttimeuuid", "totimestamp",
                "todate", "tounixtimestamp", "dateof", "unixtimestampof",
            ]
            let bare = name.hasPrefix("system.") ? String(name.dropFirst(7)) : name
            guard known.contains(bare) else { throw CQLEngineError.invalid("Unknown function '\(name)'") }
            var terms: [CQLTerm] = []
            for argument in arguments { terms.append(try constantTerm(argument)) }
            return .function(bare, terms)
        case .column(let name):
            throw CQLEngineError.invalid("Unsupported use of column \(name) as a function argument")
        case .countAll:
            throw CQLEngineError.invalid("COUNT(*) cannot be a function argument")
        }
    }

    private static func displayName(_ selector: CQLSelector) -> String {
        switch selector {
        case .function(let name, let arguments):
            let bare = name.hasPrefix("system.") ? String(name.dropFirst(7)) : name
            return "system.\(bare)(\(arguments.map(displayName).joined(separator: ", ")))"
        case .column(let name): return name
        case .countAll: return "count"
        case .term: return "?"
        }
    }

    /// The order rows come out in: the columns to sort by, with their direction, always ending with the whole primary
    /// key so that the order is total (paging resumes after the last row's sort key).
    static func sortKeys(
        _ select: CQLSelect,
        table: CQLTableDefinition,
        restrictions: [CQLRestriction]
    ) throws(CQLEngineError) -> [(column: CQLColumnDefinition, descending: Bool)] {
        let partition = table.partitionKey.map { (column: $0, descending: false) }
        if select.distinct { return partition }
        guard !select.orderBy.isEmpty else {
            return partition + table.clustering.map { (column: $0, descending: $0.descending) }
        }
        let clustering = table.clustering
        var reversed: Bool?
        for (index, (name, descending)) in select.orderBy.enumerated() {
            let column = try table.requireColumn(name)
            guard column.kind == .clustering else {
                throw CQLEngineError.invalid(
                    "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got \(name)"
                )
            }
            guard index < clustering.count, clustering[index].name == name else {
                throw CQLEngineError.invalid(
                    "Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY"
                )
            }
            let isReversed = descending != column.descending
            if let reversed, reversed != isReversed { throw CQLEngineError.invalid("Unsupported order by relation") }
            reversed = isReversed
        }
        guard CQLRestriction.partitionRestricted(restrictions, table: table) else {
            throw CQLEngineError.invalid(
                "ORDER BY is only supported when the partition key is restricted by an EQ or an IN."
            )
        }
        let flip = reversed ?? false
        return clustering.map { (column: $0, descending: $0.descending != flip) } + partition
    }
}
