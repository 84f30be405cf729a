import EmbeddedLog
import Foundation
import KafkaBroker
import Logging
import Testing
import UserStreamTestSupport

/// A broker on an ephemeral loopback port over a log in a temporary directory, running in a background task.
final class BrokerHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var log: EmbeddedLog
    private(set) var port: Int
    private var task: Task<Void, any Error>
    let configuration: KafkaBrokerConfiguration

    var bootstrap: String { "127.0.0.1:\(port)" }

    static let logger: Logger = {
        var logger = Logger(label: "test.broker")
        logger.logLevel = .warning
        return logger
    }()

    init(configure: (inout KafkaBrokerConfiguration) -> Void = { _ in }) async throws {
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
    func restart() async throws {
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

    func stop() async {
        try? await shutdown()
        directory.remove()
    }
}

/// The real clients the interop tests drive: kcat from Debian, confluent-kafka and kafka-python from PyPI.
enum Clients {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `USERSTREAM_PYTHON` (set by `make test`), else the virtualenv `make test` creates.
    static var python: String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_PYTHON"], !path.isEmpty { return path }
        return packageRoot + "/.venv-interop/bin/python"
    }

    static var kcat: String {
        ProcessInfo.processInfo.environment["USERSTREAM_KCAT"] ?? "/usr/bin/kcat"
    }

    static func script(_ name: String) -> String {
        packageRoot + "/Tests/KafkaBrokerTests/Interop/" + name
    }

    /// Runs an interop script; it asserts by itself and prints one JSON line on success.
    static func runPython(_ name: String, _ arguments: [String], timeout: Duration = .seconds(180)) async throws
        -> ChildProcess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python with the Kafka clients at \(python): run `make test` (it creates .venv-interop)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(python, [script(name)] + arguments, timeout: timeout)
    }

    static func kcat(_ arguments: [String], input: String? = nil, timeout: Duration = .seconds(60)) async throws
        -> ChildProcess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: kcat) else {
            Issue.record("kcat is not installed at \(kcat): run `make test` (it installs Debian's kcat)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(kcat, arguments, input: input, timeout: timeout)
    }
}
