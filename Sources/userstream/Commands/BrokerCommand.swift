import ArgumentParser
import KafkaBroker
import Logging
import ServiceLifecycle

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
        let log = try Components.openLog(data, logOptions, logger: logger)
        do {
            let broker = KafkaBroker(
                log: log,
                configuration: brokerOptions.configuration(host: host, port: port, partitions: logOptions.partitions),
                logger: logger
            )
            try await broker.bind()
            try await Components.runServices(
                [.init(service: RetentionService(log: log, logger: logger)), .init(service: broker)],
                logger: logger
            )
        } catch {
            try? await log.close()
            throw error
        }
        try await log.close()
    }
}
