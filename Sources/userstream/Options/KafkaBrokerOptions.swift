import ArgumentParser
import KafkaBroker

/// Settings of the Kafka listener shared by `broker` and `run`.
struct KafkaBrokerOptions: ParsableArguments {
    @Option(
        help: """
            The host Kafka clients are told to connect to (Metadata, FindCoordinator); default: the listen host, or \
            localhost for 0.0.0.0. (env: USERSTREAM_ADVERTISED_HOST)
            """
    )
    var advertisedHost: String?

    @Option(help: "The largest Kafka request accepted, in bytes. (env: USERSTREAM_MAX_REQUEST_BYTES)")
    var maxRequestBytes: Int = Env.int("MAX_REQUEST_BYTES", 100 * 1024 * 1024)

    @Option(
        help: """
            Create a missing topic when a client asks for it (Kafka's auto.create.topics.enable), with --partitions \
            partitions. (env: USERSTREAM_AUTO_CREATE_TOPICS)
            """
    )
    var autoCreateTopics: Bool = Env.bool("AUTO_CREATE_TOPICS", true)

    func validate() throws {
        guard (1024...(1 << 30)).contains(maxRequestBytes) else {
            throw ValidationError("--max-request-bytes must be in 1024…1073741824")
        }
    }

    func configuration(host: String, port: Int, partitions: Int) -> KafkaBrokerConfiguration {
        var configuration = KafkaBrokerConfiguration(host: host, port: port)
        configuration.advertisedHost = advertisedHost ?? Env.optionalString("ADVERTISED_HOST")
        configuration.maxRequestBytes = maxRequestBytes
        configuration.autoCreateTopics = autoCreateTopics
        configuration.defaultPartitions = partitions
        return configuration
    }
}
