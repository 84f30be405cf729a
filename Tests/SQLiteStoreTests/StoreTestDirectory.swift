import Foundation
import Logging

/// Store logs above info only, so that test output stays readable.
let quietLogger: Logger = {
    var logger = Logger(label: "userstream.store.tests")
    logger.logLevel = .warning
    return logger
}()

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct StoreTestDirectory {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("userstream-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
