import CRdKafka
import Dispatch
import Logging
import Synchronization
import UserStreamCore

/// The log's producer: one idempotent librdkafka producer, a dedicated thread serving its delivery reports, and the
/// topic handles it produced to.
///
/// `produce` hands every record to librdkafka (`rd_kafka_producev`, which only enqueues; librdkafka batches per
/// partition with `linger.ms`) and then waits once for all their delivery reports.
final class KafkaProducer: Sendable {
    let client: KafkaClient
    private let logger: Logger
    private let topics = Mutex<[String: KafkaTopicHandle]>([:])
    /// `produce` calls under way, and whether close began (no new calls then): the handle lives until they return.
    private let calls = Mutex<(active: Int, closing: Bool)>((0, false))
    /// Mirrors `calls.closing`, read once per record.
    private let closing = Atomic<Bool>(false)
    private let polling = Atomic<Bool>(true)
    private let pollerStopped = DispatchSemaphore(value: 0)

    init(configuration: KafkaLogConfiguration, logger: Logger) throws(KafkaLogError) {
        self.client = try KafkaClient.make(configuration: configuration, role: .producer, logger: logger)
        self.logger = logger
        // The poll thread: serves delivery reports (and error/log events) as they come. A dispatch work item that
        // never returns until close, so it is a thread of its own, never one of the cooperative pool.
        // It keeps the producer alive until `closeBlocking` stops it.
        DispatchQueue(label: "userstream.kafka.producer-poll").async { [self] in
            while polling.load(ordering: .relaxed) {
                rd_kafka_poll(client.handle, 100)
            }
            pollerStopped.signal()
        }
    }

    private func topicHandle(_ topic: String) throws(KafkaLogError) -> KafkaTopicHandle {
        try topics.withLock { topics throws(KafkaLogError) -> KafkaTopicHandle in
            if let handle = topics[topic] { return handle }
            guard let pointer = rd_kafka_topic_new(client.handle, topic, nil) else {
                let error = rd_kafka_last_error()
                throw KafkaLogError(
                    .invalidArgument,
                    "cannot make a topic handle for \(topic)",
                    topicPartition: topic,
                    rdkafka: error
                )
            }
            let handle = KafkaTopicHandle(pointer: pointer)
            topics[topic] = handle
            return handle
        }
    }

