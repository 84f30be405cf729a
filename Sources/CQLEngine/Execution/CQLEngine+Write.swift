import CQLWire
import GRDB

extension CQLEngine {
    /// The writes an INSERT, UPDATE or DELETE makes (batches: each of their statements).
    func batchWrites(
        _ statement: CQLStatement,
        bound: [CQLValue],
        keyspace: String?,
        catalog: CQLCatalog,
        allowConditions: Bool = false
    ) throws(CQLEngineError) -> [CQLWrite] {
        let evaluator = CQLTermEvaluator(bound: bound)
        let write: CQLWrite
        switch statement {
        case .insert(let insert):
            let table = try CQLBindAnalysis.resolve(insert.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.insert(insert, table: table, evaluator: evaluator)
        case .update(let update):
            let table = try CQLBindAnalysis.resolve(update.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.update(update, table: table, evaluator: evaluator)
        case .delete(let delete):
            let table = try CQLBindAnalysis.resolve(delete.table, keyspace: keyspace, catalog: catalog)
            try checkWritable(table, catalog: catalog)
            write = try CQLWrite.delete(delete, table: table, evaluator: evaluator)
        case .batch(let batch):
            var writes: [CQLWrite] = []
            for inner in batch.statements {
                writes += try batchWrites(inner, bound: bound, keyspace: keyspace, catalog: catalog)
            }
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

    /// Applies the writes in one IMMEDIATE transaction.
    func applyBatch(_ writes: [CQLWrite]) async throws -> CQLEngineResult {
        guard !writes.isEmpty else { return .void }
        // SQL and arguments are built here, concurrently with other requests; the writer only runs them.
        let plans = try writes.map { try $0.plan() }
        try await writeTransaction { db in
            for (write, plan) in zip(writes, plans) {
                if let plan {
                    for statement in plan {
                        try db.cachedStatement(sql: statement.sql).execute(arguments: statement.arguments)
                    }
                } else {
                    try write.apply(db)
                }
            }
        }
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
        let outcome: (Bool, [CQLColumnSpec], [CQLValue]) = try await writeTransaction { db in
            let current = try write.currentRow(key, db)
            switch write.conditions {
            case .none:
                try write.apply(db)
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
            try write.apply(db)
            return (true, [], [])
        }
        return .rows(columns: [applied] + outcome.1, rows: [[.boolean(outcome.0)] + outcome.2], pagingState: nil)
    }
}
