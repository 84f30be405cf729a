import Synchronization
import CQLWire
import GRDB

/// A data change, its values evaluated: what INSERT, UPDATE and DELETE (alone or in a batch) do to one table.
struct CQLWrite: Sendable {
    enum Action: Sendable {
        case set(CQLValue)
        case add(CQLValue)
        case prepend(CQLValue)
        case subtract(CQLValue)
        case setElement(CQLValue, CQLValue)

        var needsCurrentValue: Bool {
            if case .set = self { return false }
            return true
        }
    }

    enum Kind: Sendable {
        /// Write `actions` to the rows with these primary keys (INSERT, UPDATE): only the columns given change.
        case upsert(keys: [[CQLValue]], actions: [(CQLColumnDefinition, Action)])
        /// Delete the rows these restrictions select (a partition, a clustering range, one row).
        case deleteRows([CQLRestriction])
        /// Set these columns to null in the rows with these keys.
        case deleteColumns(keys: [[CQLValue]], columns: [CQLColumnDefinition])
    }

    enum Conditions: Sendable {
        case none
        case exists
        case notExists
        case columns([CQLRestriction])
    }

    var table: CQLTableDefinition
    var kind: Kind
    var conditions: Conditions

    var isConditional: Bool {
        if case .none = conditions { return false }
        return true
    }

    // MARK: - Building

    static func insert(
        _ insert: CQLInsert,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) -> CQLWrite {
        var seen: Set<String> = []
        var keyValues: [String: CQLValue] = [:]
        var actions: [(CQLColumnDefinition, Action)] = []
        for (name, term) in zip(insert.columns, insert.values) {
            let column = try table.requireColumn(name)
            guard seen.insert(name).inserted else {
                throw CQLEngineError.invalid("Multiple definitions found for column \(name)")
            }
            let value = try evaluator.value(term, as: column.cqlType, receiver: name)
            if column.isPrimaryKey {
                keyValues[name] = value
            } else if case .unset = value {
                continue
            } else {
                actions.append((column, .set(value)))
            }
        }
        try validateOptions(ttl: insert.ttl, timestamp: insert.timestamp, evaluator: evaluator)
        let key = try keyFromValues(keyValues, table: table)
        return CQLWrite(
            table: table,
            kind: .upsert(keys: [key], actions: actions),
            conditions: insert.ifNotExists ? .notExists : .none
        )
    }

    static func update(
        _ update: CQLUpdate,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) -> CQLWrite {
        try validateOptions(ttl: update.ttl, timestamp: update.timestamp, evaluator: evaluator)
        let restrictions = try CQLRestriction.evaluate(update.whereClause, table: table, evaluator: evaluator)
        let keys = try fullKeys(restrictions, table: table, statement: "UPDATE")
        var actions: [(CQLColumnDefinition, Action)] = []
        for assignment in update.assignments {
            let column = try table.requireColumn(assignment.column)
            guard !column.isPrimaryKey else {
                throw CQLEngineError.invalid("PRIMARY KEY part \(column.name) found in SET part")
            }
            let type = column.cqlType
            let action: Action
            switch assignment {
            case .set(_, let term):
                action = .set(try evaluator.value(term, as: type, receiver: column.name))
            case .add(_, let term):
                guard column.type.isMultiCell || type == .counter else {
                    throw CQLEngineError.invalid(
                        "Invalid operation (\(column.name) = \(column.name) + ?) for non counter column \(column.name)"
                    )
                }
                action = .add(try evaluator.value(term, as: type, receiver: column.name))
            case .prepend(_, let term):
                guard case .list = type, column.type.isMultiCell else {
                    throw CQLEngineError.invalid(
                        "Invalid operation (\(column.name) = ? + \(column.name)) for non list column \(column.name)"
                    )
                }
                action = .prepend(try evaluator.value(term, as: type, receiver: column.name))
            case .subtract(_, let term):
                guard column.type.isMultiCell || type == .counter else {
                    throw CQLEngineError.invalid(
                        "Invalid operation (\(column.name) = \(column.name) - ?) for non counter column \(column.name)"
                    )
                }
                if case .map(let key, _) = type {
                    action = .subtract(try evaluator.value(term, as: .set(key), receiver: column.name))
                } else {
                    action = .subtract(try evaluator.value(term, as: type, receiver: column.name))
                }
            case .setElement(_, let keyTerm, let valueTerm):
                switch type {
                case .map(let keyType, let valueType) where column.type.isMultiCell:
                    action = .setElement(
                        try evaluator.value(keyTerm, as: keyType, receiver: "key(\(column.name))"),
                        try evaluator.value(valueTerm, as: valueType, receiver: "value(\(column.name))")
                    )
                case .list(let element) where column.type.isMultiCell:
                    action = .setElement(
                        try evaluator.value(keyTerm, as: .int, receiver: "idx(\(column.name))"),
                        try evaluator.value(valueTerm, as: element, receiver: "value(\(column.name))")
                    )
                default:
                    throw CQLEngineError.invalid(
                        "Invalid operation (\(column.name)[?] = ?) for non list/map column \(column.name)"
                    )
                }
            }
            if case .set(.unset) = action { continue }
            actions.append((column, action))
        }
        return CQLWrite(
            table: table,
            kind: .upsert(keys: keys, actions: actions),
            conditions: try conditions(update.conditions, table: table, evaluator: evaluator)
        )
    }

