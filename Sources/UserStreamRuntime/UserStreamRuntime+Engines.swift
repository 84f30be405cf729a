import Logging
import UserStreamCore

extension UserStreamRuntime {
    /// Opens a log and, when given, a store for a command that works on them directly (`dlq`), runs `body` with them,
    /// then closes both whatever happens.
    public static func withEngines<T: Sendable>(
        log: LogChoice,
        store: StoreChoice?,
        logger: Logger,
        _ body: (any Log, (any UserStore)?) async throws -> T
    ) async throws -> T {
        let engines = try await Engines.open(log: log, store: store, logger: logger)
        let result: T
        do {
            guard let opened = engines.log else { throw RuntimeConfigurationError("no log was opened") }
            result = try await body(opened.log, engines.store?.store)
        } catch {
            try? await engines.close()
            throw error
        }
        try await engines.close()
        return result
    }
}
