import EmbeddedLog
import KafkaWire
import NIOCore
import UserStreamCore

extension KafkaRequestHandler {
    /// Produce: each partition's batches are checked (framing, CRC-32C, size, codec) and stored byte-for-byte;
    /// partitions of one request are appended concurrently so their fsyncs overlap.
    func produce(_ request: ProduceRequest, version: Int16) async -> ProduceResponse {
        guard [-1, 0, 1].contains(request.acks) else {
            return ProduceResponse(
                responses: request.topicData.map { topic in
                    ProduceResponse.TopicProduceResponse(
                        name: topic.name,
                        partitionResponses: topic.partitionData.map {
                            partitionResponse($0.index, error: .invalidRequiredAcks)
                        }
                    )
                },
                throttleTimeMs: 0
            )
        }
        let known = (try? log.topicPartitionCounts()) ?? [:]
        var jobs: [(topic: Int, partition: Int, TopicPartition, ByteBuffer?)] = []
        for (topicIndex, topic) in request.topicData.enumerated() {
            for (partitionIndex, partition) in topic.partitionData.enumerated() {
                jobs.append(
                    (
                        topicIndex, partitionIndex, TopicPartition(topic: topic.name, partition: partition.index),
                        partition.records
                    )
                )
            }
        }
        var results = [ProduceResponse.PartitionProduceResponse?](repeating: nil, count: jobs.count)
        if jobs.count == 1 {
            let job = jobs[0]
            results[0] = await append(job.3, to: job.2, partitions: known[job.2.topic])
        } else {
            await withTaskGroup(of: (Int, ProduceResponse.PartitionProduceResponse).self) { group in
                for (index, job) in jobs.enumerated() {
                    group.addTask { (index, await self.append(job.3, to: job.2, partitions: known[job.2.topic])) }
                }
                for await (index, result) in group { results[index] = result }
            }
        }
        var responses: [ProduceResponse.TopicProduceResponse] = request.topicData.map {
            ProduceResponse.TopicProduceResponse(name: $0.name, partitionResponses: [])
        }
        for (index, job) in jobs.enumerated() {
            responses[job.topic].partitionResponses.append(results[index]!)
        }
        return ProduceResponse(responses: responses, throttleTimeMs: 0)
    }

    private func partitionResponse(
        _ index: Int32,
        error: KafkaErrorCode,
        baseOffset: Int64 = -1,
        logStartOffset: Int64 = -1,
        message: String? = nil
    ) -> ProduceResponse.PartitionProduceResponse {
        if let message {
            logger.info("kafka.produce_refused", metadata: ["kafka.error": "\(error)", "kafka.reason": "\(message)"])
        }
        return ProduceResponse.PartitionProduceResponse(
            index: index,
            errorCode: error,
            baseOffset: baseOffset,
            logAppendTimeMs: -1,
            logStartOffset: logStartOffset
        )
    }

    private func append(
        _ records: ByteBuffer?,
        to topicPartition: TopicPartition,
        partitions: Int?
    ) async -> ProduceResponse.PartitionProduceResponse {
        let index = topicPartition.partition
        guard let partitions, index >= 0, index < partitions else {
            return partitionResponse(index, error: .unknownTopicOrPartition)
        }
        guard let records, records.readableBytes > 0 else {
            return partitionResponse(index, error: .invalidRecord, message: "no record batch")
        }
        let producer: ProducerBatchInfo?
        do {
            producer = try ProducerBatchInfo(records)
        } catch {
            return partitionResponse(index, error: .corruptMessage, message: error.message)
        }
        if let producer, producer.compression > 4 {
            return partitionResponse(
                index,
                error: .unsupportedCompressionType,
                message: "compression type \(producer.compression) is not one of none, gzip, snappy, lz4, zstd"
            )
        }
        var key: ProducerStateTable.Key?
        if let producer, producer.producerId >= 0 {
            let stateKey = ProducerStateTable.Key(producerId: producer.producerId, partition: topicPartition)
            switch producers.check(
                stateKey,
                epoch: producer.epoch,
                firstSequence: producer.firstSequence,
                lastSequence: producer.lastSequence
            ) {
            case .append:
                key = stateKey
            case .duplicate(let baseOffset):
                let start = (try? log.offsetRange(of: topicPartition).earliest) ?? -1
                return partitionResponse(index, error: .none, baseOffset: baseOffset, logStartOffset: start)
            case .outOfOrder(let expected):
                return partitionResponse(
                    index,
                    error: .outOfOrderSequenceNumber,
                    message: "expected sequence \(expected), got \(producer.firstSequence)"
                )
            case .fencedEpoch(let current):
                return partitionResponse(
                    index,
                    error: .invalidProducerEpoch,
                    message: "producer epoch \(producer.epoch) is older than \(current)"
                )
            }
        }
        do {
            let result = try await log.appendRawBatches(records, to: topicPartition)
            if let key, let producer {
                producers.record(
                    key,
                    epoch: producer.epoch,
                    firstSequence: producer.firstSequence,
                    lastSequence: producer.lastSequence,
                    baseOffset: result.baseOffset
                )
            }
            return partitionResponse(
                index,
                error: .none,
                baseOffset: result.baseOffset,
                logStartOffset: result.logStartOffset
            )
        } catch {
            logger.info(
                "kafka.produce_rejected",
                metadata: ["kafka.partition": "\(topicPartition)", "error": "\(error)"]
            )
            return partitionResponse(index, error: Self.errorCode(for: error), message: "\(error)")
        }
    }
}

/// The producer fields of the batches of one partition of a Produce request, read from the batch headers without
/// parsing the records.
struct ProducerBatchInfo {
    var producerId: Int64
    var epoch: Int16
    var firstSequence: Int32
    var lastSequence: Int32
    /// The highest compression codec id among the batches.
    var compression: Int

    /// - Returns: `nil` when there is no whole batch header (the log's own checks then reject the data).
    init?(_ records: ByteBuffer) throws(KafkaWireError) {
        typealias Layout = KafkaRecordBatch.Layout
        var position = records.readerIndex
        let end = records.writerIndex
        var first: (Int64, Int16, Int32)?
        var last: Int32 = 0
        var compression = 0
        while end - position >= Layout.headerSize {
            guard let length = records.getInteger(at: position + Layout.batchLength, as: Int32.self), length > 0
            else { throw KafkaWireError(.malformed, "batch length is not positive") }
            let producerId = records.getInteger(at: position + Layout.producerId, as: Int64.self)!
            let epoch = records.getInteger(at: position + Layout.producerEpoch, as: Int16.self)!
            let sequence = records.getInteger(at: position + Layout.baseSequence, as: Int32.self)!
            let lastDelta = records.getInteger(at: position + Layout.lastOffsetDelta, as: Int32.self)!
            let attributes = records.getInteger(at: position + Layout.attributes, as: Int16.self)!
            compression = max(compression, Int(attributes & 0x07))
            if first == nil { first = (producerId, epoch, sequence) }
            last = sequence &+ lastDelta
            position += Layout.logOverhead + Int(length)
        }
        guard let first else { return nil }
        self.producerId = first.0
        self.epoch = first.1
        self.firstSequence = first.2
        self.lastSequence = last
        self.compression = compression
    }
}