    static func delete(
        _ delete: CQLDelete,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) -> CQLWrite {
        try validateOptions(ttl: nil, timestamp: delete.timestamp, evaluator: evaluator)
        let restrictions = try CQLRestriction.evaluate(delete.whereClause, table: table, evaluator: evaluator)
        let conditions = try conditions(delete.conditions, table: table, evaluator: evaluator)
        for restriction in restrictions where !restriction.column.isPrimaryKey {
            throw CQLEngineError.invalid("Non PRIMARY KEY columns found in where clause: \(restriction.column.name) ")
        }
        var columns: [CQLColumnDefinition] = []
        for name in delete.columns {
            let column = try table.requireColumn(name)
            guard !column.isPrimaryKey else {
                throw CQLEngineError.invalid(
                    "Invalid identifier \(name) for deletion (should not be a PRIMARY KEY part)"
                )
            }
            columns.append(column)
        }
        let clusteringFull = table.clustering.allSatisfy { column in
            restrictions.contains { $0.column.name == column.name && $0.isEqualityOrIn }
        }
        if !columns.isEmpty || !clusteringFull || conditions.isPresent {
            if !columns.isEmpty || conditions.isPresent {
                let keys = try fullKeys(restrictions, table: table, statement: "DELETE")
                if columns.isEmpty {
                    return CQLWrite(table: table, kind: .deleteRows(restrictions), conditions: conditions)
                }
                return CQLWrite(
                    table: table,
                    kind: .deleteColumns(keys: keys, columns: columns),
                    conditions: conditions
                )
            }
        }
        let missing = table.partitionKey.filter { column in
            !restrictions.contains { $0.column.name == column.name && $0.isEqualityOrIn }
        }
        guard missing.isEmpty else {
            throw CQLEngineError.invalid(
                "Some partition key parts are missing: \(missing.map(\.name).joined(separator: ", "))"
            )
        }
        var previousRestricted = true
        for column in table.clustering {
            let restricted = restrictions.contains { $0.column.name == column.name }
            if restricted && !previousRestricted {
                throw CQLEngineError.invalid(
                    "PRIMARY KEY column \"\(column.name)\" cannot be restricted as preceding column is not restricted"
                )
            }
            previousRestricted =
                restricted && restrictions.contains { $0.column.name == column.name && $0.isEqualityOrIn }
        }
        return CQLWrite(table: table, kind: .deleteRows(restrictions), conditions: conditions)
    }

    private static func validateOptions(
        ttl: CQLTerm?,
        timestamp: CQLTerm?,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) {
        if let ttl {
            let value = try evaluator.value(ttl, as: .int, receiver: "[ttl]")
            if case .int(let seconds) = value, seconds < 0 {
                throw CQLEngineError.invalid("A TTL must be greater or equal to 0, but was \(seconds)")
            }
        }
        if let timestamp { _ = try evaluator.value(timestamp, as: .bigint, receiver: "[timestamp]") }
    }

