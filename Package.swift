// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "userstream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "userstream", targets: ["userstream"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Model, randomuser decoding, flattening, validation, the record's JSON codec, and the ports.
        .target(
            name: "UserStreamCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        // Kafka wire codec: record batches v2, varints, CRC-32C. NIOCore only (plus the CPU's CRC-32C instruction).
        .target(
            name: "KafkaWire",
            dependencies: [
                "CRC32CHardware",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The CPU's CRC-32C instruction (SSE 4.2 / AArch64 CRC), used by KafkaWire when present.
        .target(name: "CRC32CHardware"),
        // Kafka record batch compression (gzip, snappy, lz4, zstd) over the system C libraries.
        .target(
            name: "KafkaCompression",
            dependencies: [
                "KafkaWire",
                "CZlib",
                "CSnappy",
                "CLZ4",
                "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        // CQL native protocol codec (v4): frames, messages, values. NIOCore only; shared by the CQL server and client.
        .target(
            name: "CQLWire",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // The CQL server: serves the CQL engine (the embedded store) over the native protocol v4.
        .target(
            name: "CQLServer",
            dependencies: [
                "ServerListener",
                "CQLWire",
                "CQLEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The listening socket the protocol servers (Kafka, CQL) share: bind once, frame, bound the connections.
        .target(
            name: "ServerListener",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The CQL engine: parser, executor on the SQLite store, system tables, server-side DESCRIBE.
        .target(
            name: "CQLEngine",
            dependencies: [
                "CQLWire",
                "SQLiteStore",
                "UserStreamCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"]
        ),
        // CQL native protocol v4 client on SwiftNIO: connection pool over contact points, multiplexed streams,
        // prepared statements, paging, retries, authentication, TLS. For real Apache Cassandra clusters.
        .target(
            name: "CQLClient",
            dependencies: [
                "CQLWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Store port on Apache Cassandra, through CQLClient.
        .target(
            name: "CassandraStore",
            dependencies: [
                "UserStreamCore",
                "CQLClient",
                "CQLWire",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A local copy of a Cassandra keyspace's pipeline tables in an embedded store, for the dashboard and Trino.
        .target(
            name: "CassandraSnapshot",
            dependencies: [
                "CassandraStore",
                "CQLClient",
                "CQLWire",
                "SQLiteStore",
                "UserStreamCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The embedded, segmented, on-disk log storing Kafka v2 record batches.
        .target(
            name: "EmbeddedLog",
            dependencies: [
                "UserStreamCore",
                "KafkaWire",
                "KafkaCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Kafka broker: serves the embedded log over the Kafka wire protocol.
        .target(
            name: "KafkaBroker",
            dependencies: [
                "ServerListener",
                "KafkaWire",
                "EmbeddedLog",
                "UserStreamCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // librdkafka (Debian: librdkafka-dev), for KafkaLog only: a module map and a shim header.
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // The Log port on real Kafka clusters, through librdkafka. The C types stay internal.
        .target(
            name: "KafkaLog",
            dependencies: [
                "UserStreamCore",
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sources of users: randomuser.me over HTTP, synthetic generator, replay files.
        .target(
            name: "RandomUser",
            dependencies: [
                "UserStreamCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The embedded store: SQLite through GRDB.
        .target(
            name: "SQLiteStore",
            dependencies: [
                "UserStreamCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Trino's client protocol without HTTP: the JSON documents, the query lifecycle, Trino → SQLite translation.
        .target(
            name: "TrinoFrontEnd",
            dependencies: [
                "UserStreamCore",
                "SQLiteStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"]
        ),
        // Ingestor, processor, scheduler.
        .target(
            name: "Pipeline",
            dependencies: [
                "UserStreamCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The dashboard: HTML pages, server-sent pipeline health and the JSON API, as routes for the HTTP server.
        .target(
            name: "Dashboard",
            dependencies: [
                "SQLiteStore",
                "Pipeline",
                "UserStreamCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP server (Hummingbird): Trino's client protocol, /metrics, /healthz, /readyz, and the dashboard's routes.
        .target(
            name: "HTTPServer",
            dependencies: [
                "TrinoFrontEnd",
                "SQLiteStore",
                "Pipeline",
                "UserStreamCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The wiring of a userstream process: Sendable configuration (log, store, work, listeners) in, services out.
        .target(
            name: "UserStreamRuntime",
            dependencies: [
                "UserStreamCore",
                "EmbeddedLog",
                "KafkaLog",
                "SQLiteStore",
                "CassandraStore",
                "CassandraSnapshot",
                "KafkaBroker",
                "CQLEngine",
                "CQLServer",
                "HTTPServer",
                "Dashboard",
                "TrinoFrontEnd",
                "Pipeline",
                "RandomUser",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The `bench` harness: the pipeline over a fresh embedded log and store, and SQLite's raw insert ceiling.
        .target(
            name: "UserStreamBench",
            dependencies: [
                "UserStreamCore",
                "EmbeddedLog",
                "SQLiteStore",
                "Pipeline",
                "RandomUser",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "userstream",
            dependencies: [
                "HTTPServer",
                "CassandraSnapshot",
                "Dashboard",
                "UserStreamCore",
                "EmbeddedLog",
                "KafkaBroker",
                "KafkaLog",
                "CQLEngine",
                "CQLServer",
                "RandomUser",
                "SQLiteStore",
                "CassandraStore",
                "CQLClient",
                "CQLWire",
                "Pipeline",
                "UserStreamRuntime",
                "UserStreamBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmark: concurrent prepared inserts through our CQL client (`make bench-cql`).
        .executableTarget(
            name: "cql-bench",
            dependencies: ["CQLClient", "CQLWire"],
            path: "bench/CQLBench"
        ),
        // Test support: temporary directories, free ports, child processes, the interop virtualenv. Foundation only.
        .target(name: "UserStreamTestSupport"),
        // Test support: the contract suites every Log and Store implementation passes, and store fixtures.
        .target(name: "UserStreamContracts", dependencies: ["UserStreamCore"]),
        // Test support: our Kafka broker on an ephemeral port over an embedded log (`withTestKafkaBroker`).
        .target(
            name: "KafkaBrokerTestSupport",
            dependencies: [
                "UserStreamTestSupport", "KafkaBroker", "EmbeddedLog",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support: our CQL server on an ephemeral port over an embedded store (`withTestCQLServer`).
        .target(
            name: "CQLServerTestSupport",
            dependencies: [
                "UserStreamTestSupport", "CQLServer", "CQLEngine", "SQLiteStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support: a local randomuser-compatible server with fault injection (`withRandomUserTestServer`).
        .target(
            name: "RandomUserTestSupport",
            dependencies: [
                "RandomUser", "UserStreamCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "UserStreamCoreTests",
            dependencies: ["UserStreamCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "KafkaWireTests",
            dependencies: ["KafkaWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "KafkaCompressionTests",
            dependencies: ["KafkaCompression", "KafkaWire", .product(name: "NIOCore", package: "swift-nio")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "EmbeddedLogTests",
            dependencies: [
                "EmbeddedLog", "KafkaWire", "KafkaCompression", "UserStreamCore", "UserStreamContracts",
                "UserStreamTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CQLWireTests",
            dependencies: ["CQLWire", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "CQLServerTests",
            dependencies: [
                "CQLServer", "CQLEngine", "CQLWire", "SQLiteStore", "UserStreamCore", "CQLServerTestSupport",
                "UserStreamContracts", "UserStreamTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python interop scripts, run by the tests with the virtualenv's interpreter.
            exclude: ["Interop"]
        ),
        .testTarget(
            name: "CQLEngineTests",
            dependencies: [
                "CQLEngine", "CQLWire", "SQLiteStore", "UserStreamCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CQLClientTests",
            dependencies: [
                "CQLClient", "CQLWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CassandraStoreTests",
            dependencies: [
                "CassandraStore", "CassandraSnapshot", "SQLiteStore", "CQLClient", "UserStreamCore",
                "CQLServerTestSupport", "UserStreamContracts", "UserStreamTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KafkaBrokerTests",
            dependencies: [
                "KafkaBroker", "KafkaWire", "EmbeddedLog", "UserStreamCore", "KafkaBrokerTestSupport",
                "UserStreamTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python interop scripts, run by the tests with the virtualenv's interpreter.
            exclude: ["Interop"]
        ),
        .testTarget(
            name: "KafkaLogTests",
            dependencies: [
                "KafkaLog", "CRdKafka", "KafkaWire", "UserStreamCore", "KafkaBrokerTestSupport", "UserStreamContracts",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RandomUserTests",
            dependencies: [
                "RandomUser", "UserStreamCore", "RandomUserTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ServerListenerTests",
            dependencies: [
                "ServerListener",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // UserTable (UserStreamCore) is the one definition of created_users: each engine's table follows it.
        .testTarget(
            name: "UserTableTests",
            dependencies: [
                "UserStreamCore", "SQLiteStore", "CQLEngine", "CQLWire", "CassandraStore", "CassandraSnapshot",
                "TrinoFrontEnd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: [
                "SQLiteStore", "UserStreamCore", "UserStreamContracts",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrinoFrontEndTests",
            dependencies: [
                "TrinoFrontEnd", "SQLiteStore", "UserStreamCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "EmbeddedLog", "SQLiteStore", "RandomUser", "UserStreamCore", "RandomUserTestSupport",
                "UserStreamContracts", "UserStreamTestSupport",
                "KafkaLog", "KafkaBrokerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "SQLiteStore", "Pipeline", "EmbeddedLog", "RandomUser", "UserStreamCore",
                "UserStreamContracts", "UserStreamTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: [
                "HTTPServer", "TrinoFrontEnd", "SQLiteStore", "Pipeline", "EmbeddedLog", "UserStreamCore",
                "UserStreamContracts", "UserStreamTestSupport",
                // The dashboard's routes, for the OpenAPI document's route check.
                "Dashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Python interop scripts, run by the tests with the virtualenv's interpreter.
            exclude: ["Interop"]
        ),
        .testTarget(name: "CLITests", dependencies: ["UserStreamTestSupport"]),
        // A whole `run` built in process from a RuntimeConfiguration; the bench's insert ceiling.
        .testTarget(
            name: "UserStreamRuntimeTests",
            dependencies: [
                "UserStreamRuntime", "UserStreamBench", "UserStreamCore", "UserStreamContracts", "EmbeddedLog",
                "SQLiteStore", "Pipeline",
                "KafkaBroker", "KafkaLog", "CQLServer", "Dashboard", "RandomUser",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The Dockerfile, deploy/compose.yml (every userstream command line in it parsed by the CLI itself) and the
        // topic copy for moving to a Kafka cluster.
        .testTarget(
            name: "DeployTests",
            dependencies: [
                "userstream", "UserStreamTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
