/// Configuration of a ``KafkaBroker``.
public struct KafkaBrokerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The port to listen on; `0` picks a free one (see ``KafkaBroker/bind()``). Default 9092.
    public var port: Int = 9092
    /// The host clients are told to connect to in Metadata and FindCoordinator answers. Default: `host`, or
    /// `localhost` when `host` is a wildcard address.
    public var advertisedHost: String? = nil
    /// The port clients are told to connect to. Default: the bound port.
    public var advertisedPort: Int? = nil
    /// This broker's node id. Default 0.
    public var nodeId: Int32 = 0
    /// The cluster id reported in Metadata. Default `userstream`.
    public var clusterId: String = "userstream"
    /// Whether Metadata requests for a missing topic create it (Kafka's `auto.create.topics.enable`). Default on.
    public var autoCreateTopics: Bool = true
    /// Partitions of auto-created topics and of CreateTopics without a count (Kafka's `num.partitions`). Default 3.
    public var defaultPartitions: Int = 3
    /// The largest request frame accepted, checked before anything is allocated (Kafka's
    /// `socket.request.max.bytes`). Default 100 MiB.
    public var maxRequestBytes: Int = 100 * 1024 * 1024
    /// The most concurrent client connections; further connections are closed at once. Default 1024.
    public var maxConnections: Int = 1024
    /// How long the rebalance of an empty group waits for more members (Kafka's
    /// `group.initial.rebalance.delay.ms`). Default 1 s.
    public var initialRebalanceDelay: Duration = .seconds(1)
    /// The shortest and longest session timeouts accepted from group members. Default 1 s ... 30 min.
    public var sessionTimeouts: ClosedRange<Duration> = .seconds(1)...(.seconds(1800))

    public init(host: String = "127.0.0.1", port: Int = 9092) {
        self.host = host
        self.port = port
    }

    /// The host advertised to clients.
    public var effectiveAdvertisedHost: String {
        if let advertisedHost { return advertisedHost }
        if host == "0.0.0.0" || host == "::" || host.isEmpty { return "localhost" }
        return host
    }

    /// Checks the values.
    public func validate() throws(KafkaBrokerError) {
        guard (0...65535).contains(port) else {
            throw KafkaBrokerError(.invalidConfiguration, "the Kafka port must be in 0...65535, got \(port)")
        }
        if let advertisedPort, !(1...65535).contains(advertisedPort) {
            throw KafkaBrokerError(.invalidConfiguration, "the advertised port must be in 1...65535")
        }
        guard (1...100_000).contains(defaultPartitions) else {
            throw KafkaBrokerError(.invalidConfiguration, "the default partition count must be in 1...100000")
        }
        guard (1024...(1 << 30)).contains(maxRequestBytes) else {
            throw KafkaBrokerError(.invalidConfiguration, "the largest request must be 1 KiB ... 1 GiB")
        }
        guard maxConnections >= 1 else {
            throw KafkaBrokerError(.invalidConfiguration, "at least one connection must be allowed")
        }
    }
}
