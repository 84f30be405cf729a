import ArgumentParser
import Foundation
import KafkaLog

/// Selects a real Kafka cluster (through librdkafka) instead of the embedded log.
struct KafkaClientOptions: ParsableArguments {
    @Option(
        name: .customLong("kafka"),
        help: """
            Use a Kafka cluster instead of the embedded log: bootstrap servers host:port[,host:port…]. \
            (env: USERSTREAM_KAFKA)
            """
    )
    var kafkaOption: String?

    @Flag(name: .customLong("kafka-tls"), help: "Connect to Kafka with TLS. (env: USERSTREAM_KAFKA_TLS)")
    var tlsFlag: Bool = false

    @Option(help: "CA certificate file (PEM) for Kafka's TLS; implies --kafka-tls. (env: USERSTREAM_KAFKA_CA)")
    var kafkaCa: String?

    @Option(help: "Client certificate (PEM) for Kafka's TLS; implies --kafka-tls. (env: USERSTREAM_KAFKA_CERT)")
    var kafkaCert: String?

    @Option(help: "Client private key (PEM) for Kafka's TLS. (env: USERSTREAM_KAFKA_KEY)")
    var kafkaKey: String?

    @Option(
        help: "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. (env: USERSTREAM_KAFKA_SASL_MECHANISM)"
    )
    var kafkaSaslMechanism: String?

    @Option(help: "SASL username. (env: USERSTREAM_KAFKA_USER)")
    var kafkaUser: String?

    @Option(help: "SASL password. (env: USERSTREAM_KAFKA_PASSWORD)")
    var kafkaPassword: String?

    @Option(
        help: """
            Extra librdkafka property key=value, repeatable (e.g. --kafka-property compression.type=zstd); \
            overrides the settings above. (env: USERSTREAM_KAFKA_PROPERTIES, comma-separated)
            """
    )
    var kafkaProperty: [String] = []

    var kafka: String? { kafkaOption ?? Env.optionalString("KAFKA") }
    var ca: String? { kafkaCa ?? Env.optionalString("KAFKA_CA") }
    var certificate: String? { kafkaCert ?? Env.optionalString("KAFKA_CERT") }
    var key: String? { kafkaKey ?? Env.optionalString("KAFKA_KEY") }
    var mechanism: String? { kafkaSaslMechanism ?? Env.optionalString("KAFKA_SASL_MECHANISM") }
    var user: String? { kafkaUser ?? Env.optionalString("KAFKA_USER") }
    var password: String? { kafkaPassword ?? Env.optionalString("KAFKA_PASSWORD") }
    var tls: Bool { tlsFlag || Env.bool("KAFKA_TLS", false) || ca != nil || certificate != nil }
    var properties: [String] {
        kafkaProperty.isEmpty
            ? (Env.optionalString("KAFKA_PROPERTIES")?.split(separator: ",").map(String.init) ?? []) : kafkaProperty
    }

    func validate() throws {
        if let kafka {
            let servers = kafka.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for server in servers {
                guard let colon = server.lastIndex(of: ":"), colon != server.startIndex,
                    let port = Int(server[server.index(after: colon)...]), (1...65535).contains(port)
                else {
                    throw ValidationError("--kafka: '\(server)' is not host:port")
                }
            }
        }
        if let mechanism, Self.mechanism(mechanism) == nil {
            throw ValidationError("--kafka-sasl-mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
        }
        if (user == nil) != (password == nil) {
            throw ValidationError("--kafka-user and --kafka-password go together")
        }
        for property in properties where !property.contains("=") {
            throw ValidationError("--kafka-property: '\(property)' is not key=value")
        }
    }

    private static func mechanism(_ name: String) -> KafkaLogConfiguration.SASL.Mechanism? {
        switch name.uppercased() {
        case "PLAIN": .plain
        case "SCRAM-SHA-256": .scramSHA256
        case "SCRAM-SHA-512": .scramSHA512
        default: nil
        }
    }

    /// The librdkafka configuration, or `nil` when `--kafka` is not given (the embedded log is used). `partitions`
    /// (`--partitions`) is for the topics it creates; without it, `KafkaLogConfiguration`'s default.
    func configuration(partitions: Int? = nil) -> KafkaLogConfiguration? {
        guard let kafka else { return nil }
        var configuration = KafkaLogConfiguration(bootstrap: kafka)
        if let partitions { configuration.defaultPartitions = partitions }
        if tls {
            configuration.tls = KafkaLogConfiguration.TLS(
                caLocation: ca,
                certificateLocation: certificate,
                keyLocation: key
            )
        }
        if let user, let password {
            configuration.sasl = KafkaLogConfiguration.SASL(
                mechanism: mechanism.flatMap(Self.mechanism) ?? .scramSHA512,
                username: user,
                password: password
            )
        }
        for property in properties {
            let parts = property.split(separator: "=", maxSplits: 1)
            configuration.properties[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return configuration
    }
}
