import CRdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks reach through the client's opaque pointer: the logger, and for a consumer the handler of
/// rebalances. Retained by the ``KafkaClient`` for as long as the `rd_kafka_t` lives.
final class KafkaClientContext: Sendable {
    let logger: Logger
    /// Called on the thread polling the consumer (inside `rd_kafka_consumer_poll`/`rd_kafka_consumer_close`).
    let rebalanceHandler: Mutex<RebalanceHandler?> = Mutex(nil)
    /// The first fatal error librdkafka reported (the client cannot continue after it).
    let fatalError: Mutex<KafkaLogError?> = Mutex(nil)

    struct RebalanceHandler: Sendable {
        weak var consumer: KafkaLogConsumer?
    }

    init(logger: Logger) {
        self.logger = logger
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> KafkaClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

// MARK: - C callbacks (they capture nothing: the context comes from the client's opaque pointer)

/// librdkafka's log lines into swift-log: syslog levels 0–4 (emergency … warning) as warnings, 5–6 (notice, info)
/// as info, 7 (debug, only with the `debug` property) as debug.
let kafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    handle,
    level,
    facility,
    line in
    guard let handle, let context = KafkaClientContext.from(rd_kafka_opaque(handle)) else { return }
    let logLevel: Logger.Level =
        switch level {
        case ...4: .warning
        case 5...6: .info
        default: .debug
        }
    guard context.logger.logLevel <= logLevel else { return }
    context.logger.log(
        level: logLevel,
        "kafka.librdkafka",
        metadata: [
            "kafka.client": "\(String(cString: rd_kafka_name(handle)))",
            "kafka.facility": "\(facility.map { String(cString: $0) } ?? "")",
            "kafka.message": "\(line.map { String(cString: $0) } ?? "")",
        ]
    )
}

/// Client-level errors (connection failures, all brokers down, fatal errors). librdkafka retries the non-fatal ones
/// by itself; a fatal one is kept so the next operation can throw it.
let kafkaErrorCallback:
    @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void =
        { handle, code, reason, opaque in
            guard let context = KafkaClientContext.from(opaque) else { return }
            var error = rd_kafka_resp_err_t(rawValue: code)
            var detail = reason.map { String(cString: $0) } ?? ""
            if error == RD_KAFKA_RESP_ERR__FATAL, let handle {
                var buffer = [CChar](repeating: 0, count: 512)
                error = rd_kafka_fatal_error(handle, &buffer, buffer.count)
                detail = String(
                    decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) },
                    as: UTF8.self
                )
                let fatal = KafkaLogError(.consumerFailed, "librdkafka fatal error", rdkafka: error, detail: detail)
                context.fatalError.withLock { $0 = $0 ?? fatal }
                context.logger.error("kafka.fatal_error", metadata: ["kafka.error": "\(fatal)"])
                return
            }
            context.logger.warning(
                "kafka.client_error",
                metadata: [
                    "kafka.error": "\(String(cString: rd_kafka_err2name(error)))",
                    "kafka.reason": "\(detail)",
                ]
            )
        }

/// Rebalances of a consumer, handed to its ``KafkaLogConsumer``.
let kafkaRebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { handle, error, partitions, opaque in
        guard let handle else { return }
        let consumer = KafkaClientContext.from(opaque)?.rebalanceHandler.withLock { $0?.consumer }
        guard let consumer else {
            // No live consumer object (it is being destroyed): give everything up.
            rd_kafka_assign(handle, nil)
            return
        }
        consumer.handleRebalance(error, partitions: partitions)
    }
