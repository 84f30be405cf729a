/// Configuration of a ``KafkaLog``: how to reach and authenticate to a Kafka cluster, and how the producer and the
/// consumers behave. Every property has a documented default; only ``bootstrapServers`` must be given.
///
/// The typed settings become librdkafka properties (see `CONFIGURATION.md` of librdkafka 2.0); ``properties`` passes
/// any other librdkafka property through and wins over the typed settings.
public struct KafkaLogConfiguration: Sendable {
    /// Brokers to bootstrap from, as `"host:port"`. At least one. Default: `["localhost:9092"]`.
    public var bootstrapServers: [String] = ["localhost:9092"]

    /// The client id brokers see in requests and logs (`client.id`). Default `"userstream"`.
    public var clientID: String = "userstream"

    /// TLS towards the brokers; `nil` (the default) connects in plain text. With ``sasl`` this gives `sasl_ssl`,
    /// without it `ssl`.
    public var tls: TLS? = nil

    /// SASL authentication; `nil` (the default) does not authenticate. Without ``tls`` this gives `sasl_plaintext`.
    public var sasl: SASL? = nil

    /// Partitions of topics the log creates implicitly (a consumer on a missing topic). Default 3.
    public var defaultPartitions: Int = 3

    /// Replication factor of topics created by `createTopic`; `nil` (the default) uses the broker's
    /// `default.replication.factor` (CreateTopics v4+, Kafka 2.4+).
    public var replicationFactor: Int? = nil

    /// How long the producer waits after the first record of a batch for more (`linger.ms`). Default 5 ms: small
    /// enough for latency, large enough to batch at high rates.
    public var linger: Duration = .milliseconds(5)

    /// How long a record may wait for a successful delivery, retries included, before its delivery fails and
    /// `produce` throws (`message.timeout.ms`). Default 120 s (the Java client's `delivery.timeout.ms`).
    public var deliveryTimeout: Duration = .seconds(120)

    /// Bound on metadata, admin, watermark and committed-offset requests. Default 30 s.
    public var requestTimeout: Duration = .seconds(30)

    /// How long `makeConsumer` waits for the group to assign partitions to the new member. Default 60 s (a new group
    /// on a real broker waits `group.initial.rebalance.delay.ms`, 3 s by default, before the first assignment).
    /// The wait is never shorter than the session timeout in effect plus 30 s (see
    /// ``effectiveAssignmentTimeout``): members that died without leaving hold the group's rebalance until their
    /// sessions expire, as in Kafka.
    public var assignmentTimeout: Duration = .seconds(60)

    /// How long a rebalance waits for the `startingOffsets` answer (the processor reads it from its store) before the
    /// assignment fails. Default 60 s.
    public var startingOffsetsTimeout: Duration = .seconds(60)

    /// Where a newly assigned partition starts when the `startingOffsets` answer leaves it out: `false` (the default)
    /// the earliest offset, as the `Log` port describes it — the processor's offsets live in the store, and a store
    /// that has none for a partition must see all of it, whatever Kafka has committed for the group; `true` the
    /// group's committed offset in Kafka when it has one, else the earliest.
    public var fallBackToCommittedOffsets: Bool = false

    /// A consumer is removed from its group when the broker hears no heartbeat for this long (`session.timeout.ms`).
    /// Default 45 s (librdkafka's default).
    public var sessionTimeout: Duration = .seconds(45)

    /// Records a consumer keeps decoded in memory between polls (it drains what librdkafka fetched up to this many,
    /// so that every partition gets its share of each `poll`). Default 10 000.
    public var consumerBufferRecords: Int = 10_000

    /// How long `close` waits for records still in flight to be delivered before they are purged (and their
    /// `produce` calls fail). Default 10 s.
    public var closeTimeout: Duration = .seconds(10)

    /// Extra librdkafka properties, applied after (and so overriding) the ones derived from the typed settings, to
    /// every client the log creates (producer, consumers, admin). E.g. `["compression.codec": "lz4"]`,
    /// `["debug": "cgrp"]`. Default: none.
    public var properties: [String: String] = [:]

    /// The session timeout the consumers use: `session.timeout.ms` from ``properties`` when given, else
    /// ``sessionTimeout``.
    public var effectiveSessionTimeout: Duration {
        if let value = properties["session.timeout.ms"].flatMap({ Int64($0) }), value > 0 {
            return .milliseconds(value)
        }
        return sessionTimeout
    }

    /// How long `makeConsumer` waits for its first assignment: ``assignmentTimeout``, or the session timeout plus
    /// 30 s when that is longer — a new member's join completes only once dead members' sessions have expired.
    public var effectiveAssignmentTimeout: Duration {
        max(assignmentTimeout, effectiveSessionTimeout + .seconds(30))
    }

    /// A configuration for the given bootstrap servers with every other setting at its default.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }

    /// TLS settings (`security.protocol` `ssl` or `sasl_ssl`).
    public struct TLS: Sendable, Hashable {
        /// PEM file or directory of CA certificates to verify brokers with (`ssl.ca.location`); `nil` (the default)
        /// uses the system's trust store.
        public var caLocation: String? = nil
        /// Client certificate, PEM, for mutual TLS (`ssl.certificate.location`). Default `nil`: none.
        public var certificateLocation: String? = nil
        /// Client private key, PEM (`ssl.key.location`). Default `nil`: none.
        public var keyLocation: String? = nil
        /// Password of the private key (`ssl.key.password`). Default `nil`: unencrypted key.
        public var keyPassword: String? = nil
        /// Verify the broker's certificate chain (`enable.ssl.certificate.verification`). Default `true`.
        public var verifyCertificates: Bool = true
        /// Check that the broker's certificate names the host connected to
        /// (`ssl.endpoint.identification.algorithm` `https`, else `none`). Default `true`.
        public var verifyHostname: Bool = true

        public init(
            caLocation: String? = nil,
            certificateLocation: String? = nil,
            keyLocation: String? = nil,
            keyPassword: String? = nil,
            verifyCertificates: Bool = true,
            verifyHostname: Bool = true
        ) {
            self.caLocation = caLocation
            self.certificateLocation = certificateLocation
            self.keyLocation = keyLocation
            self.keyPassword = keyPassword
            self.verifyCertificates = verifyCertificates
            self.verifyHostname = verifyHostname
        }
    }

    /// SASL settings (`security.protocol` `sasl_plaintext` or `sasl_ssl`).
    public struct SASL: Sendable, Hashable {
        /// A SASL mechanism librdkafka speaks with a username and password.
        public struct Mechanism: Hashable, Sendable, CustomStringConvertible {
            /// The name librdkafka and brokers use (`sasl.mechanisms`).
            public let name: String
            private init(_ name: String) { self.name = name }

            /// `PLAIN`: the password travels as is; use it with TLS only.
            public static let plain = Mechanism("PLAIN")
            public static let scramSHA256 = Mechanism("SCRAM-SHA-256")
            public static let scramSHA512 = Mechanism("SCRAM-SHA-512")

            public var description: String { name }
        }

        /// Default ``Mechanism/scramSHA512``.
        public var mechanism: Mechanism = .scramSHA512
        public var username: String
        public var password: String

        public init(mechanism: Mechanism = .scramSHA512, username: String, password: String) {
            self.mechanism = mechanism
            self.username = username
            self.password = password
        }
    }
}

extension KafkaLogConfiguration {
    /// Bootstrap servers from a comma-separated list (`"kafka-1:9092,kafka-2:9092"`, as `--kafka` takes them).
    public init(bootstrap list: String) {
        self.init(
            bootstrapServers: list.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        )
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
