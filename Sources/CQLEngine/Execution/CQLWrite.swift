import CQLWire
import GRDB
import Synchronization

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
    /// The write timestamp (microseconds): `USING TIMESTAMP`, else the batch's, the request's or the server's.
    var timestamp: Int64 = 0
    /// Seconds the written cells live (`USING TTL`, else the table's `default_time_to_live`); 0: forever.
    var ttl: Int32 = 0
    /// An INSERT: writes the row marker that keeps the row alive with null cells.
    var isInsert = false

    var isConditional: Bool {
        if case .none = conditions { return false }
        return true
    }

    // MARK: - Building

    static func insert(
        _ insert: CQLInsert,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator,
        defaults: Defaults
    ) throws(CQLEngineError) -> CQLWrite {
        if table.isCounterTable {
            throw CQLEngineError.invalid("INSERT statements are not allowed on counter tables, use UPDATE instead")
        }
        var seen: Set<String> = []
        var keyValues: [String: CQLValue] = [:]
        var actions: [(CQLColumnDefinition, Action)] = []
        for (name, term) in zip(insert.columns, insert.values) {
            let column = try table.requireColumn(name)
            guard seen.insert(name).inserted else {
                throw CQLEngineError.invalid("The column names contains duplicates")
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
        let (ttl, timestamp) = try options(
            ttl: insert.ttl,
            timestamp: insert.timestamp,
            table: table,
            conditional: insert.ifNotExists,
            evaluator: evaluator,
            defaults: defaults
        )
        let key = try keyFromValues(keyValues, table: table)
        return CQLWrite(
            table: table,
            kind: .upsert(keys: [key], actions: actions),
            conditions: insert.ifNotExists ? .notExists : .none,
            timestamp: timestamp,
            ttl: ttl,
            isInsert: true
        )
    }

    static func update(
        _ update: CQLUpdate,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator,
        defaults: Defaults
    ) throws(CQLEngineError) -> CQLWrite {
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
                if type == .counter {
                    throw CQLEngineError.invalid(
                        "Cannot set the value of counter column \(column.name) (counters can only be incremented/decremented, not set)"
                    )
                }
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
        let conditions = try conditions(update.conditions, table: table, evaluator: evaluator)
        let (ttl, timestamp) = try options(
            ttl: update.ttl,
            timestamp: update.timestamp,
            table: table,
            conditional: conditions.isPresent,
            evaluator: evaluator,
            defaults: defaults
        )
        return CQLWrite(
            table: table,
            kind: .upsert(keys: keys, actions: actions),
            conditions: conditions,
            timestamp: timestamp,
            ttl: ttl
        )
    }

    static func delete(
        _ delete: CQLDelete,
        table: CQLTableDefinition,
        evaluator: CQLTermEvaluator,
        defaults: Defaults
    ) throws(CQLEngineError) -> CQLWrite {
        let restrictions = try CQLRestriction.evaluate(delete.whereClause, table: table, evaluator: evaluator)
        let conditions = try conditions(delete.conditions, table: table, evaluator: evaluator)
        let (_, timestamp) = try options(
            ttl: nil,
            timestamp: delete.timestamp,
            table: table,
            conditional: conditions.isPresent,
            evaluator: evaluator,
            defaults: defaults
        )
        try checkKeyRestrictions(restrictions, table: table)
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
                    return CQLWrite(
                        table: table,
                        kind: .deleteRows(restrictions),
                        conditions: conditions,
                        timestamp: timestamp
                    )
                }
                return CQLWrite(
                    table: table,
                    kind: .deleteColumns(keys: keys, columns: columns),
                    conditions: conditions,
                    timestamp: timestamp
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
        return CQLWrite(table: table, kind: .deleteRows(restrictions), conditions: conditions, timestamp: timestamp)
    }

    /// What a statement's `USING` clause does not say: the timestamp (the batch's `USING TIMESTAMP`, the request's
    /// default timestamp or the server's clock) and whether a batch already set one.
    struct Defaults: Sendable {
        var timestamp: Int64
        var batchTimestamp = false
    }

    /// Cassandra's longest TTL (20 years).
    static let maxTTL: Int32 = 630_720_000

    /// The TTL (seconds, 0: none) and timestamp a write uses.
    private static func options(
        ttl: CQLTerm?,
        timestamp: CQLTerm?,
        table: CQLTableDefinition,
        conditional: Bool,
        evaluator: CQLTermEvaluator,
        defaults: Defaults
    ) throws(CQLEngineError) -> (Int32, Int64) {
        let isCounter = table.isCounterTable
        var seconds = table.options.defaultTimeToLive
        if let ttl {
            switch try evaluator.value(ttl, as: .int, receiver: "[ttl]") {
            case .int(let value):
                if value < 0 { throw CQLEngineError.invalid("A TTL must be greater or equal to 0, but was \(value)") }
                if value > maxTTL {
                    throw CQLEngineError.invalid("ttl is too large. requested (\(value)) maximum (\(maxTTL))")
                }
                seconds = value
            case .unset: break
            default: throw CQLEngineError.invalid("Invalid null value of TTL")
            }
            if isCounter { throw CQLEngineError.invalid("Cannot provide custom TTL for counter updates") }
        }
        var result = defaults.timestamp
        if let timestamp {
            if defaults.batchTimestamp {
                throw CQLEngineError.invalid("Timestamp must be set either on BATCH or individual statements")
            }
            switch try evaluator.value(timestamp, as: .bigint, receiver: "[timestamp]") {
            case .bigint(let value):
                if value == Int64.min {
                    throw CQLEngineError.invalid(
                        "Invalid timestamp: A timestamp must be greater than Long.MIN_VALUE"
                    )
                }
                result = value
            case .unset: break
            default: throw CQLEngineError.invalid("Invalid null value of timestamp")
            }
            if isCounter { throw CQLEngineError.invalid("Cannot provide custom timestamp for counter updates") }
            if conditional { throw CQLEngineError.invalid("Cannot provide custom timestamp for conditional updates") }
        }
        return (seconds, result)
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
        try checkPartitionKeyNotEmpty(key, table: table)
        return key
    }

    /// Cassandra refuses a write whose (single-column) partition key is an empty value: text `''` or an empty blob.
    static func checkPartitionKeyNotEmpty(_ key: [CQLValue], table: CQLTableDefinition) throws(CQLEngineError) {
        guard table.partitionKey.count == 1, let first = key.first else { return }
        switch first {
        case .text(let text) where text.isEmpty: throw CQLEngineError.invalid("Key may not be empty")
        case .blob(let bytes) where bytes.isEmpty: throw CQLEngineError.invalid("Key may not be empty")
        default: return
        }
    }

    /// Cassandra's first complaints about a write's WHERE clause: a missing partition key part, then a non-key column.
    static func checkKeyRestrictions(_ restrictions: [CQLRestriction], table: CQLTableDefinition) throws(CQLEngineError)
    {
        let missing = table.partitionKey.filter { column in
            !restrictions.contains { $0.column.name == column.name }
        }
        if !missing.isEmpty {
            throw CQLEngineError.invalid(
                "Some partition key parts are missing: \(missing.map(\.name).joined(separator: ", "))"
            )
        }
        for restriction in restrictions where !restriction.column.isPrimaryKey {
            throw CQLEngineError.invalid("Non PRIMARY KEY columns found in where clause: \(restriction.column.name) ")
        }
        for restriction in restrictions where restriction.column.kind == .partitionKey && restriction.isEqualityOrIn {
            for value in restriction.values { try checkPartitionKeyNotEmpty([value], table: table) }
        }
    }

    /// Every primary key the WHERE clause names (= or IN on every key column; the cartesian product of the INs).
    static func fullKeys(
        _ restrictions: [CQLRestriction],
        table: CQLTableDefinition,
        statement: String
    ) throws(CQLEngineError) -> [[CQLValue]] {
        try checkKeyRestrictions(restrictions, table: table)
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

    /// Whether this write keeps Cassandra's cell timestamps (every SQLite table but counter tables, whose cells
    /// Cassandra does not order by timestamp either).
    var usesCellMetadata: Bool {
        CQLCellStore.schema(of: table) != nil && !table.isCounterTable
    }

    /// Applies the change inside the caller's write transaction. `plan` is ``plan()``'s result when there is one;
    /// `now` is the time (seconds since the epoch) expiries are computed from.
    func apply(_ db: Database, plan: [PlannedStatement]? = nil, now: Int64) throws {
        let table = self.table
        let keyColumns = table.primaryKey
        guard usesCellMetadata else {
            try applyWithoutMetadata(db, plan: plan)
            return
        }
        switch kind {
        case .deleteRows(let restrictions):
            try deleteRows(restrictions, now: now, db)
        case .deleteColumns(let keys, let columns):
            for column in columns where table.requiredColumns.contains(column.name) {
                throw CQLEngineError.invalid(
                    "Column \(column.name) of \(table.keyspace).\(table.name) cannot be deleted: the store keeps it NOT NULL"
                )
            }
            for key in keys {
                let keyValues = try Self.databaseKey(key, keyColumns)
                let keyText = CQLCellStore.encodeKey(keyValues)
                var meta = try CQLCellStore.load(table, key: keyText, db) ?? CQLRowMetadata()
                var nulls: [String] = []
                for column in columns {
                    if let cell = meta.c[column.name], cell.t > timestamp { continue }
                    nulls.append(column.name)
                    meta.c[column.name] = CQLRowMetadata.Cell(t: timestamp, e: nil, x: true)
                }
                if !nulls.isEmpty {
                    let (whereSQL, arguments) = CQLCellStore.keyPredicate(table, keyValues)
                    let set = nulls.map { "\(CQLSQL.quote($0)) = NULL" }.joined(separator: ", ")
                    try db.execute(sql: "UPDATE \(table.sqlName) SET \(set) WHERE \(whereSQL)", arguments: arguments)
                }
                try CQLCellStore.removeIfEmpty(table, keyValues: keyValues, meta: meta, now: now, db)
                try CQLCellStore.save(meta, table, key: keyText, db)
            }
        case .upsert(let keys, let actions):
            for (index, key) in keys.enumerated() {
                try upsertWithTimestamp(key: key, actions: actions, planned: plan?[index], now: now, db)
            }
        }
    }

    /// The change without cell metadata (counter tables): last write wins in commit order.
    private func applyWithoutMetadata(_ db: Database, plan: [PlannedStatement]?) throws {
        let table = self.table
        let keyColumns = table.primaryKey
        if let plan {
            for statement in plan {
                try db.cachedStatement(sql: statement.sql).execute(arguments: statement.arguments)
            }
            return
        }
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

    static func databaseKey(
        _ key: [CQLValue],
        _ columns: [CQLColumnDefinition]
    ) throws(CQLEngineError) -> [DatabaseValue] {
        var values: [DatabaseValue] = []
        for (column, value) in zip(columns, key) {
            values.append(try CQLSQLiteMapping.databaseValue(value, as: column.cqlType))
        }
        return values
    }

    /// The deletion timestamp shadowing a row: its own tombstone or its partition's.
    private func shadowingDeletion(
        _ meta: CQLRowMetadata?,
        key: [CQLValue],
        keyValues: [DatabaseValue],
        _ db: Database
    ) throws -> Int64? {
        var shadow = meta?.d
        if !table.clustering.isEmpty {
            let partition = Array(keyValues.prefix(table.partitionKey.count))
            let partitionKey = CQLCellStore.encodeKey(partition, partition: true)
            if let deleted = try CQLCellStore.load(table, key: partitionKey, db)?.d {
                shadow = max(shadow ?? deleted, deleted)
            }
            if let deleted = try CQLCellStore.rangeDeletion(table, partition: partition, key: key, db) {
                shadow = max(shadow ?? deleted, deleted)
            }
        }
        return shadow
    }

    /// An upsert of one row, cell by cell: a cell is written only when this write's timestamp beats the stored
    /// cell's (Cassandra's reconciliation), and not at all when a row or partition deletion at or above the
    /// timestamp shadows the row.
    private func upsertWithTimestamp(
        key: [CQLValue],
        actions: [(CQLColumnDefinition, Action)],
        planned: PlannedStatement?,
        now: Int64,
        _ db: Database
    ) throws {
        let table = self.table
        let keyValues = try Self.databaseKey(key, table.primaryKey)
        let keyText = CQLCellStore.encodeKey(keyValues)
        let stored = try CQLCellStore.load(table, key: keyText, db)
        if let shadow = try shadowingDeletion(stored, key: key, keyValues: keyValues, db), timestamp <= shadow {
            return
        }
        let expiry: Int64? = ttl > 0 ? now + Int64(ttl) : nil
        if stored == nil, Self.writesEveryRegularColumn(actions, table: table) {
            // A row without metadata written whole, no cell set to null: every cell gets this write's timestamp and
            // expiry, kept once for the row (the compact form) instead of once per column.
            var meta = CQLRowMetadata()
            meta.a = CQLRowMetadata.Cell(t: timestamp, e: expiry, x: nil)
            if isInsert { meta.m = CQLRowMetadata.Cell(t: timestamp, e: expiry, x: nil) }
            if let planned {
                try db.cachedStatement(sql: planned.sql).execute(arguments: planned.arguments)
            } else {
                try upsert(key: key, actions: actions, db)
            }
            if !isInsert { try CQLCellStore.removeIfEmpty(table, keyValues: keyValues, meta: meta, now: now, db) }
            try CQLCellStore.save(meta, table, key: keyText, db)
            return
        }
        var meta = stored ?? CQLRowMetadata()
        var current: [CQLValue]?
        var kept: [(CQLColumnDefinition, Action)] = []
        var wroteNull = false
        for (column, action) in actions {
            let existing = meta.c[column.name]
            var isNull = false
            if case .set(let value) = action { isNull = value.isNull }
            if let existing {
                let dead = existing.isTombstone || existing.isExpired(now)
                if timestamp < existing.t { continue }
                if timestamp == existing.t {
                    if dead { continue }
                    if case .set(let value) = action, !isNull {
                        if current == nil { current = try currentRow(key, db) }
                        let index = table.columns.firstIndex { $0.name == column.name }!
                        let order = Self.compareCellValues(value, current?[index] ?? .null, type: column.cqlType)
                        if order < 0 || (order == 0 && (expiry ?? Int64.max) <= (existing.e ?? Int64.max)) {
                            continue
                        }
                    }
                }
            }
            kept.append((column, action))
            wroteNull = wroteNull || isNull
            meta.c[column.name] = CQLRowMetadata.Cell(t: timestamp, e: isNull ? nil : expiry, x: isNull ? true : nil)
        }
        if isInsert, timestamp >= (meta.m?.t ?? Int64.min) {
            meta.m = CQLRowMetadata.Cell(t: timestamp, e: expiry, x: nil)
        }
        if stored == nil, let planned, kept.count == actions.count {
            try db.cachedStatement(sql: planned.sql).execute(arguments: planned.arguments)
        } else if !kept.isEmpty || isInsert {
            try upsert(key: key, actions: kept, db)
        }
        if wroteNull || !isInsert {
            try CQLCellStore.removeIfEmpty(table, keyValues: keyValues, meta: meta, now: now, db)
        }
        try CQLCellStore.save(meta, table, key: keyText, db)
    }

    /// Whether the actions give every regular column of the table, none of them a null (a tombstone).
    static func writesEveryRegularColumn(
        _ actions: [(CQLColumnDefinition, Action)],
        table: CQLTableDefinition
    ) -> Bool {
        var regular = 0
        for column in table.columns where !column.isPrimaryKey { regular += 1 }
        guard regular > 0, actions.count >= regular else { return false }
        for (_, action) in actions {
            if case .set(let value) = action, value.isNull { return false }
        }
        if actions.count == regular {
            var names = Set<String>(minimumCapacity: regular)
            for (column, _) in actions { names.insert(column.name) }
            return names.count == regular
        }
        let names = Set(actions.map(\.0.name))
        return table.columns.allSatisfy { $0.isPrimaryKey || names.contains($0.name) }
    }

    /// A deletion at this write's timestamp: cells written at or before it go, later ones stay; the tombstone is
    /// kept so that writes arriving later with an older timestamp stay shadowed.
    private func deleteRows(_ restrictions: [CQLRestriction], now: Int64, _ db: Database) throws {
        let table = self.table
        let keyColumns = table.primaryKey
        var rowKeys: [[DatabaseValue]] = []
        var seen: Set<String> = []
        let fullKeys: [[CQLValue]]? = try? Self.fullKeys(restrictions, table: table, statement: "DELETE")
        if let fullKeys {
            for key in fullKeys {
                let values = try Self.databaseKey(key, keyColumns)
                if seen.insert(CQLCellStore.encodeKey(values)).inserted { rowKeys.append(values) }
            }
        } else {
            let partitionOnly = restrictions.allSatisfy { $0.column.kind == .partitionKey }
            if partitionOnly {
                var partitions: [[CQLValue]] = [[]]
                for column in table.partitionKey {
                    let values = restrictions.first { $0.column.name == column.name }?.values ?? []
                    partitions = partitions.flatMap { prefix in values.map { prefix + [$0] } }
                }
                for partition in partitions {
                    let values = try Self.databaseKey(partition, table.partitionKey)
                    let keyText = CQLCellStore.encodeKey(values, partition: true)
                    var meta = try CQLCellStore.load(table, key: keyText, db) ?? CQLRowMetadata()
                    meta.d = max(meta.d ?? timestamp, timestamp)
                    try CQLCellStore.save(meta, table, key: keyText, db)
                }
            }
            let clusteringRestrictions = restrictions.filter { $0.column.kind == .clustering }
            if !partitionOnly, !clusteringRestrictions.isEmpty {
                // A range tombstone per partition, so that older writes arriving later into the range stay shadowed.
                var partitions: [[CQLValue]] = [[]]
                for column in table.partitionKey {
                    let values = restrictions.first { $0.column.name == column.name }?.values ?? []
                    partitions = partitions.flatMap { prefix in values.map { prefix + [$0] } }
                }
                var bounds: [CQLRangeTombstone.Bound] = []
                for restriction in clusteringRestrictions {
                    let values = try restriction.values.map { (value) throws(CQLEngineError) in
                        try CQLSQLiteMapping.databaseValue(value, as: restriction.column.cqlType)
                    }
                    bounds.append(
                        CQLRangeTombstone.Bound(
                            n: restriction.column.name,
                            o: restriction.op.rawValue,
                            v: CQLCellStore.encodeKey(values)
                        )
                    )
                }
                for partition in partitions {
                    try CQLCellStore.saveRange(
                        CQLRangeTombstone(t: timestamp, r: bounds),
                        table,
                        partition: try Self.databaseKey(partition, table.partitionKey),
                        db
                    )
                }
            }
            let (whereSQL, arguments) = try CQLRestriction.sql(restrictions)
            let list = keyColumns.map { CQLSQL.quote($0.name) }.joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(list) FROM \(table.sqlName) WHERE \(whereSQL)",
                arguments: StatementArguments(arguments)
            )
            for row in rows {
                let values = (0..<keyColumns.count).map { row[$0] as DatabaseValue }
                if seen.insert(CQLCellStore.encodeKey(values)).inserted { rowKeys.append(values) }
            }
        }
        let regular = table.columns.filter { !$0.isPrimaryKey }
        for keyValues in rowKeys {
            let keyText = CQLCellStore.encodeKey(keyValues)
            var meta = try CQLCellStore.load(table, key: keyText, db) ?? CQLRowMetadata()
            let (whereSQL, arguments) = CQLCellStore.keyPredicate(table, keyValues)
            // Cells without metadata were written outside CQL: older than any CQL write.
            meta.c = meta.c.filter { $0.value.t > timestamp }
            let surviving = Set(meta.c.filter { !$0.value.isTombstone && !$0.value.isExpired(now) }.keys)
            if let m = meta.m, m.t <= timestamp { meta.m = nil }
            meta.d = max(meta.d ?? timestamp, timestamp)
            let cleared = regular.filter { !surviving.contains($0.name) }
            if meta.m == nil && surviving.isEmpty
                || cleared.contains(where: { table.requiredColumns.contains($0.name) })
            {
                try db.execute(sql: "DELETE FROM \(table.sqlName) WHERE \(whereSQL)", arguments: arguments)
            } else if !cleared.isEmpty {
                let set = cleared.map { "\(CQLSQL.quote($0.name)) = NULL" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE \(table.sqlName) SET \(set) WHERE \(whereSQL)", arguments: arguments)
                try CQLCellStore.removeIfEmpty(table, keyValues: keyValues, meta: meta, now: now, db)
            }
            try CQLCellStore.save(meta, table, key: keyText, db)
        }
    }

    /// Cassandra's tie-break between two live cells of equal timestamp: the greater serialized value (bytes compared
    /// as Java's `ByteBuffer.compareTo` does, signed) wins.
    static func compareCellValues(_ a: CQLValue, _ b: CQLValue, type: CQLType) -> Int {
        let left = CQLCellValueBytes.bytes(a, type: type)
        let right = CQLCellValueBytes.bytes(b, type: type)
        for (x, y) in zip(left, right) where x != y {
            return Int8(bitPattern: x) < Int8(bitPattern: y) ? -1 : 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
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
                sql: Self.upsertSQL(
                    table,
                    keyColumns: keyColumns,
                    columns: columns,
                    updated: assignments.map(\.0.name)
                ),
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
            : "DO UPDATE SET "
                + updated.map { "\(CQLSQL.quote($0)) = excluded.\(CQLSQL.quote($0))" }.joined(separator: ", ")
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

extension CQLTableDefinition {
    /// A table of counters (Cassandra allows no other regular columns beside them).
    var isCounterTable: Bool { columns.contains { $0.cqlType == .counter } }
}

extension CQLWrite.Conditions {
    var isPresent: Bool {
        if case .none = self { return false }
        return true
    }
}
