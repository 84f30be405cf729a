import Foundation
import KafkaLog
import Testing
import UserStreamCore
import UserStreamTestSupport

/// Settings that keep a contract run short on a single test broker.
func kafkaTestConfiguration(bootstrap: String) -> KafkaLogConfiguration {
    var configuration = KafkaLogConfiguration(bootstrap: bootstrap)
    configuration.clientID = "userstream-tests"
    configuration.requestTimeout = .seconds(10)
    configuration.assignmentTimeout = .seconds(30)
    configuration.sessionTimeout = .seconds(10)
    configuration.closeTimeout = .seconds(5)
    return configuration
}

/// The contract against our own broker (`userstream broker`, in process) over loopback, a fresh one per check.
@Suite("Log contract: KafkaLog on our Kafka broker", .serialized)
struct KafkaLogContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        let broker = try await TestKafkaBroker()
        defer { Task { await broker.stop() } }
        let configuration = kafkaTestConfiguration(bootstrap: broker.bootstrap)
        try await check.run {
            try KafkaLog(configuration: configuration, logger: .kafkaLogTests)
        }
    }
}

/// The same contract on librdkafka's mock cluster (a fresh one per check), which needs no broker: everything but
/// CreateTopics goes over the Kafka protocol through `KafkaLog`.
@Suite("Log contract: KafkaLog on librdkafka's mock cluster", .serialized)
struct KafkaLogMockClusterContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        let cluster = try MockKafkaCluster()
        let configuration = kafkaTestConfiguration(bootstrap: cluster.bootstrap)
        try await check.run {
            MockClusterLog(log: try KafkaLog(configuration: configuration, logger: .kafkaLogTests), cluster: cluster)
        }
    }
}
