import EmbeddedLog
import Foundation
import KafkaBroker
import Logging
import UserStreamTestSupport

/// Our Kafka broker on an ephemeral loopback port over an embedded log in a temporary directory, running in a
/// background task: what the interop and `KafkaLog` contract tests talk to. Tests use it through
/// ``withTestKafkaBroker(configure:isolation:_:)``, which stops it when the test ends.
public final class TestKafkaBroker: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public private(set) var log: EmbeddedLog
    public private(set) var port: Int
    private var task: Task<Void, any Error>
    public let configuration: KafkaBrokerConfiguration

    public var bootstrap: String { "127.0.0.1:\(port)" }

    static let logger: Logger = {
        var logger = Logger(label: "test.broker")
        logger.logLevel = .warning
        return logger
    }()

    public init(configure: (inout KafkaBrokerConfiguration) -> Void = { _ in }) async throws {
        directory = try TemporaryDirectory()
        var configuration = KafkaBrokerConfiguration(host: "127.0.0.1", port: 0)
        configuration.initialRebalanceDelay = .milliseconds(300)
        configure(&configuration)
        self.configuration = configuration
        (log, port, task) = try await Self.start(directory: directory.path, configuration: configuration)
    }

    private static func start(
        directory: String,
        configuration: KafkaBrokerConfiguration
    ) async throws -> (EmbeddedLog, Int, Task<Void, any Error>) {
        let log = try EmbeddedLog.open(
            configuration: EmbeddedLogConfiguration(directory: directory + "/log"),
            logger: logger
        )
        let broker = KafkaBroker(log: log, configuration: configuration, logger: logger)
        let port = try await broker.bind()
        let task = Task { try await broker.run() }
        return (log, port, task)
    }

    /// Stops the broker and closes the log, then starts both again on the same port and directory.
    public func restart() async throws {
        try await shutdown()
        var configuration = self.configuration
        configuration.port = port
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                (log, port, task) = try await Self.start(directory: directory.path, configuration: configuration)
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError!
    }

    private func shutdown() async throws {
        task.cancel()
        _ = await task.result
        try await log.close()
    }

    public func stop() async {
        try? await shutdown()
        directory.remove()
    }
}

/// Runs `body` with a fresh ``TestKafkaBroker`` and stops it (broker, log, directory) before returning, also when
/// `body` throws; the body's error is rethrown.
public func withTestKafkaBroker<Result>(
    configure: @Sendable (inout KafkaBrokerConfiguration) -> Void = { _ in },
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TestKafkaBroker) async throws -> Result
) async throws -> Result {
    let broker = try await TestKafkaBroker(configure: configure)
    let result: Result
    do {
        result = try await body(broker)
    } catch {
        await broker.stop()
        throw error
    }
    await broker.stop()
    return result
}