    private static func conditions(
        _ conditions: CQLConditions,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator
    ) throws(CQLEngineError) -> Conditions {
        switch conditions {
        case .none: return .none
        case .exists: return .exists
        case .notExists: return .notExists
        case .columns(let relations):
            let restrictions = try CQLRestriction.evaluate(
                relations,
                table: table,
                evaluator: evaluator,
                isCondition: true
            )
            for restriction in restrictions where restriction.column.isPrimaryKey {
                throw CQLEngineError.invalid(
                    "PRIMARY KEY column '\(restriction.column.name)' cannot have IF conditions"
                )
            }
            return .columns(restrictions)
        }
    }

    /// The primary key, in `table.primaryKey` order, from INSERT values.
    private static func keyFromValues(
        _ values: [String: CQLValue],
        table: CQLTableDefinition
    ) throws(CQLEngineError) -> [CQLValue] {
        let missingPartition = table.partitionKey.filter { values[$0.name] == nil }
        guard missingPartition.isEmpty else {
            throw CQLEngineError.invalid(
                "Some partition key parts are missing: \(missingPartition.map(\.name).joined(separator: ", "))"
            )
        }
        let missingClustering = table.clustering.filter { values[$0.name] == nil }
        guard missingClustering.isEmpty else {
            throw CQLEngineError.invalid(
                "Some clustering keys are missing: \(missingClustering.map(\.name).joined(separator: ", "))"
            )
        }
        var key: [CQLValue] = []
        for column in table.primaryKey {
            let value = values[column.name]!
            if case .unset = value { throw CQLEngineError.invalid("Invalid unset value for column \(column.name)") }
            if value.isNull {
                throw CQLEngineError.invalid("Invalid null value in condition for column \(column.name)")
            }
            key.append(value)
        }
        return key
    }

    /// Every primary key the WHERE clause names (= or IN on every key column; the cartesian product of the INs).
    static func fullKeys(
        _ restrictions: [CQLRestriction],
        table: CQLTableDefinition,
        statement: String
    ) throws(CQLEngineError) -> [[CQLValue]] {
        for restriction in restrictions where !restriction.column.isPrimaryKey {
            throw CQLEngineError.invalid("Non PRIMARY KEY columns found in where clause: \(restriction.column.name) ")
        }
        let missingPartition = table.partitionKey.filter { column in
            !restrictions.contains { $0.column.name == column.name }
        }
        guard missingPartition.isEmpty else {
            throw CQLEngineError.invalid(
                "Some partition key parts are missing: \(missingPartition.map(\.name).joined(separator: ", "))"
            )
        }
        let missingClustering = table.clustering.filter { column in
            !restrictions.contains { $0.column.name == column.name }
        }
        guard missingClustering.isEmpty else {
            throw CQLEngineError.invalid(
                "Some clustering keys are missing: \(missingClustering.map(\.name).joined(separator: ", "))"
            )
        }
        var keys: [[CQLValue]] = [[]]
        for column in table.primaryKey {
            let list = restrictions.filter { $0.column.name == column.name }
            guard list.count == 1, list[0].isEqualityOrIn else {
                if list.contains(where: \.isSlice), column.kind == .clustering {
                    throw CQLEngineError.invalid(
                        "Slice restrictions are not supported on the clustering columns in \(statement) statements"
                    )
                }
                throw CQLEngineError.invalid(
                    "\(column.name) cannot be restricted by more than one relation if it includes an Equal"
                )
            }
            keys = keys.flatMap { prefix in list[0].values.map { prefix + [$0] } }
        }
        return keys
    }

    // MARK: - Applying

