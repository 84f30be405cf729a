import Foundation
import Testing

/// Runs the real `userstream` binary as a child process.
enum CLI {
    /// `USERSTREAM_BIN` (set by `make test`), else the debug build next to the package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_BIN"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/userstream").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to completion (killed after `timeout`).
    @discardableResult
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> Output {
        let child = try start(arguments, environment: environment)
        return try await child.wait(timeout: timeout)
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Child {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("USERSTREAM_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let child = Child(process: process, out: out, err: err)
        try process.run()
        child.startDraining()
        return child
    }

    final class Child: @unchecked Sendable {
        let process: Process
        let out: Pipe
        let err: Pipe
        private let lock = NSLock()
        private var outData = Data()
        private var errData = Data()

        init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            self.out = out
            self.err = err
        }

        func startDraining() {
            out.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.lock.withLock { self?.outData.append(data) }
            }
            err.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.lock.withLock { self?.errData.append(data) }
            }
        }

        var pid: Int32 { process.processIdentifier }
        var stderrSoFar: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

        func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

        func wait(timeout: Duration) async throws -> Output {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now > deadline {
                    process.terminate()
                    kill(process.processIdentifier, SIGKILL)
                    Issue.record("userstream \(process.arguments ?? []) did not finish within \(timeout)")
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            process.waitUntilExit()
            try await Task.sleep(for: .milliseconds(50))
            out.fileHandleForReading.readabilityHandler = nil
            err.fileHandleForReading.readabilityHandler = nil
            let restOut = (try? out.fileHandleForReading.readToEnd()) ?? Data()
            let restErr = (try? err.fileHandleForReading.readToEnd()) ?? Data()
            return lock.withLock {
                outData.append(restOut)
                errData.append(restErr)
                return Output(
                    status: process.terminationStatus,
                    stdout: String(decoding: outData, as: UTF8.self),
                    stderr: String(decoding: errData, as: UTF8.self)
                )
            }
        }
    }

    /// A single value from `userstream query … --format csv`.
    static func scalar(_ sql: String, dataDir: String) async throws -> String {
        let output = try await run(["query", sql, "--format", "csv", "--data-dir", dataDir])
        #expect(output.status == 0, "query failed: \(output.stderr)")
        let lines = output.stdout.split(whereSeparator: \.isNewline)
        if lines.count < 2 { Issue.record("query printed no value: stdout=\(output.stdout) stderr=\(output.stderr)") }
        return lines.count >= 2 ? String(lines[1]) : ""
    }
}
