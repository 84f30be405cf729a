import CRdKafka
import Synchronization

/// Waits for the delivery reports of the records of one `produce` call: counts records handed to librdkafka and
/// reports received, keeps the failures, and resumes the waiting call once every enqueued record has its report.
///
/// Every enqueued record carries a retained reference to its tracker as librdkafka's per-message opaque; the delivery
/// report callback (on the producer's poll thread) takes it back.
final class DeliveryTracker: Sendable {
    let topic: String

    struct Failure: Hashable, Sendable {
        var partition: Int32
        var error: KafkaLogError.LibrdkafkaError
    }

    private struct State {
        var outstanding = 0
        var delivered = 0
        var failed = 0
        var firstFailures: [Failure] = []
        var sealed = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init(topic: String) {
        self.topic = topic
    }

    /// Before handing a record to librdkafka (its report may arrive before `rd_kafka_producev` returns).
    func willEnqueue() {
        state.withLock { $0.outstanding += 1 }
    }

    /// librdkafka refused the record: no report will come for it.
    func didNotEnqueue() {
        state.withLock { $0.outstanding -= 1 }
    }

    /// A delivery report. Called on the producer's poll thread.
    func report(partition: Int32, error: rd_kafka_resp_err_t) {
        let failure: Failure? =
            error == RD_KAFKA_RESP_ERR_NO_ERROR
            ? nil : Failure(partition: partition, error: KafkaLogError.LibrdkafkaError(error))
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.outstanding -= 1
            if let failure {
                state.failed += 1
                if state.firstFailures.count < 3 { state.firstFailures.append(failure) }
            } else {
                state.delivered += 1
            }
            guard state.sealed, state.outstanding == 0 else { return nil }
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume()
    }

    /// Waits until every enqueued record has its report (bounded by librdkafka's `message.timeout.ms`), then throws
    /// ``KafkaLogError/Code/deliveryFailed`` if any failed.
    func waitForReports() async throws(KafkaLogError) {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                state.sealed = true
                if state.outstanding == 0 { return true }
                state.continuation = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        let (delivered, failed, failures) = state.withLock { ($0.delivered, $0.failed, $0.firstFailures) }
        guard let first = failures.first else { return }
        let partitions = Set(failures.map(\.partition)).sorted().map { $0 < 0 ? "unassigned" : "\($0)" }
        throw KafkaLogError(
            .deliveryFailed,
            "\(failed) of \(failed + delivered) records to topic \(topic) failed delivery (partitions "
                + "\(partitions.joined(separator: ", "))): \(first.error.name): \(first.error.message)",
            topicPartition: first.partition < 0 ? topic : "\(topic)-\(first.partition)",
            librdkafka: first.error
        )
    }

    /// Counts so far, for tests and errors.
    var counts: (outstanding: Int, delivered: Int, failed: Int) {
        state.withLock { ($0.outstanding, $0.delivered, $0.failed) }
    }
}

/// Delivery reports of the log's producer: the message's opaque is a retained ``DeliveryTracker``.
let kafkaDeliveryReportCallback:
    @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
        _,
        message,
        _ in
        guard let message, let opaque = message.pointee._private else { return }
        let tracker = Unmanaged<DeliveryTracker>.fromOpaque(opaque).takeRetainedValue()
        tracker.report(partition: message.pointee.partition, error: message.pointee.err)
    }
