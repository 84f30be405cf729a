import Logging
import Synchronization
import UserStreamCore

/// The embedded log's consumer: the only member of its group, assigned every partition of its topics.
///
/// `poll` reads partitions round-robin (each poll starts one partition further, and each partition gets a fair
/// share of `maxRecords` before the rest is filled), and waits for appends without polling the disk. Whole batches
/// are decoded once (compressed ones decompressed first, to at most `maxDecompressedBatchBytes`); records beyond
/// `maxRecords` wait in memory for the next poll. Calls to `poll` on one consumer are expected one at a time.
final class EmbeddedLogConsumer: LogConsumer {
    private let log: EmbeddedLog
    let group: String
    private let partitions: [PartitionLog]
    private let state: Mutex<State>

    private struct State {
        /// Where the next read from the log starts, per partition.
        var fetchPositions: [Int64]
        /// Records decoded from whole batches but not returned yet, per partition.
        var buffered: [ArraySlice<ConsumedRecord>]
        var cursor = 0
        var closed = false
    }

    init(log: EmbeddedLog, group: String, partitions: [PartitionLog], positions: [Int64]) {
        self.log = log
        self.group = group
        self.partitions = partitions
        self.state = Mutex(
            State(fetchPositions: positions, buffered: Array(repeating: [], count: partitions.count))
        )
    }

    func poll(maxRecords: Int, timeout: Duration) async throws -> [ConsumedRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let generation = log.notifier.generation
            let records = try readAvailable(maxRecords: maxRecords)
            if !records.isEmpty || maxRecords <= 0 || log.isClosed { return records }
            let now = clock.now
            if now >= deadline { return [] }
            await log.notifier.wait(after: generation, timeout: deadline - now)
            try Task.checkCancellation()
        }
    }

    private func readAvailable(maxRecords: Int) throws -> [ConsumedRecord] {
        // Taken out of the lock for the reads (polls on one consumer are not concurrent), put back after.
        var (fetchPositions, buffered, cursor) = try state.withLock { state throws(EmbeddedLogError) in
            guard !state.closed else { throw EmbeddedLogError(.closed, "the consumer of group \(group) is closed") }
            let cursor = state.cursor
            state.cursor = partitions.isEmpty ? 0 : (cursor + 1) % partitions.count
            defer { state.buffered = [] }
            return (state.fetchPositions, state.buffered, cursor)
        }
        defer {
            state.withLock { state in
                state.fetchPositions = fetchPositions
                state.buffered = buffered
            }
        }
        guard !partitions.isEmpty, maxRecords > 0 else { return [] }
        var records: [ConsumedRecord] = []
        let count = partitions.count
        let share = max(1, (maxRecords + count - 1) / count)
        passes: for pass in 0..<2 {
            for step in 0..<count {
                let remaining = maxRecords - records.count
                if remaining == 0 { break passes }
                let index = (cursor + step) % count
                let limit = pass == 0 ? min(share, remaining) : remaining
                if buffered[index].isEmpty {
                    let partition = partitions[index]
                    guard fetchPositions[index] < partition.highWatermark else { continue }
                    let (read, next) = try partition.read(from: fetchPositions[index], maxRecords: limit)
                    buffered[index] = read[...]
                    fetchPositions[index] = next
                }
                let taken = buffered[index].prefix(limit)
                records += taken
                buffered[index] = buffered[index].dropFirst(taken.count)
            }
        }
        return records
    }

    func commit(_ offsets: [TopicPartition: Int64]) async throws {
        try await log.commit(group: group, offsets: offsets)
    }

    func assignment() async -> [TopicPartition] {
        partitions.map(\.topicPartition)
    }

    func positions() async -> [TopicPartition: Int64] {
        state.withLock { state in
            var result: [TopicPartition: Int64] = [:]
            for (index, partition) in partitions.enumerated() {
                result[partition.topicPartition] = state.buffered[index].first?.offset ?? state.fetchPositions[index]
            }
            return result
        }
    }

    func close() async throws {
        state.withLock { $0.closed = true }
    }
}
