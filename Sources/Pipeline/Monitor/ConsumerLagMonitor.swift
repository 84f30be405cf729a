import Logging
import Metrics
import ServiceLifecycle
import UserStreamCore

/// Records `userstream_consumer_lag{partition}`: how many records of each partition the processor's group has not
/// stored yet (the log's end offset minus the offset the store committed with the rows), every `interval`.
public struct ConsumerLagMonitor: Service {
    let log: any Log
    let store: any UserStore
    let group: String
    let topic: String
    let interval: Duration
    let logger: Logger

    public init(
        log: any Log,
        store: any UserStore,
        group: String = "userstream",
        topic: String = "users_created",
        interval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.log = log
        self.store = store
        self.group = group
        self.topic = topic
        self.interval = interval
        self.logger = logger
    }

    /// The lag of every partition of the topic, once.
    public func lag() async throws -> [Int32: Int64] {
        let ends = try await log.offsets(of: topic)
        let committed = try await store.committedOffsets(group: group, topic: topic)
        var lag: [Int32: Int64] = [:]
        for (partition, range) in ends {
            let position = max(committed[partition] ?? range.earliest, range.earliest)
            lag[partition] = max(0, range.end - position)
        }
        return lag
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                for (partition, lag) in try await lag() {
                    Gauge(label: "userstream_consumer_lag", dimensions: [("partition", String(partition))])
                        .record(lag)
                }
            } catch {
                logger.debug("lag.unavailable", metadata: ["error": "\(error)"])
            }
            do {
                try await gracefulShutdown(for: interval)  // wait, or end on graceful shutdown
            } catch {
                break
            }
        }
    }
}

/// Sleeps `duration`, returning early (by throwing) on graceful shutdown or cancellation.
private func gracefulShutdown(for duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
