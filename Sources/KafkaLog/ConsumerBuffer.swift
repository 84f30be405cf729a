import UserStreamCore

/// Records a consumer drained from librdkafka but did not return yet, per partition, handed out fairly: each
/// `take` starts one partition further round the partitions that have records, and gives every partition its share
/// of `maxRecords` before filling the rest. Offset order is kept within a partition.
struct ConsumerBuffer: Sendable {
    private struct Queue: Sendable {
        var records: [ConsumedRecord] = []
        var head = 0
        var count: Int { records.count - head }
    }

    private var queues: [TopicPartition: Queue] = [:]
    /// Partitions with records, in the order they first got some.
    private var order: [TopicPartition] = []
    private var cursor = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ record: ConsumedRecord) {
        let topicPartition = record.topicPartition
        if queues[topicPartition] == nil {
            queues[topicPartition] = Queue()
            order.append(topicPartition)
        }
        queues[topicPartition]!.records.append(record)
        count += 1
    }

    /// The offset of the next record of a partition, if one is buffered.
    func nextOffset(of topicPartition: TopicPartition) -> Int64? {
        guard let queue = queues[topicPartition], queue.count > 0 else { return nil }
        return queue.records[queue.head].offset
    }

    /// Drops the records of partitions no longer assigned.
    mutating func remove(_ partitions: some Sequence<TopicPartition>) {
        for partition in partitions {
            guard let queue = queues.removeValue(forKey: partition) else { continue }
            count -= queue.count
            order.removeAll { $0 == partition }
        }
        if order.isEmpty { cursor = 0 }
    }

    mutating func removeAll() {
        queues = [:]
        order = []
        cursor = 0
        count = 0
    }

    /// Up to `maxRecords` records, in offset order per partition.
    mutating func take(maxRecords: Int) -> [ConsumedRecord] {
        guard maxRecords > 0, count > 0 else { return [] }
        var result: [ConsumedRecord] = []
        result.reserveCapacity(min(maxRecords, count))
        let partitions = order.count
        let start = cursor % partitions
        let share = max(1, (maxRecords + partitions - 1) / partitions)
        passes: for pass in 0..<2 {
            for step in 0..<partitions {
                let remaining = maxRecords - result.count
                if remaining == 0 { break passes }
                let topicPartition = order[(start + step) % partitions]
                let limit = pass == 0 ? min(share, remaining) : remaining
                var queue = queues.removeValue(forKey: topicPartition)!
                let taken = min(limit, queue.count)
                result += queue.records[queue.head..<(queue.head + taken)]
                queue.head += taken
                if queue.head > 1024 && queue.head * 2 > queue.records.count {
                    queue.records.removeFirst(queue.head)
                    queue.head = 0
                }
                queues[topicPartition] = queue
            }
        }
        count -= result.count
        // Empty partitions leave the rotation; the next take starts one partition further.
        let emptied = order.filter { queues[$0]!.count == 0 }
        for partition in emptied { queues[partition] = nil }
        order.removeAll { emptied.contains($0) }
        cursor = order.isEmpty ? 0 : (start + 1) % order.count
        return result
    }
}
