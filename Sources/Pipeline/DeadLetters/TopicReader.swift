import UserStreamCore

/// Reads a topic from its earliest offsets up to the end offsets it had when the read started, through the `Log`
/// port (a consumer of a group of its own that never commits).
struct TopicReader {
    let log: any Log
    let topic: String
    let group: String
    /// How long a read may go without any progress before it fails.
    let stallTimeout: Duration

    struct Stalled: Error, CustomStringConvertible {
        var topic: String
        var stallTimeout: Duration
        var description: String {
            "reading \(topic) made no progress for \(stallTimeout); is the log reachable and the topic readable?"
        }
    }

    /// Hands every record of the topic below the end offsets at the start to `each`, in offset order per partition
    /// (partitions interleaved), without keeping them; nothing when the topic does not exist.
    func read(_ each: (ConsumedRecord) throws -> Void) async throws {
        guard try await log.partitionCount(of: topic) != nil else { return }
        let ranges = try await log.offsets(of: topic)
        var ends: [TopicPartition: Int64] = [:]
        for (partition, range) in ranges where range.end > range.earliest {
            ends[TopicPartition(topic: topic, partition: partition)] = range.end
        }
        if ends.isEmpty { return }
        let consumer = try await log.makeConsumer(group: group, topics: [topic]) { partitions in
            var starts: [TopicPartition: Int64] = [:]
            for partition in partitions {
                if let range = ranges[partition.partition] { starts[partition] = range.earliest }
            }
            return starts
        }
        do {
            let clock = ContinuousClock()
            var lastProgress = clock.now
            while true {
                try Task.checkCancellation()
                let polled = try await consumer.poll(maxRecords: 1000, timeout: .milliseconds(200))
                for record in polled {
                    if let end = ends[record.topicPartition], record.offset < end { try each(record) }
                }
                let positions = await consumer.positions()
                if ends.allSatisfy({ (positions[$0.key] ?? -1) >= $0.value }) { break }
                if !polled.isEmpty {
                    lastProgress = clock.now
                } else if clock.now - lastProgress > stallTimeout {
                    throw Stalled(topic: topic, stallTimeout: stallTimeout)
                }
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        try await consumer.close()
    }
}
