import EmbeddedLog
import Logging
import Testing
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

@Suite("Log contract: EmbeddedLog")
struct EmbeddedLogContractTests {
    @Test(arguments: LogContract.checks)
    func contract(_ check: LogContractCheck) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = EmbeddedLogConfiguration(directory: directory.path + "/log")
        try await check.run {
            try EmbeddedLog.open(configuration: configuration, logger: .embeddedLogTests)
        }
    }
}

extension Logger {
    /// Warnings and errors only (truncation warnings show in the test output).
    static let embeddedLogTests: Logger = {
        var logger = Logger(label: "EmbeddedLogTests")
        logger.logLevel = .warning
        return logger
    }()
}
