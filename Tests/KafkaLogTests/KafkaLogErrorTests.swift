import CRdKafka
import Logging
import Testing

@testable import KafkaLog

@Suite("KafkaLogError: librdkafka errors")
struct KafkaLogErrorTests {
    @Test func librdkafkaNamesAndMessages() {
        let timedOut = KafkaLogError.LibrdkafkaError(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        #expect(timedOut.name == "_MSG_TIMED_OUT")
        #expect(timedOut.code == -192)
        #expect(!timedOut.message.isEmpty)

        let unknown = KafkaLogError.LibrdkafkaError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, message: "no such topic")
        #expect(unknown.name == "UNKNOWN_TOPIC_OR_PART")
        #expect(unknown.code == 3)
        #expect(unknown.message == "no such topic")
    }

    @Test func codesForLibrdkafkaErrors() {
        #expect(
            KafkaLogError.code(for: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, fallback: .metadataFailed) == .unknownTopic
        )
        #expect(
            KafkaLogError.code(for: RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, fallback: .enqueueFailed) == .unknownPartition
        )
        #expect(KafkaLogError.code(for: RD_KAFKA_RESP_ERR__TIMED_OUT, fallback: .offsetsFailed) == .timedOut)
        #expect(KafkaLogError.code(for: RD_KAFKA_RESP_ERR_NOT_COORDINATOR, fallback: .commitFailed) == .commitFailed)
    }

    @Test func descriptionNamesEverything() {
        let error = KafkaLogError(
            .deliveryFailed,
            "1 of 3 records to topic users_created failed delivery",
            topicPartition: "users_created-2",
            rdkafka: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS
        )
        #expect(error.code == .deliveryFailed)
        #expect(error.librdkafka?.code == 19)
        let text = "\(error)"
        #expect(text.contains("deliveryFailed"))
        #expect(text.contains("users_created-2"))
        #expect(text.contains("NOT_ENOUGH_REPLICAS"))
    }

    @Test func refusedPropertyIsNamedAndSecretsRedacted() throws {
        var configuration = KafkaLogConfiguration(bootstrapServers: ["127.0.0.1:9"])
        configuration.properties = ["no.such.property": "x"]
        do {
            _ = try KafkaLog(configuration: configuration, logger: .kafkaLogTests)
            Issue.record("an unknown property was accepted")
        } catch let error as KafkaLogError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("no.such.property"))
        }

        configuration.properties = [:]
        configuration.tls = KafkaLogConfiguration.TLS(keyPassword: "hunter2")
        configuration.properties = ["ssl.key.password": "hunter2", "sasl.password": "hunter2", "acks": "sometimes"]
        do {
            _ = try KafkaLog(configuration: configuration, logger: .kafkaLogTests)
            Issue.record("acks=sometimes was accepted")
        } catch let error as KafkaLogError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("acks"))
            #expect(!error.message.contains("hunter2"))
        }
    }
}

extension Logger {
    /// Warnings and errors only.
    static let kafkaLogTests: Logger = {
        var logger = Logger(label: "KafkaLogTests")
        logger.logLevel = .warning
        return logger
    }()
}

@Suite("KafkaLogConsumer: commit outcomes")
struct CommitOutcomeTests {
    @Test func rebalanceRefusalsAreSkippedCoordinatorMovesRetriedOthersThrown() {
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_NO_ERROR) == .committed)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS) == .skipped)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION) == .skipped)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID) == .skipped)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_NOT_COORDINATOR) == .retry)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS) == .retry)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) == .failed)
        #expect(KafkaLogConsumer.commitOutcome(RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE) == .failed)
    }
}
