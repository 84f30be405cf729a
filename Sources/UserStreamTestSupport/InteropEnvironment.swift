import Foundation

/// Where the real clients the interop tests drive live: the virtualenv `make test` creates (`.venv-interop`, or the
/// interpreter `USERSTREAM_PYTHON` names) and the package's own folders.
public enum InteropEnvironment {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The virtualenv's `bin` folder: `USERSTREAM_PYTHON`'s folder (set by `make test`), else `.venv-interop/bin`.
    public static var virtualenvBin: String {
        if let python = ProcessInfo.processInfo.environment["USERSTREAM_PYTHON"], !python.isEmpty {
            return URL(fileURLWithPath: python).deletingLastPathComponent().path
        }
        return packageRoot + "/.venv-interop/bin"
    }

    /// The virtualenv's Python (with confluent-kafka, kafka-python, cassandra-driver, cqlsh, trino, …).
    public static var python: String {
        if let python = ProcessInfo.processInfo.environment["USERSTREAM_PYTHON"], !python.isEmpty { return python }
        return virtualenvBin + "/python"
    }
}
