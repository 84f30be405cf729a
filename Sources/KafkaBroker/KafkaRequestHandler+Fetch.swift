import EmbeddedLog
import KafkaWire
import NIOCore
import UserStreamCore

extension KafkaRequestHandler {
    /// Fetch: stored batches as they are on disk (no re-encoding), from the batch holding the fetch offset, within
    /// the partition and response byte limits but always at least one batch (so a batch larger than the limits still
    /// makes progress, as in Kafka). Waits up to `maxWaitMs` for `minBytes` when there is not enough yet.
    func fetch(_ request: FetchRequest, version: Int16) async -> FetchResponse {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, min(request.maxWaitMs, 60_000))))
        let minBytes = Int(max(0, request.minBytes))
        while true {
            let generation = log.appendGeneration
            let (response, bytes, hasError) = readFetch(request)
            if bytes >= minBytes || hasError || ContinuousClock.now >= deadline || Task.isCancelled {
                return response
            }
            let remaining = deadline - ContinuousClock.now
            await log.waitForAppend(after: generation, timeout: remaining)
        }
    }

    private func readFetch(_ request: FetchRequest) -> (FetchResponse, bytes: Int, hasError: Bool) {
        let known = (try? log.topicPartitionCounts()) ?? [:]
        var budget = request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max)
        var total = 0
        var hasError = false
        var topics: [FetchResponse.FetchableTopicResponse] = []
        topics.reserveCapacity(request.topics.count)
        for topic in request.topics {
            var partitions: [FetchResponse.PartitionData] = []
            partitions.reserveCapacity(topic.partitions.count)
            for partition in topic.partitions {
                let topicPartition = TopicPartition(topic: topic.topic, partition: partition.partition)
                guard let count = known[topic.topic], partition.partition >= 0, partition.partition < count,
                    let range = try? log.offsetRange(of: topicPartition)
                else {
                    hasError = true
                    partitions.append(
                        FetchResponse.PartitionData(
                            partitionIndex: partition.partition,
                            errorCode: .unknownTopicOrPartition,
                            highWatermark: -1,
                            lastStableOffset: -1,
                            logStartOffset: -1,
                            abortedTransactions: nil,
                            preferredReadReplica: -1,
                            records: ByteBuffer()
                        )
                    )
                    continue
                }
                // Empty records, not null: librdkafka 2.0 refuses a null record set ("invalid MessageSetSize -1").
                var data = FetchResponse.PartitionData(
                    partitionIndex: partition.partition,
                    errorCode: .none,
                    highWatermark: range.end,
                    lastStableOffset: range.end,
                    logStartOffset: range.earliest,
                    abortedTransactions: nil,
                    preferredReadReplica: -1,
                    records: ByteBuffer()
                )
                if partition.fetchOffset < range.earliest || partition.fetchOffset > range.end {
                    hasError = true
                    data.errorCode = .offsetOutOfRange
                } else if partition.fetchOffset < range.end {
                    // At least one batch for the first partition with data, even beyond the limits.
                    let limit = max(1, min(Int(max(0, partition.partitionMaxBytes)), budget))
                    do {
                        let records = try log.readRawBatches(
                            from: topicPartition,
                            offset: partition.fetchOffset,
                            maxBytes: total == 0 ? limit : min(limit, budget)
                        )
                        if records.readableBytes > 0 && (total == 0 || records.readableBytes <= budget) {
                            data.records = records
                            total += records.readableBytes
                            budget -= min(budget, records.readableBytes)
                        }
                    } catch {
                        hasError = true
                        data.errorCode = Self.errorCode(for: error)
                    }
                }
                partitions.append(data)
            }
            topics.append(FetchResponse.FetchableTopicResponse(topic: topic.topic, partitions: partitions))
        }
        let response = FetchResponse(throttleTimeMs: 0, errorCode: .none, sessionId: 0, responses: topics)
        return (response, total, hasError)
    }
}