    /// Applies the change inside the caller's write transaction.
    func apply(_ db: Database) throws {
        let table = self.table
        let keyColumns = table.primaryKey
        switch kind {
        case .deleteRows(let restrictions):
            let (whereSQL, arguments) = try CQLRestriction.sql(restrictions)
            try db.execute(
                sql: "DELETE FROM \(table.sqlName) WHERE \(whereSQL)",
                arguments: StatementArguments(arguments)
            )
        case .deleteColumns(let keys, let columns):
            for column in columns where table.requiredColumns.contains(column.name) {
                throw CQLEngineError.invalid(
                    "Column \(column.name) of \(table.keyspace).\(table.name) cannot be deleted: the store keeps it NOT NULL"
                )
            }
            let assignments = columns.map { "\(CQLSQL.quote($0.name)) = NULL" }.joined(separator: ", ")
            for key in keys {
                let (whereSQL, arguments) = try Self.keyPredicate(key, keyColumns)
                try db.execute(
                    sql: "UPDATE \(table.sqlName) SET \(assignments) WHERE \(whereSQL)",
                    arguments: StatementArguments(arguments)
                )
            }
        case .upsert(let keys, let actions):
            for key in keys { try upsert(key: key, actions: actions, db) }
        }
    }

    static func keyPredicate(
        _ key: [CQLValue],
        _ columns: [CQLColumnDefinition]
    ) throws(CQLEngineError) -> (String, [DatabaseValue]) {
        var parts: [String] = []
        var arguments: [DatabaseValue] = []
        for (column, value) in zip(columns, key) {
            parts.append("\(CQLSQL.quote(column.name)) = ?")
            arguments.append(try CQLSQLiteMapping.databaseValue(value, as: column.cqlType))
        }
        return (parts.joined(separator: " AND "), arguments)
    }

