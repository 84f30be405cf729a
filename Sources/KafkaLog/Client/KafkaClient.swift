import CRdKafka
import Logging
import Synchronization

/// Owns one librdkafka client (`rd_kafka_t`) and the context its callbacks reach.
///
/// `@unchecked Sendable`: the handle is an opaque pointer that librdkafka documents as thread-safe for every call this
/// package makes on it; the only mutable state (whether it was destroyed) is atomic, and `destroy` runs once.
final class KafkaClient: @unchecked Sendable {
    /// The `rd_kafka_t *`. Valid until ``destroy(closingConsumer:)``.
    let handle: OpaquePointer
    let context: KafkaClientContext
    let role: KafkaClientRole
    /// librdkafka's name of the client, e.g. `userstream#producer-1`.
    let name: String
    private let destroyed = Atomic<Bool>(false)
    private let retainedContext: Unmanaged<KafkaClientContext>

    private init(handle: OpaquePointer, context: Unmanaged<KafkaClientContext>, role: KafkaClientRole) {
        self.handle = handle
        self.retainedContext = context
        self.context = context.takeUnretainedValue()
        self.role = role
        self.name = String(cString: rd_kafka_name(handle))
    }

    /// Creates a client in `role` from the configuration's librdkafka properties. A consumer gets the rebalance
    /// callback and its main queue forwarded to the consumer queue (so `rd_kafka_consumer_poll` serves everything).
    static func make(
        configuration: KafkaLogConfiguration,
        role: KafkaClientRole,
        logger: Logger
    ) throws(KafkaLogError) -> KafkaClient {
        let properties = configuration.librdkafkaProperties(for: role)
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaLogError(.clientCreation, "rd_kafka_conf_new failed")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key]!
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let shown = KafkaLogConfiguration.secretProperties.contains(key) ? "<redacted>" : value
                throw KafkaLogError(
                    .invalidConfiguration,
                    "librdkafka refused property \(key)=\(shown): \(Self.text(errorText))"
                )
            }
        }
        let context = Unmanaged.passRetained(KafkaClientContext(logger: logger))
        rd_kafka_conf_set_opaque(conf, context.toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        let type: rd_kafka_type_t
        switch role {
        case .producer:
            type = RD_KAFKA_PRODUCER
            rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryReportCallback)
        case .admin:
            type = RD_KAFKA_PRODUCER
        case .consumer:
            type = RD_KAFKA_CONSUMER
            rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceCallback)
        }
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            // On failure the configuration still belongs to the caller.
            rd_kafka_conf_destroy(conf)
            context.release()
            throw KafkaLogError(.clientCreation, "rd_kafka_new failed: \(Self.text(errorText))")
        }
        if case .consumer = role {
            rd_kafka_poll_set_consumer(handle)
        }
        return KafkaClient(handle: handle, context: context, role: role)
    }

    /// Destroys the handle (once). A consumer that was subscribed should have been closed with
    /// `rd_kafka_consumer_close` first; `closingConsumer: false` skips the implicit close.
    func destroy(closingConsumer: Bool = true) {
        guard !destroyed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if closingConsumer {
            rd_kafka_destroy(handle)
        } else {
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        }
        retainedContext.release()
    }

    var isDestroyed: Bool { destroyed.load(ordering: .acquiring) }

    deinit {
        destroy(closingConsumer: false)
    }

    /// The fatal error librdkafka reported, if any.
    func checkFatal() throws(KafkaLogError) {
        if let fatal = context.fatalError.withLock({ $0 }) { throw fatal }
    }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An `rd_kafka_topic_t *`, owned by whoever holds it (released with `rd_kafka_topic_destroy`).
///
/// `@unchecked Sendable`: librdkafka topic handles are thread-safe and reference counted.
struct KafkaTopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
