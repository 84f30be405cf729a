import ArgumentParser
import UserStreamRuntime

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Serve the embedded log over the Kafka protocol (kcat, librdkafka, kafka-python, Java clients).",
        discussion: """
            One broker that leads every partition and coordinates every consumer group. Topics are the embedded \
            log's topics; committed group offsets survive restarts. SIGINT/SIGTERM close the listener and the log.
            """
    )

    @OptionGroup var data: DataOptions
    @OptionGroup var logOptions: LogOptions
    @OptionGroup var brokerOptions: KafkaBrokerOptions

    @Option(help: "The address to listen on. (env: USERSTREAM_KAFKA_HOST)")
    var host: String = Env.string("KAFKA_HOST", "127.0.0.1")

    @Option(help: "The port to listen on. (env: USERSTREAM_KAFKA_PORT)")
    var port: Int = Env.int("KAFKA_PORT", 9092)

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
    }

    func run() async throws {
        let logger = data.makeLogger()
        let configuration = RuntimeConfiguration(
            log: .embedded(try data.embeddedLog(logOptions)),
            work: .serve,
            listeners: RuntimeListeners(
                kafka: brokerOptions.configuration(host: host, port: port, partitions: logOptions.partitions)
            )
        )
        try await UserStreamRuntime.withServices(configuration, logger: logger) { services in
            try await services.run(logger: logger)
        }
    }
}
