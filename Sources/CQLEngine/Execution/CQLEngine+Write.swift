import CQLWire
import GRDB

extension CQLEngine {
    /// The writes an INSERT, UPDATE or DELETE makes (batches: each of their statements).
    func batchWrites(
        _ statement: CQLStatement,
        bound: [CQLValue],
        keyspace: String?,
        catalog: CQLCatalog,
        defaults: CQLWrite.Defaults,
        allowConditions: Bool = false
    ) throws(CQLEngineError) -> [CQLWrite] {
        let evaluator = CQLTermEvaluator(bound: bound)
        let write: CQLWrite
        switch statement {
        case .insert(let insert):
            let table = try CQLBindAnalysis.resolve(insert.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.insert(insert, table: table, evaluator: evaluator, defaults: defaults)
        case .update(let update):
            let table = try CQLBindAnalysis.resolve(update.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.update(update, table: table, evaluator: evaluator, defaults: defaults)
        case .delete(let delete):
            let table = try CQLBindAnalysis.resolve(delete.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.delete(delete, table: table, evaluator: evaluator, defaults: defaults)
        case .batch(let batch):
            var inner = defaults
            if let term = batch.timestamp {
                switch try evaluator.value(term, as: .bigint, receiver: "[timestamp]") {
                case .bigint(let value):
                    inner.timestamp = value
                    inner.batchTimestamp = true
                case .unset: break
                default: throw CQLEngineError.invalid("Invalid null value of timestamp")
                }
            }
            var writes: [CQLWrite] = []
            for statement in batch.statements {
                writes += try batchWrites(
                    statement,
                    bound: bound,
                    keyspace: keyspace,
                    catalog: catalog,
                    defaults: inner
                )
            }
            try Self.checkBatchKinds(writes, type: batch.type)
            return writes
        default:
            throw CQLEngineError.invalid(
                "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed."
            )
        }
        if write.isConditional && !allowConditions {
            throw CQLEngineError.invalid("Conditional statements (IF …) in batches are not supported by this server")
        }
        return [write]
    }

    /// Cassandra's rules for counters in batches.
    static func checkBatchKinds(_ writes: [CQLWrite], type: CQLBatchType) throws(CQLEngineError) {
        let counters = writes.filter { $0.table.isCounterTable }.count
        if type == .counter {
            if counters < writes.count {
                throw CQLEngineError.invalid("Only counter mutations are allowed in COUNTER batches")
            }
        } else if counters > 0 {
            if type == .logged { throw CQLEngineError.invalid("Cannot include a counter statement in a logged batch") }
            if counters < writes.count {
                throw CQLEngineError.invalid("Counter and non-counter mutations cannot exist in the same batch")
            }
        }
    }

    /// Applies the writes in one IMMEDIATE transaction.
    func applyBatch(_ writes: [CQLWrite]) async throws -> CQLEngineResult {
        guard !writes.isEmpty else { return .void }
        // SQL and arguments are built here, concurrently with other requests; the writer only runs them.
        let plans = try writes.map { try $0.plan() }
        try await purgeExpired(writes.map(\.table))
        let now = CQLWriteClock.nowSeconds()
        try await writeTransaction { db in
            for (write, plan) in zip(writes, plans) {
                try write.apply(db, plan: plan, now: now)
            }
        }
        noteExpiries(writes, now: now)
        return .void
    }

    /// Runs `body` atomically (its own savepoint) in an IMMEDIATE transaction that concurrent writes share (group
    /// commit): any error rolls back `body`'s writes only; the result is returned once the transaction committed.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(database, body)
    }

    /// A lightweight transaction: read the row, check the condition, write only if it holds, in one transaction.
    /// Returns the `[applied]` row (with the existing values when not applied).
    func applyConditional(_ write: CQLWrite) async throws -> CQLEngineResult {
        let table = write.table
        let key: [CQLValue]
        switch write.kind {
        case .upsert(let keys, _), .deleteColumns(let keys, _):
            guard keys.count == 1 else {
                throw CQLEngineError.invalid(
                    "IN on the clustering key columns is not supported with conditional updates"
                )
            }
            key = keys[0]
        case .deleteRows(let restrictions):
            let keys = try CQLWrite.fullKeys(restrictions, table: table, statement: "DELETE")
            guard keys.count == 1 else {
                throw CQLEngineError.invalid(
                    "IN on the clustering key columns is not supported with conditional deletions"
                )
            }
            key = keys[0]
        }
        let applied = CQLColumnSpec(keyspace: table.keyspace, table: table.name, name: "[applied]", type: .boolean)
        try await purgeExpired([table])
        let now = CQLWriteClock.nowSeconds()
        defer { noteExpiries([write], now: now) }
        let outcome: (Bool, [CQLColumnSpec], [CQLValue]) = try await writeTransaction { db in
            let current = try write.currentRow(key, db)
            switch write.conditions {
            case .none:
                try write.apply(db, now: now)
                return (true, [], [])
            case .notExists:
                if let current { return (false, table.columns.map { table.spec($0) }, current) }
            case .exists:
                if current == nil { return (false, [], []) }
            case .columns(let conditions):
                guard let current else { return (false, [], []) }
                let holds = conditions.allSatisfy { condition in
                    let index = table.columns.firstIndex { $0.name == condition.column.name }!
                    return condition.matches(current[index])
                }
                if !holds {
                    var names: [String] = []
                    for condition in conditions where !names.contains(condition.column.name) {
                        names.append(condition.column.name)
                    }
                    let columns = table.columns.filter { names.contains($0.name) }
                    let values = columns.map { column in current[table.columns.firstIndex { $0.name == column.name }!] }
                    return (false, columns.map { table.spec($0) }, values)
                }
            }
            try write.apply(db, now: now)
            return (true, [], [])
        }
        return .rows(columns: [applied] + outcome.1, rows: [[.boolean(outcome.0)] + outcome.2], pagingState: nil)
    }
}

extension CQLEngine {
    /// Expiry of TTL'd cells: when a table's earliest expiry has passed, one write transaction turns its expired
    /// cells into nulls and deletes the rows left without a live cell or row marker. Run before each read and write
    /// of the table, so that SELECT, COUNT and conditions never see an expired cell.
    func purgeExpired(_ tables: [CQLTableDefinition]) async throws {
        guard !store.configuration.readOnly else { return }
        let now = CQLWriteClock.nowSeconds()
        var done: Set<String> = []
        for table in tables where CQLCellStore.schema(of: table) != nil && done.insert(table.sqlName).inserted {
            let key = table.sqlName
            var due = expiryState.withLock { $0[key] }
            if due == nil {
                let next = try await database.read { db in try CQLCellStore.nextExpiry(table, db) }
                due = next ?? Int64.max
                expiryState.withLock { state in state[key] = min(state[key] ?? Int64.max, due!) }
            }
            guard let due, due <= now else { continue }
            // Expiries noted by writes that commit while the purge runs lower this again.
            expiryState.withLock { $0[key] = Int64.max }
            let next: Int64?
            do {
                next = try await writeTransaction { db in
                    try CQLCellStore.purgeExpired(table, now: now, db)
                    return try CQLCellStore.nextExpiry(table, db)
                }
            } catch {
                expiryState.withLock { $0[key] = nil }
                throw error
            }
            expiryState.withLock { state in state[key] = min(state[key] ?? Int64.max, next ?? Int64.max) }
        }
    }

    /// Remembers the expiries these writes set, so that reads know when to purge.
    func noteExpiries(_ writes: [CQLWrite], now: Int64) {
        for write in writes where write.ttl > 0 && write.usesCellMetadata {
            let expiry = now + Int64(write.ttl)
            expiryState.withLock { state in
                if let current = state[write.table.sqlName] { state[write.table.sqlName] = min(current, expiry) }
            }
        }
    }
}
