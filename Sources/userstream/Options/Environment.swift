import Foundation
import Synchronization

/// Every CLI option has an environment variable twin: `--data-dir` ↔ `USERSTREAM_DATA_DIR`. The variable, when
/// set, becomes the option's default (so `--help` shows the effective default); the flag still wins.
enum Env {
    private static let problemList = Mutex<[String]>([])

    /// Environment variables that were set but could not be read, as messages for `validate()`.
    static var problems: [String] { problemList.withLock { $0 } }

    static func variableName(_ name: String) -> String { "USERSTREAM_\(name)" }

    static func raw(_ name: String) -> String? {
        let value = ProcessInfo.processInfo.environment[variableName(name)]
        return value?.isEmpty == false ? value : nil
    }

    static func string(_ name: String, _ fallback: String) -> String {
        raw(name) ?? fallback
    }

    static func optionalString(_ name: String) -> String? {
        raw(name)
    }

    static func int(_ name: String, _ fallback: Int) -> Int {
        guard let text = raw(name) else { return fallback }
        guard let value = Int(text) else {
            problemList.withLock { $0.append("\(variableName(name))=\(text) is not an integer") }
            return fallback
        }
        return value
    }

    static func optionalInt(_ name: String) -> Int? {
        guard let text = raw(name) else { return nil }
        guard let value = Int(text) else {
            problemList.withLock { $0.append("\(variableName(name))=\(text) is not an integer") }
            return nil
        }
        return value
    }

    static func optionalDouble(_ name: String) -> Double? {
        guard let text = raw(name) else { return nil }
        guard let value = Double(text) else {
            problemList.withLock { $0.append("\(variableName(name))=\(text) is not a number") }
            return nil
        }
        return value
    }

    static func bool(_ name: String, _ fallback: Bool) -> Bool {
        guard let text = raw(name)?.lowercased() else { return fallback }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problemList.withLock { $0.append("\(variableName(name))=\(text) is not a boolean") }
            return fallback
        }
    }
}
