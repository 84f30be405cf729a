import Foundation
import Testing
import UserStreamTestSupport

/// The real clients the interop tests drive: kcat from Debian, confluent-kafka and kafka-python from PyPI.
enum Clients {
    static let packageRoot = InteropEnvironment.packageRoot
    static var python: String { InteropEnvironment.python }

    static var kcat: String {
        ProcessInfo.processInfo.environment["USERSTREAM_KCAT"] ?? "/usr/bin/kcat"
    }

    static func script(_ name: String) -> String {
        packageRoot + "/Tests/KafkaBrokerTests/Interop/" + name
    }

    /// Runs an interop script; it asserts by itself and prints one JSON line on success.
    static func runPython(
        _ name: String,
        _ arguments: [String],
        timeout: Duration = .seconds(180)
    ) async throws
        -> ChildProcess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python with the Kafka clients at \(python): run `make test` (it creates .venv-interop)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(python, [script(name)] + arguments, timeout: timeout)
    }

    static func kcat(
        _ arguments: [String],
        input: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws
        -> ChildProcess.Output
    {
        guard FileManager.default.isExecutableFile(atPath: kcat) else {
            Issue.record("kcat is not installed at \(kcat): run `make test` (it installs Debian's kcat)")
            return ChildProcess.Output(status: -1, stdout: "", stderr: "")
        }
        return try await ChildProcess.run(kcat, arguments, input: input, timeout: timeout)
    }
}
