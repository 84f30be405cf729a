import CQLEngine
import CQLServer
import CassandraSnapshot
import CassandraStore
import EmbeddedLog
import KafkaBroker
import KafkaLog
import Pipeline
import SQLiteStore

/// Everything one userstream process runs: its log and store, its work and its listeners. The commands only map
/// their flags and environment variables to this; `UserStreamRuntime` builds the services from it.
public struct RuntimeConfiguration: Sendable {
    /// The log: the embedded log, or a Kafka cluster. `nil` for a process without one (`store`, `serve` without
    /// `--kafka`).
    public var log: LogChoice?
    /// The store: the embedded store, or a Cassandra cluster. `nil` for a process without one (`broker`).
    public var store: StoreChoice?
    /// What the process does besides serving its listeners.
    public var work: RuntimeWork
    /// The listeners the process serves.
    public var listeners: RuntimeListeners

    public init(
        log: LogChoice? = nil,
        store: StoreChoice? = nil,
        work: RuntimeWork = .serve,
        listeners: RuntimeListeners = RuntimeListeners()
    ) {
        self.log = log
        self.store = store
        self.work = work
        self.listeners = listeners
    }
}

/// Which log a process uses.
public enum LogChoice: Sendable {
    /// The embedded, segmented on-disk log. Its retention runs once a minute in long-running processes, and the Kafka
    /// listener serves it.
    case embedded(EmbeddedLogConfiguration)
    /// A Kafka cluster, through librdkafka.
    case kafka(KafkaLogConfiguration)
}

/// Which store a process uses.
public enum StoreChoice: Sendable {
    /// The embedded SQLite store. The CQL listener serves it, and the HTTP server reads it directly.
    case embedded(SQLiteStoreConfiguration)
    /// A Cassandra cluster. The HTTP server reads a local copy of its keyspace (`CassandraSnapshot`).
    case cassandra(CassandraStoreConfiguration)
}

/// What a process does besides serving its listeners.
public enum RuntimeWork: Sendable {
    /// Nothing: the listeners are the process (`broker`, `store`, `serve`). Runs until SIGTERM/SIGINT.
    case serve
    /// The whole pipeline (`run`): the `user_automation` schedule feeding the ingestor, and the processor. Needs a
    /// log and a store.
    case pipeline(PipelineWork)
    /// One ingest run (`ingest`); the process ends with it. Needs a log and a store.
    case ingestOnce(source: SourceChoice, ingest: IngestConfiguration)
    /// The processor until it is done (`process`); the process ends with it. Needs a log and a store.
    case processOnce(ProcessorConfiguration)

    /// Whether the process ends when its work is done (else it runs until shut down).
    var isOneShot: Bool {
        switch self {
        case .serve, .pipeline: false
        case .ingestOnce, .processOnce: true
        }
    }
}

/// The scheduled pipeline of `run`.
public struct PipelineWork: Sendable {
    /// Where users come from.
    public var source: SourceChoice
    /// Each job run's limits, batch size and rate.
    public var ingest: IngestConfiguration
    /// When `user_automation` runs; the first run starts right away.
    public var schedule: CronSchedule
    /// The processor's consumer group and batches.
    public var processor: ProcessorConfiguration
    /// Hold the ingestor back while more than this many users are produced and not yet stored (the processor group's
    /// lag, `Backpressure.consumerLag`), so that a source faster than the processor queues a bounded backlog; `nil`
    /// never holds it back. Default `Backpressure.defaultMaxPending`.
    public var maxPending: Int?

    public init(
        source: SourceChoice,
        ingest: IngestConfiguration,
        schedule: CronSchedule,
        processor: ProcessorConfiguration,
        maxPending: Int? = Backpressure.defaultMaxPending
    ) {
        self.source = source
        self.ingest = ingest
        self.schedule = schedule
        self.processor = processor
        self.maxPending = maxPending
    }
}

/// The listeners of a process; each `nil` is off.
public struct RuntimeListeners: Sendable {
    /// The Kafka listener over the embedded log (ignored when the log is a Kafka cluster).
    public var kafka: KafkaBrokerConfiguration?
    /// The CQL listener over the embedded store (ignored when the store is a Cassandra cluster).
    public var cql: CQLListener?
    /// The HTTP server: the dashboard, Trino's protocol, /metrics, /healthz, /readyz.
    public var http: HTTPListener?

    public init(kafka: KafkaBrokerConfiguration? = nil, cql: CQLListener? = nil, http: HTTPListener? = nil) {
        self.kafka = kafka
        self.cql = cql
        self.http = http
    }
}

/// The CQL listener: the server's settings and the engine it serves.
public struct CQLListener: Sendable {
    public var server: CQLServerConfiguration
    public var engine: CQLEngineConfiguration

    public init(server: CQLServerConfiguration, engine: CQLEngineConfiguration = CQLEngineConfiguration()) {
        self.server = server
        self.engine = engine
    }
}

/// The HTTP server's address and what it shows.
public struct HTTPListener: Sendable {
    public var host: String
    /// The port; 0 picks a free one (reported to `onListening`).
    public var port: Int
    /// The processor's consumer group, whose lag is shown.
    public var group: String
    /// How the local copy of a Cassandra keyspace is kept (with `StoreChoice.cassandra`).
    public var snapshot: CassandraSnapshotConfiguration
    /// Called with the bound port once the server listens.
    public var onListening: @Sendable (Int) async -> Void

    public init(
        host: String,
        port: Int,
        group: String,
        snapshot: CassandraSnapshotConfiguration = CassandraSnapshotConfiguration(),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.group = group
        self.snapshot = snapshot
        self.onListening = onListening
    }
}