    /// The row with this key, all columns in table order (nil when absent).
    func currentRow(_ key: [CQLValue], _ db: Database) throws -> [CQLValue]? {
        let (whereSQL, arguments) = try Self.keyPredicate(key, table.primaryKey)
        let list = table.columns.map { CQLSQL.quote($0.name) }.joined(separator: ", ")
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT \(list) FROM \(table.sqlName) WHERE \(whereSQL)",
                arguments: StatementArguments(arguments)
            )
        else {
            return nil
        }
        var values: [CQLValue] = []
        for (index, column) in table.columns.enumerated() {
            values.append(
                try CQLSQLiteMapping.cqlValue(row[index] as DatabaseValue, as: column.cqlType, column: column.name)
            )
        }
        return values
    }

    /// A statement ready to run: SQL and its arguments.
    struct PlannedStatement: @unchecked Sendable {
        var sql: String
        var arguments: StatementArguments
    }

    /// The statements of this write, computed outside the (serial) writer when they do not depend on the rows
    /// already stored: upserts that set values (no collection arithmetic) with every column a new native row needs.
    /// `nil` when the writer must read first (see ``apply(_:)``).
    func plan() throws -> [PlannedStatement]? {
        guard !isConditional, case .upsert(let keys, let actions) = kind,
            !actions.contains(where: { $0.1.needsCurrentValue })
        else { return nil }
        var planned: [PlannedStatement] = []
        for key in keys {
            let prepared = try prepareUpsert(key: key, actions: actions, current: nil)
            guard let statement = prepared.singleStatement else { return nil }
            planned.append(statement)
        }
        return planned
    }

    /// An upsert's values and, when one statement can do it, that statement.
    private struct PreparedUpsert {
        var assignments: [(CQLColumnDefinition, CQLValue)]
        var keyArguments: [DatabaseValue]
        var valueArguments: [DatabaseValue]
        var singleStatement: PlannedStatement?
    }

    private func prepareUpsert(
        key: [CQLValue],
        actions: [(CQLColumnDefinition, Action)],
        current: [CQLValue]?
    ) throws -> PreparedUpsert {
        let table = self.table
        let keyColumns = table.primaryKey
        var assignments: [(CQLColumnDefinition, CQLValue)] = []
        for (column, action) in actions {
            var previous = CQLValue.null
            if let current, let index = table.columns.firstIndex(where: { $0.name == column.name }) {
                previous = current[index]
            }
            var value = try Self.combine(previous, action, column: column)
            if column.type.isMultiCell, Self.isEmptyCollection(value) { value = .null }
            if value.isNull, table.requiredColumns.contains(column.name) {
                throw CQLEngineError.invalid(
                    "Column \(column.name) of \(table.keyspace).\(table.name) cannot be null: the store keeps it NOT NULL"
                )
            }
            if let existing = assignments.firstIndex(where: { $0.0.name == column.name }) {
                assignments[existing].1 = value
            } else {
                assignments.append((column, value))
            }
        }
        var keyArguments: [DatabaseValue] = []
        for (column, value) in zip(keyColumns, key) {
            keyArguments.append(try CQLSQLiteMapping.databaseValue(value, as: column.cqlType))
        }
        var valueArguments: [DatabaseValue] = []
        for (column, value) in assignments {
            valueArguments.append(try CQLSQLiteMapping.databaseValue(value, as: column.cqlType))
        }
        let columns = keyColumns.map(\.name) + assignments.map(\.0.name)
        var single: PlannedStatement?
        if !table.isNative || Self.isComplete(table, columns: columns) {
            single = PlannedStatement(
                sql: Self.upsertSQL(table, keyColumns: keyColumns, columns: columns, updated: assignments.map(\.0.name)),
                arguments: StatementArguments(keyArguments + valueArguments)
            )
        }
        return PreparedUpsert(
            assignments: assignments,
            keyArguments: keyArguments,
            valueArguments: valueArguments,
            singleStatement: single
        )
    }

    /// Whether a new row with these columns satisfies the store's NOT NULL columns and needs no defaults.
    private static func isComplete(_ table: CQLTableDefinition, columns: [String]) -> Bool {
        let given = Set(columns)
        return table.requiredColumns.allSatisfy { given.contains($0) }
            && table.columns.allSatisfy { column in
                given.contains(column.name) || !CQLNativeTables.hasDefault(table: table.name, column: column.name)
            }
    }

    private struct UpsertShape: Hashable {
        var table: String
        var columns: [String]
        var updated: [String]
    }

    /// Upsert SQL by table and columns: prepared statements run the same shape again and again.
    private static let upsertSQLCache = Mutex<[UpsertShape: String]>([:])

    /// `INSERT … ON CONFLICT (key) DO UPDATE SET` the given columns: an upsert in one statement.
    private static func upsertSQL(
        _ table: CQLTableDefinition,
        keyColumns: [CQLColumnDefinition],
        columns: [String],
        updated: [String]
    ) -> String {
        let shape = UpsertShape(table: table.sqlName, columns: columns, updated: updated)
        if let sql = upsertSQLCache.withLock({ $0[shape] }) { return sql }
        let conflict = keyColumns.map { CQLSQL.quote($0.name) }.joined(separator: ", ")
        let update =
            updated.isEmpty
            ? "DO NOTHING"
            : "DO UPDATE SET " + updated.map { "\(CQLSQL.quote($0)) = excluded.\(CQLSQL.quote($0))" }.joined(separator: ", ")
        let sql =
            "INSERT INTO \(table.sqlName) (\(columns.map(CQLSQL.quote).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", "))) ON CONFLICT (\(conflict)) \(update)"
        upsertSQLCache.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }
            cache[shape] = sql
        }
        return sql
    }

    private func upsert(key: [CQLValue], actions: [(CQLColumnDefinition, Action)], _ db: Database) throws {
        let table = self.table
        let keyColumns = table.primaryKey
        var current: [CQLValue]?
        if actions.contains(where: { $0.1.needsCurrentValue }) { current = try currentRow(key, db) }
        let prepared = try prepareUpsert(key: key, actions: actions, current: current)
        if let statement = prepared.singleStatement {
            try db.cachedStatement(sql: statement.sql).execute(arguments: statement.arguments)
            return
        }
        // A native table and a row missing some of the columns the store keeps NOT NULL: UPDATE first (they only
        // matter for rows that do not exist yet), then INSERT with the defaults.
        let assignments = prepared.assignments
        let (whereSQL, keyArguments) = try Self.keyPredicate(key, keyColumns)
        if !assignments.isEmpty {
            let set = assignments.map { "\(CQLSQL.quote($0.0.name)) = ?" }.joined(separator: ", ")
            try db.cachedStatement(sql: "UPDATE \(table.sqlName) SET \(set) WHERE \(whereSQL)")
                .execute(arguments: StatementArguments(prepared.valueArguments + keyArguments))
            if db.changesCount > 0 { return }
        } else if try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM \(table.sqlName) WHERE \(whereSQL)",
            arguments: StatementArguments(keyArguments)
        ) == true {
            return
        }
        var columns = keyColumns.map(\.name) + assignments.map(\.0.name)
        var values = prepared.keyArguments + prepared.valueArguments
        for required in table.requiredColumns where !columns.contains(required) {
            throw CQLEngineError.invalid(
                "Missing mandatory column \(required): \(table.keyspace).\(table.name) stores it NOT NULL, so an INSERT of a new row must give it"
            )
        }
        for column in table.columns where !columns.contains(column.name) {
            if let value = CQLNativeTables.defaultValue(table: table.name, column: column.name) {
                columns.append(column.name)
                values.append(try CQLSQLiteMapping.databaseValue(value, as: column.cqlType))
            }
        }
        try db.cachedStatement(
            sql:
                "INSERT INTO \(table.sqlName) (\(columns.map(CQLSQL.quote).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        ).execute(arguments: StatementArguments(values))
    }

    private static func isEmptyCollection(_ value: CQLValue) -> Bool {
        switch value {
        case .list(let elements), .set(let elements): elements.isEmpty
        case .map(let pairs): pairs.isEmpty
        default: false
        }
    }

    /// The new value of a column from its current value and the action.
    static func combine(
        _ current: CQLValue,
        _ action: Action,
        column: CQLColumnDefinition
    ) throws(CQLEngineError) -> CQLValue {
        switch action {
        case .set(let value):
            return value
        case .add(let value), .subtract(let value):
            let isAdd: Bool = { if case .add = action { return true } else { return false } }()
            switch (current, value) {
            case (_, .null), (_, .unset):
                return current
            case (.null, .bigint(let delta)):
                return .bigint(isAdd ? delta : -delta)
            case (.bigint(let a), .bigint(let b)):
                return .bigint(isAdd ? a &+ b : a &- b)
            case (.null, .list(let elements)):
                return isAdd ? .list(elements) : .null
            case (.list(let a), .list(let b)):
                return isAdd ? .list(a + b) : .list(a.filter { x in !b.contains(x) })
            case (.null, .set(let elements)):
                if case .map = column.cqlType { return .null }
                return isAdd ? .set(elements) : .null
            case (.set(let a), .set(let b)):
                return isAdd ? CQLValueOrder.normalizedSet(a + b) : .set(a.filter { x in !b.contains(x) })
            case (.map(let pairs), .set(let keys)):
                return .map(pairs.filter { pair in !keys.contains(pair.0) })
            case (.null, .map(let pairs)):
                return .map(pairs)
            case (.map(let a), .map(let b)):
                return CQLValueOrder.normalizedMap(a + b)
            default:
                throw CQLEngineError.invalid("Invalid operation on column \(column.name)")
            }
        case .prepend(let value):
            switch (current, value) {
            case (_, .null), (_, .unset): return current
            case (.null, .list(let elements)): return .list(elements)
            case (.list(let a), .list(let b)): return .list(b + a)
            default: throw CQLEngineError.invalid("Invalid operation on column \(column.name)")
            }
        case .setElement(let key, let value):
            switch (column.cqlType, current) {
            case (.map, .null):
                return value.isNull ? .null : .map([(key, value)])
            case (.map, .map(let pairs)):
                var result = pairs.filter { $0.0 != key }
                if !value.isNull { result.append((key, value)) }
                return CQLValueOrder.normalizedMap(result)
            case (.list, _):
                guard case .int(let index) = key else {
                    throw CQLEngineError.invalid("Invalid null value for list index")
                }
                var elements: [CQLValue] = []
                if case .list(let existing) = current { elements = existing }
                guard index >= 0, Int(index) < elements.count else {
                    throw CQLEngineError.invalid("List index \(index) out of bound, list has size \(elements.count)")
                }
                if value.isNull {
                    elements.remove(at: Int(index))
                } else {
                    elements[Int(index)] = value
                }
                return .list(elements)
            default:
                throw CQLEngineError.invalid("Invalid operation on column \(column.name)")
            }
        }
    }
}

extension CQLWrite.Conditions {
    var isPresent: Bool {
        if case .none = self { return false }
        return true
    }
}
