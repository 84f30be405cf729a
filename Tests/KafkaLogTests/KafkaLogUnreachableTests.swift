import Testing
import UserStreamCore

@testable import KafkaLog

/// Without any broker: proves that `produce` waits for delivery reports and throws when they carry an error.
@Suite("KafkaLog against an unreachable cluster")
struct KafkaLogUnreachableTests {
    /// Nothing listens on 127.0.0.1:1.
    static func unreachable(deliveryTimeout: Duration = .seconds(1)) -> KafkaLogConfiguration {
        var configuration = KafkaLogConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.deliveryTimeout = deliveryTimeout
        configuration.requestTimeout = .seconds(1)
        configuration.closeTimeout = .seconds(1)
        // Connection-refused lines would flood the test output.
        configuration.properties = ["log_level": "0"]
        return configuration
    }

    @Test(.timeLimit(.minutes(1)))
    func produceFailsWithTheDeliveryError() async throws {
        let log = try KafkaLog(configuration: Self.unreachable(), logger: .kafkaLogTests)
        let clock = ContinuousClock()
        let start = clock.now
        let records = (0..<10).map { index in
            LogRecord(key: Array("key-\(index)".utf8), value: Array("value".utf8), timestamp: 1_700_000_000_000)
        }
        do {
            try await log.produce(records, to: "users_created")
            Issue.record("produce to an unreachable cluster succeeded")
        } catch let error as KafkaLogError {
            #expect(error.code == .deliveryFailed)
            #expect(error.librdkafka?.name == "_MSG_TIMED_OUT")
            #expect(error.message.contains("10 of 10 records to topic users_created"))
            #expect(error.topicPartition?.hasPrefix("users_created") == true)
        }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(900), "failed after \(elapsed), before the delivery timeout")
        #expect(elapsed < .seconds(15), "took \(elapsed)")
        try await log.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func closePurgesRecordsInFlight() async throws {
        // Records that would wait a minute for delivery: close purges them after its own timeout, and produce fails.
        let log = try KafkaLog(configuration: Self.unreachable(deliveryTimeout: .seconds(60)), logger: .kafkaLogTests)
        let clock = ContinuousClock()
        let start = clock.now
        let producing = Task {
            try await log.produce(
                [LogRecord(key: nil, value: Array("v".utf8), timestamp: 1_700_000_000_000, partition: 0)],
                to: "users_created"
            )
        }
        try await Task.sleep(for: .milliseconds(200))
        await #expect(throws: KafkaLogError.self) { try await log.close() }
        let result = await producing.result
        #expect(throws: KafkaLogError.self) { try result.get() }
        #expect(clock.now - start < .seconds(20))
        // Closed for good.
        await #expect(throws: KafkaLogError.self) {
            try await log.produce([LogRecord(key: nil, value: nil, timestamp: 0)], to: "users_created")
        }
        try await log.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func metadataFailsWithinTheRequestTimeout() async throws {
        let log = try KafkaLog(configuration: Self.unreachable(), logger: .kafkaLogTests)
        await #expect(throws: KafkaLogError.self) { _ = try await log.partitionCount(of: "users_created") }
        try await log.close()
    }
}
