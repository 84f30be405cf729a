import CRdKafka

extension KafkaLogError.LibrdkafkaError {
    /// librdkafka's name and description of `error`, or `message` when librdkafka gave a more specific one.
    init(_ error: rd_kafka_resp_err_t, message: String? = nil) {
        self.init(
            code: error.rawValue,
            name: String(cString: rd_kafka_err2name(error)),
            message: message.flatMap { $0.isEmpty ? nil : $0 } ?? String(cString: rd_kafka_err2str(error))
        )
    }
}

extension KafkaLogError {
    /// An error carrying what librdkafka reported.
    init(
        _ code: Code,
        _ message: String,
        topicPartition: String? = nil,
        rdkafka error: rd_kafka_resp_err_t,
        detail: String? = nil
    ) {
        self.init(
            code,
            message,
            topicPartition: topicPartition,
            librdkafka: LibrdkafkaError(error, message: detail)
        )
    }

    /// An error from librdkafka's `rd_kafka_error_t`, which this destroys.
    init(_ code: Code, _ message: String, topicPartition: String? = nil, consuming error: OpaquePointer) {
        let rdError = rd_kafka_error_code(error)
        let detail = rd_kafka_error_string(error).map { String(cString: $0) }
        rd_kafka_error_destroy(error)
        self.init(code, message, topicPartition: topicPartition, rdkafka: rdError, detail: detail)
    }

    /// The code of a KafkaLogError for a librdkafka error met while doing `fallback`'s job: unknown topic and
    /// partition and timeouts get their own codes.
    static func code(for error: rd_kafka_resp_err_t, fallback: Code) -> Code {
        switch error {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
            return .unknownTopic
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            return .unknownPartition
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            return .timedOut
        default:
            return fallback
        }
    }
}

extension rd_kafka_resp_err_t {
    static var noError: rd_kafka_resp_err_t { RD_KAFKA_RESP_ERR_NO_ERROR }
}
