import GRDB
import Synchronization

/// Group commit for the engine's writes: concurrent statements share one SQLite transaction, hence one fsync.
///
/// A writer enqueues its work, then asks GRDB's writer (which runs one block at a time) to drain the queue. The first
/// block to run takes everything queued at that moment — its own work and whatever other connections queued meanwhile —
/// and runs each piece in its own savepoint inside one IMMEDIATE transaction, so a failing statement rolls back alone.
/// Later blocks find their work already done and return. A writer's result is therefore known when its block
/// returns, and it is durable: it is only reported after the transaction committed.
final class CQLGroupCommit: Sendable {
    final class Work: Sendable {
        let body: @Sendable (Database) throws -> any Sendable
        let result = Mutex<Result<any Sendable, any Error>?>(nil)

        init(_ body: @escaping @Sendable (Database) throws -> any Sendable) { self.body = body }
    }

    private let queue = Mutex<[Work]>([])

    func write<T: Sendable>(
        _ database: DatabasePool,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let work = Work { db in try body(db) }
        queue.withLock { $0.append(work) }
        try await database.writeWithoutTransaction { db in
            let batch = self.queue.withLock { queue -> [Work] in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            guard !batch.isEmpty else { return }
            var outcomes: [Result<any Sendable, any Error>] = []
            outcomes.reserveCapacity(batch.count)
            do {
                try db.inTransaction(.immediate) {
                    for work in batch {
                        do {
                            var value: (any Sendable)?
                            try db.inSavepoint {
                                value = try work.body(db)
                                return .commit
                            }
                            outcomes.append(.success(value!))
                        } catch {
                            outcomes.append(.failure(error))
                        }
                    }
                    return .commit
                }
            } catch {
                // The commit itself failed: nothing of the batch is stored.
                outcomes = batch.map { _ in .failure(error) }
            }
            for (work, outcome) in zip(batch, outcomes) {
                work.result.withLock { $0 = outcome }
            }
        }
        guard let result = work.result.withLock({ $0 }) else {
            throw CQLEngineError.server("a write was lost by the group commit")
        }
        return try result.get() as! T
    }
}
