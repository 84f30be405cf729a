import CQLWire
import GRDB

extension CQLEngine {
    func runSelect(
        _ select: CQLSelect,
        table: CQLTableDefinition,
        catalog: CQLCatalog,
        evaluator: CQLTermEvaluator,
        options: CQLExecutionOptions,
        fingerprint: [UInt8]
    ) async throws -> CQLEngineResult {
        if select.json { throw CQLEngineError.invalid("SELECT JSON is not supported by this server") }
        if select.perPartitionLimit != nil {
            throw CQLEngineError.invalid("PER PARTITION LIMIT is not supported by this server")
        }
        let (columns, projections) = try CQLSelectPlanner.selection(select, table: table)
        let restrictions = try CQLRestriction.evaluate(select.whereClause, table: table, evaluator: evaluator)
        if !select.allowFiltering {
            // Cassandra's check on clustering restrictions comes before the filtering one.
            var previous: CQLColumnDefinition?
            var previousRestricted = true
            var previousSliced = false
            for column in table.clustering {
                let list = restrictions.filter { $0.column.name == column.name && !$0.isContainment }
                if !list.isEmpty, let previous {
                    if !previousRestricted {
                        throw CQLEngineError.invalid(
                            "PRIMARY KEY column \"\(column.name)\" cannot be restricted as preceding column \"\(previous.name)\" is not restricted"
                        )
                    }
                    if previousSliced {
                        throw CQLEngineError.invalid(
                            "Clustering column \"\(column.name)\" cannot be restricted (preceding column \"\(previous.name)\" is restricted by a non-EQ relation)"
                        )
                    }
                }
                previousRestricted = !list.isEmpty
                previousSliced = list.contains(where: \.isSlice)
                previous = column
            }
        }
        if !select.allowFiltering && CQLRestriction.requiresFiltering(restrictions, table: table) {
            throw CQLEngineError.invalid(CQLSelectPlanner.filteringMessage)
        }
        let sortKeys = try CQLSelectPlanner.sortKeys(select, table: table, restrictions: restrictions)
        var limit: Int?
        if let term = select.limit {
            switch try evaluator.value(term, as: .int, receiver: "[limit]") {
            case .int(let value):
                guard value > 0 else { throw CQLEngineError.invalid("LIMIT must be strictly positive") }
                limit = Int(value)
            case .unset: limit = nil
            default: throw CQLEngineError.invalid("Invalid null value of limit")
            }
        }
        var constants: [Int: CQLValue] = [:]
        for (index, projection) in projections.enumerated() {
            if case .constant(let term) = projection {
                constants[index] = try constantValue(term, type: columns[index].type, evaluator: evaluator)
            }
        }
        let isAggregate = projections.contains(where: \.isAggregate)
        let fetched = select.distinct ? table.partitionKey : table.columns

        if case .virtual(let system) = table.storage {
            var rows = CQLSystemRows.rows(system, catalog: catalog, configuration: configuration)
            let indexes = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
            rows = rows.filter { row in restrictions.allSatisfy { $0.matches(row[indexes[$0.column.name]!]) } }
            rows.sort { a, b in
                for key in sortKeys {
                    let index = indexes[key.column.name]!
                    let order = CQLValueOrder.compare(a[index], b[index])
                    if order != 0 { return key.descending ? order > 0 : order < 0 }
                }
                return false
            }
            if select.distinct {
                var seen: [[CQLValue]] = []
                rows = rows.compactMap { row in
                    let key = table.partitionKey.map { row[indexes[$0.name]!] }
                    if seen.contains(key) { return nil }
                    seen.append(key)
                    return key
                }
            }
            if let limit { rows = Array(rows.prefix(limit)) }
            let fetchedIndexes = Dictionary(uniqueKeysWithValues: fetched.enumerated().map { ($1.name, $0) })
            if isAggregate {
                return .rows(
                    columns: columns,
                    rows: [aggregateRow(projections, rows: rows, indexes: fetchedIndexes)],
                    pagingState: nil
                )
            }
            let projected = try rows.map { (row) throws(CQLEngineError) in
                try project(row, projections: projections, indexes: fetchedIndexes, constants: constants, table: table)
            }
            return try page(projected, columns: columns, options: options, fingerprint: fingerprint, limit: nil)
        }

        try await purgeExpired([table])
        let (whereSQL, whereArguments) = try CQLRestriction.sql(restrictions)
        let list = fetched.map { CQLSQL.quote($0.name) }.joined(separator: ", ")
        let distinct = select.distinct ? "DISTINCT " : ""
        let from = "FROM \(table.sqlName) WHERE \(whereSQL)"
        if isAggregate {
            let inner = projections.compactMap { projection -> String? in
                if case .countColumn(let name) = projection { return CQLSQL.quote(name) }
                return nil
            }
            let innerList = select.distinct ? list : (["1"] + inner).joined(separator: ", ")
            let limitSQL = limit.map { " LIMIT \($0)" } ?? ""
            let counts = projections.map { projection -> String in
                if case .countColumn(let name) = projection { return "count(\(CQLSQL.quote(name)))" }
                return "count(*)"
            }
            let sql =
                "SELECT \(counts.joined(separator: ", ")) FROM (SELECT \(distinct)\(innerList) \(from)\(limitSQL))"
            let values = try await database.read { db in
                try Row.fetchOne(db, sql: sql, arguments: StatementArguments(whereArguments)).map { row in
                    (0..<counts.count).map { Int64(row[$0] as Int64? ?? 0) }
                } ?? []
            }
            return .rows(columns: columns, rows: [values.map { CQLValue.bigint($0) }], pagingState: nil)
        }

        let pageSize = options.pageSize.flatMap { $0 > 0 ? min(Int($0), max(1, configuration.maxPageSize)) : nil }
        var rowsSoFar = 0
        var afterSQL = ""
        var afterArguments: [DatabaseValue] = []
        if let stateBytes = options.pagingState, !stateBytes.isEmpty {
            let state = try CQLPagingState(decoding: stateBytes, expecting: fingerprint)
            rowsSoFar = state.rowsSoFar
            guard case .after(let values) = state.position, values.count == sortKeys.count else {
                throw CQLEngineError(.protocolError, "Invalid value for the paging state")
            }
            (afterSQL, afterArguments) = Self.afterPredicate(sortKeys.map { ($0.column.name, $0.descending) }, values)
        }
        var remaining = limit.map { max(0, $0 - rowsSoFar) }
        if remaining == 0 { return .rows(columns: columns, rows: [], pagingState: nil) }
        let pageCount = min(pageSize ?? Int.max, remaining ?? Int.max)
        let maxRows = configuration.maxResultRows
        // One row more than the page tells whether another page follows; unpaged, one more than allowed tells that
        // the result is too large.
        let fetchCount: Int =
            pageSize != nil
            ? (pageCount == remaining ? pageCount : pageCount + 1) : min(remaining ?? Int.max, maxRows + 1)
        let orderSQL = sortKeys.map { "\(CQLSQL.quote($0.column.name)) \($0.descending ? "DESC" : "ASC")" }.joined(
            separator: ", "
        )
        let sql =
            "SELECT \(distinct)\(list) \(from)\(afterSQL.isEmpty ? "" : " AND (\(afterSQL))") ORDER BY \(orderSQL) LIMIT \(fetchCount)"
        let sortIndexes = sortKeys.map { key in fetched.firstIndex { $0.name == key.column.name }! }
        let fetchedColumns = fetched
        let arguments = StatementArguments(whereArguments + afterArguments)
        let needsMetadata = projections.contains { projection in
            switch projection {
            case .writetime, .ttl: true
            default: false
            }
        }
        let keyIndexes = table.primaryKey.map { key in fetched.firstIndex { $0.name == key.name } }
        let metadataTable = table
        let fetchedRows: [([CQLValue], [DatabaseValue], CQLRowMetadata?)] = try await database.read { db in
            var result: [([CQLValue], [DatabaseValue], CQLRowMetadata?)] = []
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                var meta: CQLRowMetadata?
                if needsMetadata {
                    let keyValues = keyIndexes.map { index in index.map { row[$0] as DatabaseValue } ?? .null }
                    meta = try? CQLCellStore.load(metadataTable, key: CQLCellStore.encodeKey(keyValues), db)
                }
                var values: [CQLValue] = []
                values.reserveCapacity(fetchedColumns.count)
                for (index, column) in fetchedColumns.enumerated() {
                    values.append(
                        try CQLSQLiteMapping.cqlValue(
                            row[index] as DatabaseValue,
                            as: column.cqlType,
                            column: column.name
                        )
                    )
                }
                result.append((values, sortIndexes.map { row[$0] as DatabaseValue }, meta))
            }
            return result
        }
        if pageSize == nil, fetchedRows.count > maxRows {
            throw CQLEngineError.invalid(
                "The query returns more than \(maxRows) rows; page through it (set a page size) or add a LIMIT"
            )
        }
        let pageRows = Array(fetchedRows.prefix(pageCount))
        var pagingState: [UInt8]?
        if pageSize != nil, fetchedRows.count > pageCount, let last = pageRows.last {
            pagingState = CQLPagingState(
                fingerprint: fingerprint,
                rowsSoFar: rowsSoFar + pageRows.count,
                position: .after(last.1)
            ).encoded()
        }
        remaining = nil
        let indexes = Dictionary(uniqueKeysWithValues: fetched.enumerated().map { ($1.name, $0) })
        var output: [[CQLValue]] = []
        output.reserveCapacity(pageRows.count)
        let now = CQLWriteClock.nowSeconds()
        for (values, _, meta) in pageRows {
            output.append(
                try project(
                    values,
                    projections: projections,
                    indexes: indexes,
                    constants: constants,
                    table: table,
                    meta: meta,
                    now: now
                )
            )
        }
        return .rows(columns: columns, rows: output, pagingState: pagingState)
    }

    /// Rows strictly after `values` in the order of `keys`: `(a > ?) OR (a = ? AND b < ?) …`.
    static func afterPredicate(_ keys: [(String, Bool)], _ values: [DatabaseValue]) -> (String, [DatabaseValue]) {
        var alternatives: [String] = []
        var arguments: [DatabaseValue] = []
        for index in keys.indices {
            var parts: [String] = []
            for previous in 0..<index {
                parts.append("\(CQLSQL.quote(keys[previous].0)) = ?")
                arguments.append(values[previous])
            }
            parts.append("\(CQLSQL.quote(keys[index].0)) \(keys[index].1 ? "<" : ">") ?")
            arguments.append(values[index])
            alternatives.append("(" + parts.joined(separator: " AND ") + ")")
        }
        return (alternatives.joined(separator: " OR "), arguments)
    }

    private func constantValue(
        _ term: CQLTerm,
        type: CQLType,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) -> CQLValue {
        if case .function(let name, let arguments) = term {
            return try evaluator.evaluateFunction(name, arguments, receiver: name).0
        }
        return try evaluator.value(term, as: type, receiver: "selector")
    }

    private func project(
        _ row: [CQLValue],
        projections: [CQLProjection],
        indexes: [String: Int],
        constants: [Int: CQLValue],
        table: CQLTableDefinition,
        meta: CQLRowMetadata? = nil,
        now: Int64 = 0
    ) throws(CQLEngineError) -> [CQLValue] {
        var result: [CQLValue] = []
        result.reserveCapacity(projections.count)
        for (index, projection) in projections.enumerated() {
            switch projection {
            case .column(let name):
                result.append(row[indexes[name]!])
            case .constant:
                result.append(constants[index] ?? .null)
            case .null, .count, .countColumn:
                result.append(.null)
            case .writetime(let column):
                if row[indexes[column]!].isNull { result.append(.null); continue }
                result.append(meta?.c[column].map { .bigint($0.t) } ?? .null)
            case .ttl(let column):
                if row[indexes[column]!].isNull { result.append(.null); continue }
                guard let expiry = meta?.c[column]?.e else { result.append(.null); continue }
                result.append(.int(Int32(clamping: max(0, expiry - now))))
            case .convert(let function, let column):
                let value = row[indexes[column]!]
                if value.isNull {
                    result.append(.null)
                } else {
                    let evaluator = CQLTermEvaluator(bound: [value])
                    result.append(try evaluator.evaluateFunction(function, [.marker(0)], receiver: column).0)
                }
            }
        }
        return result
    }

    private func aggregateRow(_ projections: [CQLProjection], rows: [[CQLValue]], indexes: [String: Int]) -> [CQLValue]
    {
        projections.map { projection in
            switch projection {
            case .countColumn(let name):
                guard let index = indexes[name] else { return .bigint(0) }
                return .bigint(Int64(rows.filter { !$0[index].isNull }.count))
            default:
                return .bigint(Int64(rows.count))
            }
        }
    }

    /// Pages rows computed in memory (system tables, DESCRIBE): the paging state carries an offset.
    func page(
        _ rows: [[CQLValue]],
        columns: [CQLColumnSpec],
        options: CQLExecutionOptions,
        fingerprint: [UInt8],
        limit: Int?
    ) throws(CQLEngineError) -> CQLEngineResult {
        var offset = 0
        if let stateBytes = options.pagingState, !stateBytes.isEmpty {
            let state = try CQLPagingState(decoding: stateBytes, expecting: fingerprint)
            guard case .offset(let value) = state.position else {
                throw CQLEngineError(.protocolError, "Invalid value for the paging state")
            }
            offset = min(value, rows.count)
        }
        let pageSize = options.pageSize.flatMap { $0 > 0 ? min(Int($0), max(1, configuration.maxPageSize)) : nil }
        guard let pageSize else {
            guard rows.count - offset <= configuration.maxResultRows else {
                throw CQLEngineError.invalid(
                    "The query returns more than \(configuration.maxResultRows) rows; page through it (set a page size) or add a LIMIT"
                )
            }
            return .rows(columns: columns, rows: Array(rows[offset...]), pagingState: nil)
        }
        let end = min(rows.count, offset + pageSize)
        let state =
            end < rows.count
            ? CQLPagingState(fingerprint: fingerprint, rowsSoFar: end, position: .offset(end)).encoded()
            : nil
        return .rows(columns: columns, rows: Array(rows[offset..<end]), pagingState: state)
    }
}
