import Foundation
import Testing
import UserStreamTestSupport

/// Runs the real `userstream` binary as a child process.
enum CLI {
    /// `USERSTREAM_BIN` (set by `make test`), else the debug build next to the package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_BIN"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/userstream").path
    }

    typealias Output = ChildProcess.Output
    typealias Child = ChildProcess

    /// Runs to completion (killed after `timeout`).
    @discardableResult
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> Output {
        let child = try start(arguments, environment: environment)
        let output = try await child.wait(timeout: timeout)
        if output.status == -1 { Issue.record("userstream \(arguments) did not finish within \(timeout)") }
        return output
    }

    /// Runs to completion on a pseudo-terminal (`script` from util-linux), as a user at a terminal would: what the
    /// command writes to stdout and stderr comes back together in `stdout`.
    static func runOnTerminal(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Output {
        let command = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let child = try ChildProcess(
            "/usr/bin/script",
            ["-qec", command, "/dev/null"],
            removingPrefixes: ["USERSTREAM_"]
        )
        let output = try await child.wait(timeout: timeout)
        if output.status == -1 { Issue.record("userstream \(arguments) did not finish within \(timeout)") }
        return output
    }

    /// What a progress line writes before each update: carriage return, erase the line.
    static let progressPrefix = "\r\u{1B}[2K"

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Child {
        try ChildProcess(binary, arguments, environment: environment, removingPrefixes: ["USERSTREAM_"])
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
