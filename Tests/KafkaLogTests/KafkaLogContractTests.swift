import Foundation
import KafkaLog
import Testing
import UserStreamCore
import UserStreamTestSupport

/// The bootstrap address of the Kafka cluster the contract runs against: `USERSTREAM_TEST_KAFKA` (`host:port`), or
/// `nil` to skip. The cluster must start empty for every run (the checks reuse topic and group names). The integrator
/// replaces this with an in-process `userstream broker` over loopback.
func kafkaTestBootstrap() -> String? {
    guard let value = ProcessInfo.processInfo.environment["USERSTREAM_TEST_KAFKA"], !value.isEmpty else { return nil }
    return value
}

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

// Serialized: members of the same group name ("g") in concurrent checks would rebalance each other.
@Suite("Log contract: KafkaLog", .serialized, .enabled(if: kafkaTestBootstrap() != nil, "set USERSTREAM_TEST_KAFKA"))
struct KafkaLogContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        let configuration = kafkaTestConfiguration(bootstrap: kafkaTestBootstrap()!)
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
