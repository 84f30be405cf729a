import Foundation

/// A child process whose standard output and error are collected while it runs (so a chatty child never blocks on a
/// full pipe). Used to drive the real `userstream` binary and real clients (kcat, Python Kafka clients).
public final class ChildProcess: @unchecked Sendable {
    /// What a finished child left.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public let process: Process
    private let out = Pipe()
    private let err = Pipe()
    private let input: Pipe?
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()

    /// Starts `executable` with `arguments`; `environment` entries are added to (and override) this process's
    /// environment, after removing the variables whose names start with any of `removingPrefixes`.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        removingPrefixes: [String] = [],
        standardInput: Bool = false
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { variable in
            !removingPrefixes.contains { variable.key.hasPrefix($0) }
        }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        input = standardInput ? Pipe() : nil
        if let input { process.standardInput = input }
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.outData.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.errData.append(data) }
        }
        // A child inherits the signal mask of the thread that spawns it, and runtime threads block signals; a
        // child that installs plain signal handlers (kcat) would then never see the SIGINT a test sends it.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    /// Runs to completion and returns its output (killed after `timeout`, which is reported in `stderr`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        input: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> Output {
        let child = try ChildProcess(executable, arguments, environment: environment, standardInput: input != nil)
        if let input { child.write(input, close: true) }
        return try await child.wait(timeout: timeout)
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var stdoutSoFar: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
    public var stderrSoFar: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }

    /// Writes to the child's standard input (when started with `standardInput: true`), optionally closing it.
    public func write(_ text: String, close: Bool = false) {
        guard let input else { return }
        input.fileHandleForWriting.write(Data(text.utf8))
        if close { try? input.fileHandleForWriting.close() }
    }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the child to exit (SIGKILL after `timeout`, noted in the returned `stderr`). A cancelled wait kills
    /// the child before it throws, so that a child never outlives the test that started it.
    public func wait(timeout: Duration) async throws -> Output {
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                out.fileHandleForReading.readabilityHandler = nil
                err.fileHandleForReading.readabilityHandler = nil
                throw error
            }
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
            var stderr = String(decoding: errData, as: UTF8.self)
            if timedOut {
                stderr += "\n[killed: \(process.arguments ?? []) did not finish within \(timeout)]"
            }
            return Output(
                status: timedOut ? -1 : process.terminationStatus,
                stdout: String(decoding: outData, as: UTF8.self),
                stderr: stderr
            )
        }
    }
}
