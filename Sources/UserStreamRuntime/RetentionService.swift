import EmbeddedLog
import Logging
import ServiceLifecycle

/// Applies the embedded log's retention once a minute.
struct RetentionService: Service {
    let log: EmbeddedLog
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            // Sleep a minute, waking early on graceful shutdown.
            for _ in 0..<60 where !Task.isShuttingDownGracefully {
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            do {
                try log.enforceRetention()
            } catch {
                logger.warning("log.retention_failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
