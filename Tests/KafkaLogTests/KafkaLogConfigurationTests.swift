import Testing

@testable import KafkaLog

@Suite("KafkaLogConfiguration → librdkafka properties")
struct KafkaLogConfigurationTests {
    let base = KafkaLogConfiguration(bootstrapServers: ["kafka-1:9092", "kafka-2:9093"])

    @Test func producerDefaults() {
        let properties = base.librdkafkaProperties(for: .producer)
        #expect(properties["bootstrap.servers"] == "kafka-1:9092,kafka-2:9093")
        #expect(properties["client.id"] == "userstream")
        #expect(properties["security.protocol"] == "plaintext")
        #expect(properties["acks"] == "all")
        #expect(properties["enable.idempotence"] == "true")
        #expect(properties["linger.ms"] == "5")
        #expect(properties["message.timeout.ms"] == "120000")
        #expect(properties["partitioner"] == "murmur2_random")
        #expect(properties["group.id"] == nil)
        #expect(properties["sasl.password"] == nil && properties["ssl.ca.location"] == nil)
    }

    @Test func consumerCommitsOnlyWhenTold() {
        var configuration = base
        configuration.sessionTimeout = .seconds(10)
        let properties = configuration.librdkafkaProperties(for: .consumer(group: "processors"))
        #expect(properties["group.id"] == "processors")
        #expect(properties["enable.auto.commit"] == "false")
        #expect(properties["enable.auto.offset.store"] == "false")
        #expect(properties["auto.offset.reset"] == "earliest")
        #expect(properties["session.timeout.ms"] == "10000")
        #expect(properties["acks"] == nil && properties["enable.idempotence"] == nil)
    }

    @Test func theFirstAssignmentIsAwaitedAtLeastTheSessionTimeoutPlus30Seconds() {
        var configuration = base
        #expect(configuration.effectiveSessionTimeout == .seconds(45))
        #expect(configuration.effectiveAssignmentTimeout == .seconds(75))
        configuration.sessionTimeout = .seconds(10)
        #expect(configuration.effectiveAssignmentTimeout == .seconds(60))
        configuration.properties["session.timeout.ms"] = "120000"
        #expect(configuration.effectiveSessionTimeout == .seconds(120))
        #expect(configuration.effectiveAssignmentTimeout == .seconds(150))
        configuration.assignmentTimeout = .seconds(300)
        #expect(configuration.effectiveAssignmentTimeout == .seconds(300))
    }

    @Test func adminNeverAutoCreatesTopics() {
        let properties = base.librdkafkaProperties(for: .admin)
        #expect(properties["allow.auto.create.topics"] == "false")
        #expect(properties["acks"] == nil)
    }

    @Test func tlsGivesSSL() {
        var configuration = base
        configuration.tls = KafkaLogConfiguration.TLS(
            caLocation: "/etc/kafka/ca.pem",
            certificateLocation: "/etc/kafka/client.pem",
            keyLocation: "/etc/kafka/client.key",
            keyPassword: "secret",
            verifyHostname: false
        )
        for role in [KafkaClientRole.producer, .consumer(group: "g"), .admin] {
            let properties = configuration.librdkafkaProperties(for: role)
            #expect(properties["security.protocol"] == "ssl")
            #expect(properties["ssl.ca.location"] == "/etc/kafka/ca.pem")
            #expect(properties["ssl.certificate.location"] == "/etc/kafka/client.pem")
            #expect(properties["ssl.key.location"] == "/etc/kafka/client.key")
            #expect(properties["ssl.key.password"] == "secret")
            #expect(properties["enable.ssl.certificate.verification"] == "true")
            #expect(properties["ssl.endpoint.identification.algorithm"] == "none")
            #expect(properties["sasl.mechanisms"] == nil)
        }
    }

    @Test func saslWithoutTLSIsSASLPlaintext() {
        var configuration = base
        configuration.sasl = KafkaLogConfiguration.SASL(mechanism: .plain, username: "alice", password: "pw")
        let properties = configuration.librdkafkaProperties(for: .producer)
        #expect(properties["security.protocol"] == "sasl_plaintext")
        #expect(properties["sasl.mechanisms"] == "PLAIN")
        #expect(properties["sasl.username"] == "alice")
        #expect(properties["sasl.password"] == "pw")
    }

    @Test(arguments: [
        (KafkaLogConfiguration.SASL.Mechanism.scramSHA256, "SCRAM-SHA-256"),
        (.scramSHA512, "SCRAM-SHA-512"),
        (.plain, "PLAIN"),
    ])
    func saslOverTLSIsSASLSSL(mechanism: KafkaLogConfiguration.SASL.Mechanism, name: String) {
        var configuration = base
        configuration.tls = KafkaLogConfiguration.TLS()
        configuration.sasl = KafkaLogConfiguration.SASL(mechanism: mechanism, username: "bob", password: "pw")
        let properties = configuration.librdkafkaProperties(for: .consumer(group: "g"))
        #expect(properties["security.protocol"] == "sasl_ssl")
        #expect(properties["sasl.mechanisms"] == name)
        #expect(properties["ssl.endpoint.identification.algorithm"] == "https")
        #expect(properties["ssl.ca.location"] == nil)
    }

    @Test func passThroughPropertiesWin() {
        var configuration = base
        configuration.properties = ["compression.codec": "lz4", "linger.ms": "50", "security.protocol": "ssl"]
        let properties = configuration.librdkafkaProperties(for: .producer)
        #expect(properties["compression.codec"] == "lz4")
        #expect(properties["linger.ms"] == "50")
        #expect(properties["security.protocol"] == "ssl")
        #expect(configuration.librdkafkaProperties(for: .admin)["compression.codec"] == "lz4")
    }

    @Test func bootstrapListParses() {
        let configuration = KafkaLogConfiguration(bootstrap: " kafka-1:9092, kafka-2:9092 ,")
        #expect(configuration.bootstrapServers == ["kafka-1:9092", "kafka-2:9092"])
    }

    @Test(
        arguments: [
            { (c: inout KafkaLogConfiguration) in c.bootstrapServers = [] },
            { (c: inout KafkaLogConfiguration) in c.bootstrapServers = ["kafka-1"] },
            { (c: inout KafkaLogConfiguration) in c.bootstrapServers = [":9092"] },
            { (c: inout KafkaLogConfiguration) in c.bootstrapServers = ["kafka:port"] },
            { (c: inout KafkaLogConfiguration) in c.defaultPartitions = 0 },
            { (c: inout KafkaLogConfiguration) in c.deliveryTimeout = .zero },
            { (c: inout KafkaLogConfiguration) in c.consumerBufferRecords = 0 },
            { (c: inout KafkaLogConfiguration) in c.properties = ["": "x"] },
        ] as [@Sendable (inout KafkaLogConfiguration) -> Void]
    )
    func invalidSettingsAreRefused(_ change: @Sendable (inout KafkaLogConfiguration) -> Void) {
        var configuration = base
        change(&configuration)
        #expect(throws: KafkaLogError.self) { try configuration.validate() }
        #expect((try? base.validate()) != nil)
    }

    @Test func ipv6BootstrapIsHostAndPort() throws {
        let configuration = KafkaLogConfiguration(bootstrapServers: ["[::1]:9092", "127.0.0.1:9092"])
        try configuration.validate()
    }
}
