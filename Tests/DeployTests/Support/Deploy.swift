import Foundation
import Testing
import UserStreamTestSupport

/// The package's deployment files and the tools that read them.
enum Deploy {
    static let root = InteropEnvironment.packageRoot

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// `USERSTREAM_BIN` (set by `make test`), else the debug build in the package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["USERSTREAM_BIN"], !path.isEmpty { return path }
        return path(".build/debug/userstream")
    }

    /// Variables that would change what compose interpolates or what userstream reads, removed from children.
    static let callerVariablePrefixes = [
        "USERSTREAM_", "CASSANDRA_", "KAFKA_", "SUPERSET_", "TRINO_", "PUBLISH_", "PROCESS_", "COMPOSE_", "DOCKER_",
    ]

    /// Runs a tool from the PATH to completion.
    static func tool(
        _ name: String,
        _ arguments: [String],
        input: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ChildProcess.Output {
        let child = try ChildProcess(
            "/usr/bin/env",
            [name] + arguments,
            removingPrefixes: callerVariablePrefixes,
            standardInput: input != nil
        )
        if let input { child.write(input, close: true) }
        return try await child.wait(timeout: timeout)
    }

    /// YAML as Foundation values, through Debian's python3-yaml (which docker-compose depends on). `<<` merge keys
    /// are resolved; nothing is interpolated.
    static func yaml(_ text: String) async throws -> Any {
        let script = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"
        let output = try await tool("/usr/bin/python3", ["-c", script], input: text)
        guard output.status == 0 else {
            throw DeployTestError("python3 -c yaml.safe_load failed: \(output.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8), options: [.fragmentsAllowed])
    }
}

struct DeployTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Typed access to decoded YAML/JSON trees.
extension Dictionary where Key == String, Value == Any {
    func map(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func list(_ key: String) -> [Any] { self[key] as? [Any] ?? [] }
    func string(_ key: String) -> String? {
        switch self[key] {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
    /// A list of strings, or the words of a string (compose's short forms of `command`, `entrypoint`, `test`).
    func strings(_ key: String) -> [String] {
        if let text = self[key] as? String { return text.split(separator: " ").map(String.init) }
        return list(key).compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
    }
}