    /// Enqueues every record, then waits for all delivery reports. When librdkafka's queue is full the call waits for
    /// room (without blocking a thread). Records enqueued before a record librdkafka refuses are still waited for,
    /// then the refusal is thrown.
    ///
    /// - Throws: ``KafkaLogError`` `.deliveryFailed` naming the topic, partition(s) and librdkafka error when any
    ///   delivery report carries an error; `.enqueueFailed` / `.unknownPartition` when librdkafka refuses a record.
    func produce(_ records: [LogRecord], to topic: String) async throws(KafkaLogError) {
        guard !records.isEmpty else { return }
        try calls.withLock { calls throws(KafkaLogError) in
            guard !calls.closing else { throw KafkaLogError(.closed, "the log is closed", topicPartition: topic) }
            calls.active += 1
        }
        defer { calls.withLock { $0.active -= 1 } }
        try client.checkFatal()
        let rkt = try topicHandle(topic)
        let tracker = DeliveryTracker(topic: topic)
        var refusal: KafkaLogError?
        var index = 0
        while index < records.count {
            if closing.load(ordering: .relaxed) {
                refusal = KafkaLogError(
                    .closed,
                    "the log closed before records \(index)..<\(records.count) were enqueued",
                    topicPartition: topic
                )
                break
            }
            let error = enqueue(records[index], rkt: rkt, tracker: tracker)
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                index += 1
            } else if error == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                // The poll thread drains delivery reports, which makes room.
                try? await Task.sleep(for: .milliseconds(2))
            } else {
                let partition = records[index].partition.map { "\(topic)-\($0)" } ?? topic
                refusal = KafkaLogError(
                    KafkaLogError.code(for: error, fallback: .enqueueFailed),
                    "librdkafka refused record \(index) of \(records.count) for \(partition)",
                    topicPartition: partition,
                    rdkafka: error
                )
                break
            }
        }
        try await tracker.waitForReports()
        if let refusal { throw refusal }
    }

    private func enqueue(_ record: LogRecord, rkt: KafkaTopicHandle, tracker: DeliveryTracker) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer? = nil
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                var name = header.key
                name.withUTF8 { name in
                    name.withMemoryRebound(to: CChar.self) { name in
                        if let value = header.value {
                            _ = value.withUnsafeBytes { value in
                                userstream_rd_kafka_header_add(
                                    headers,
                                    name.baseAddress,
                                    name.count,
                                    value.baseAddress,
                                    value.count,
                                    0
                                )
                            }
                        } else {
                            _ = userstream_rd_kafka_header_add(headers, name.baseAddress, name.count, nil, 0, 1)
                        }
                    }
                }
            }
        }
        let opaque = Unmanaged.passRetained(tracker)
        tracker.willEnqueue()
        let partition = record.partition ?? RD_KAFKA_PARTITION_UA
        let error = Self.withBytes(record.key) { key, keyCount, keyIsNull in
            Self.withBytes(record.value) { value, valueCount, valueIsNull in
                userstream_rd_kafka_produce(
                    client.handle,
                    rkt.pointer,
                    partition,
                    key,
                    keyCount,
                    keyIsNull,
                    value,
                    valueCount,
                    valueIsNull,
                    record.timestamp,
                    headers,
                    opaque.toOpaque()
                )
            }
        }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            // Not enqueued: no report will come, and the headers are still ours.
            tracker.didNotEnqueue()
            opaque.release()
            if let headers { rd_kafka_headers_destroy(headers) }
        }
        return error
    }

    private static func withBytes<Result>(
        _ bytes: [UInt8]?,
        _ body: (UnsafeRawPointer?, Int, Int32) -> Result
    ) -> Result {
        guard let bytes else { return body(nil, 0, 1) }
        return bytes.withUnsafeBytes { body($0.baseAddress, $0.count, 0) }
    }

    /// Waits up to `timeout` for records in flight, purges what is left (their `produce` calls fail with
    /// `_PURGE_QUEUE`/`_PURGE_INFLIGHT`), stops the poll thread and destroys the producer. Blocking: call it off the
    /// cooperative pool. Returns the number of records purged.
    func closeBlocking(timeout: Duration) -> Int32 {
        calls.withLock { $0.closing = true }
        closing.store(true, ordering: .relaxed)
        var flushError = rd_kafka_flush(client.handle, KafkaLogConfiguration.timeoutMilliseconds(timeout))
        var purged: Int32 = 0
        if flushError != RD_KAFKA_RESP_ERR_NO_ERROR {
            purged = rd_kafka_outq_len(client.handle)
            logger.warning(
                "kafka.producer_flush_timeout",
                metadata: [
                    "kafka.in_flight": "\(purged)", "kafka.error": "\(KafkaLogError.LibrdkafkaError(flushError))",
                ]
            )
            rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Serves the purged records' reports, so waiting produce calls return.
            flushError = rd_kafka_flush(client.handle, 1000)
        }
        // Calls under way return once their reports are in (all of them are, after the flush or purge).
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while calls.withLock({ $0.active }) > 0 && clock.now < deadline {
            // A record enqueued while the close began is purged too.
            rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(client.handle, 10)
        }
        polling.store(false, ordering: .relaxed)
        pollerStopped.wait()
        rd_kafka_poll(client.handle, 0)
        let handles = topics.withLock { topics in
            defer { topics = [:] }
            return Array(topics.values)
        }
        for handle in handles { rd_kafka_topic_destroy(handle.pointer) }
        client.destroy()
        return purged
    }
}
