import ArgumentParser
import Foundation
import Testing
import UserStreamTestSupport

@testable import userstream

/// `deploy/compose.yml` without a Docker engine: `docker-compose config` resolves it with `deploy/.env.example`, and
/// every userstream command line in it goes through the CLI's own parser and validation.
@Suite struct ComposeTests {
    @Test("docker-compose config resolves both profiles with the example env file, and refuses without credentials")
    func configResolves() async throws {
        let (status, _, stderr) = try await ComposeProject.config()
        #expect(status == 0, "\(stderr)")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = directory.path + "/env"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let (missing, _, message) = try await ComposeProject.config(environmentFile: empty)
        #expect(missing != 0)
        #expect(message.contains("deploy/.env"), "the error should say where to set the value: \(message)")
    }

    @Test("every userstream service's command line is one the CLI accepts, with documented USERSTREAM_* variables")
    func commandLinesParse() async throws {
        let project = try await ComposeProject.load()
        let services = project.userstreamServices
        #expect(Set(services.keys) == ["userstream", "ingest", "process", "serve"])
        for (name, service) in services.sorted(by: { $0.key < $1.key }) {
            // The image's ENTRYPOINT is `userstream`; the only other one is the every-minute loop around it.
            let entrypoint = service.strings("entrypoint")
            #expect(entrypoint.isEmpty || entrypoint == ["sh", "/deploy/userstream/every-minute.sh"], "\(name)")
            let arguments = service.strings("command")
            let command: any ParsableCommand
            do {
                command = try UserStream.parseAsRoot(arguments)
            } catch {
                let line = arguments.joined(separator: " ")
                Issue.record("service \(name): `userstream \(line)` is refused: \(UserStream.message(for: error))")
                continue
            }
            #expect(type(of: command) != UserStream.self, "service \(name) names no subcommand")
            let help = UserStream.helpMessage(for: type(of: command), columns: 10_000)
            for variable in project.environment(name).keys where variable.hasPrefix("USERSTREAM_") {
                #expect(
                    help.contains("env: \(variable)"),
                    "service \(name) sets \(variable), which `userstream \(arguments[0])` does not read"
                )
            }
            // Cluster addresses are service names of this file.
            for option in ["--kafka", "--cassandra"] {
                for endpoint in ComposeProject.value(of: option, in: arguments)?.split(separator: ",") ?? [] {
                    let host = String(endpoint.split(separator: ":")[0])
                    #expect(project.services[host] != nil, "service \(name): \(option) \(endpoint) is no service")
                }
            }
        }
    }

    @Test("embedded: one `userstream run` on every interface, its CQL listener behind a password from the env file")
    func embeddedProfile() async throws {
        let project = try await ComposeProject.load()
        let embedded = project.services.keys.filter { project.profiles($0).contains("embedded") }
        #expect(embedded == ["userstream"])
        let arguments = project.service("userstream").strings("command")
        #expect(arguments.first == "run")
        for option in ["--http-host", "--kafka-host", "--cql-host"] {
            #expect(ComposeProject.value(of: option, in: arguments) == "0.0.0.0", "\(option)")
        }
        #expect(arguments.contains("--cql-auth"))
        let environment = project.environment("userstream")
        #expect(environment["USERSTREAM_CQL_USER"]?.isEmpty == false)
        #expect(environment["USERSTREAM_CQL_PASSWORD"]?.isEmpty == false)
        let published = Set(project.service("userstream").strings("ports").compactMap(Self.containerPort))
        #expect(published == [8080, 9092, 9042])
        #expect(
            project.service("userstream").map("healthcheck").strings("test").joined(separator: " ").contains("/healthz")
        )
    }

    @Test("distributed: Kafka in KRaft mode, advertised to containers by service name and to the host")
    func kafka() async throws {
        let project = try await ComposeProject.load()
        #expect(project.service("kafka").string("image")?.hasPrefix("apache/kafka:") == true)
        #expect(!project.services.keys.contains { $0.contains("zookeeper") })
        let environment = project.environment("kafka")
        #expect(environment["KAFKA_PROCESS_ROLES"] == "broker,controller")
        #expect(environment.keys.allSatisfy { !$0.contains("ZOOKEEPER") })
        let advertised = (environment["KAFKA_ADVERTISED_LISTENERS"] ?? "").split(separator: ",").map(String.init)
        #expect(advertised.contains("INTERNAL://kafka:9092"), "\(advertised)")
        let external = try #require(advertised.first { $0.hasPrefix("EXTERNAL://") })
        let externalPort = try #require(Int(external.split(separator: ":").last ?? ""))
        let published = project.service("kafka").strings("ports")
        #expect(published.contains { $0.contains(":\(externalPort):") }, "host port \(externalPort) is not published")
        #expect(environment["KAFKA_LISTENERS"]?.contains("EXTERNAL://:29092") == true)
    }

    @Test("distributed: the processors are replicas of one consumer group, no more than the topic's partitions")
    func processors() async throws {
        let project = try await ComposeProject.load()
        let process = project.service("process")
        let replicas = try #require(Int(process.map("deploy").string("replicas") ?? ""))
        #expect(replicas == 3)
        let arguments = process.strings("command")
        #expect(ComposeProject.value(of: "--group", in: arguments) == "userstream")
        let partitions = try #require(Int(ComposeProject.value(of: "--partitions", in: arguments) ?? ""))
        #expect(replicas <= partitions, "\(replicas) processors for \(partitions) partitions: some would idle")
        // The ingestor creates users_created with the same partition count.
        let ingest = project.service("ingest").strings("command")
        #expect(ComposeProject.value(of: "--partitions", in: ingest) == String(partitions))
        #expect(project.environment("kafka")["KAFKA_NUM_PARTITIONS"] == String(partitions))
    }

    @Test("distributed: servers have health checks, and services start after what they need is healthy")
    func healthAndOrder() async throws {
        let project = try await ComposeProject.load()
        for name in ["userstream", "kafka", "cassandra", "serve", "trino", "superset"] {
            let test = project.service(name).map("healthcheck").strings("test")
            #expect(!test.isEmpty && test != ["NONE"], "\(name) has no health check")
        }
        // No HTTP server in these: the image's /healthz check would mark them unhealthy.
        for name in ["ingest", "process"] {
            #expect(project.service(name).map("healthcheck").strings("test") == ["NONE"], "\(name)")
        }
        let clusters = ["kafka": "service_healthy", "cassandra-init": "service_completed_successfully"]
        for name in ["ingest", "process", "serve"] {
            let dependencies = project.service(name).map("depends_on")
            for (dependency, condition) in clusters {
                #expect(dependencies.map(dependency).string("condition") == condition, "\(name) → \(dependency)")
            }
        }
        #expect(
            project.service("cassandra-init").map("depends_on").map("cassandra").string("condition")
                == "service_healthy"
        )
        #expect(project.service("superset").map("depends_on").map("trino").string("condition") == "service_healthy")
    }

    @Test("credentials are required from the env file, never written in compose.yml")
    func credentials() async throws {
        // The file as written (anchors merged, nothing interpolated).
        let raw = try #require(try await Deploy.yaml(try Deploy.read("deploy/compose.yml")) as? [String: Any])
        let example = try Self.exampleVariables()
        var secrets = 0
        for (name, service) in raw.map("services") {
            let environment = (service as? [String: Any])?.map("environment") ?? [:]
            for (key, value) in environment where key.contains("PASSWORD") || key.contains("SECRET") {
                secrets += 1
                let text = value as? String ?? ""
                let required = text.range(of: #"^\$\{([A-Z0-9_]+):\?[^}]+\}$"#, options: .regularExpression) != nil
                #expect(required, "\(name).\(key) must be ${VAR:?…} from deploy/.env, not \(text)")
            }
        }
        #expect(secrets >= 6)
        // Every required variable has a line in the example, so `cp .env.example .env` gives a working file.
        let text = try Deploy.read("deploy/compose.yml").split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
        let pattern = try NSRegularExpression(pattern: #"\$\{([A-Z0-9_]+):\?"#)
        let range = NSRange(text.startIndex..., in: text)
        for match in pattern.matches(in: text, range: range) {
            let variable = String(text[Range(match.range(at: 1), in: text)!])
            #expect(example[variable]?.isEmpty == false, "\(variable) is missing from deploy/.env.example")
        }
        #expect(try String(contentsOfFile: Deploy.path(".gitignore"), encoding: .utf8).contains("deploy/.env"))
    }

    @Test("Trino's Cassandra catalog points at the cassandra service, its data center and the role from the env file")
    func trinoCatalog() async throws {
        let project = try await ComposeProject.load()
        let trino = project.service("trino")
        #expect(trino.string("image")?.hasPrefix("trinodb/trino:") == true)
        let mount = "/etc/trino/catalog/cassandra.properties"
        #expect(
            trino.strings("volumes").contains { $0.hasSuffix(":\(mount):ro") && $0.contains("deploy/trino/catalog/") }
        )
        var properties: [String: String] = [:]
        for line in try Deploy.read("deploy/trino/catalog/cassandra.properties").split(separator: "\n")
        where !line.hasPrefix("#") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { properties[pair[0]] = pair[1] }
        }
        #expect(properties["connector.name"] == "cassandra")
        let contactPoints = properties["cassandra.contact-points"]?.split(separator: ",").map(String.init) ?? []
        #expect(!contactPoints.isEmpty && contactPoints.allSatisfy { project.services[$0] != nil }, "\(contactPoints)")
        #expect(
            properties["cassandra.load-policy.dc-aware.local-dc"] == project.environment("cassandra")["CASSANDRA_DC"]
        )
        // Trino substitutes ${ENV:NAME} from its container's environment.
        for key in ["cassandra.username", "cassandra.password"] {
            let value = try #require(properties[key])
            let variable = String(value.dropFirst("${ENV:".count).dropLast())
            #expect(value.hasPrefix("${ENV:") && project.environment("trino")[variable]?.isEmpty == false, "\(key)")
        }
    }

    @Test(
        "Superset's bundle: the Trino database, the created_users dataset, and charts and a dashboard on it"
    )
    func supersetBundle() async throws {
        let project = try await ComposeProject.load()
        let bundle = "deploy/superset/dashboard/"
        func load(_ path: String) async throws -> [String: Any] {
            try #require(try await Deploy.yaml(try Deploy.read(bundle + path)) as? [String: Any], "\(path)")
        }
        let metadata = try await load("metadata.yaml")
        #expect(metadata.string("type") == "Dashboard")
        let database = try await load("databases/UserStream.yaml")
        let uri = try #require(database.string("sqlalchemy_uri"))
        #expect(uri == "trino://trino@trino:8080/cassandra/spark_streams")
        #expect(project.services["trino"] != nil)
        let dataset = try await load("datasets/UserStream/created_users.yaml")
        #expect(dataset.string("schema") == "spark_streams" && dataset.string("table_name") == "created_users")
        #expect(dataset.string("database_uuid") == database.string("uuid"))
        let columns = Set(dataset.list("columns").compactMap { ($0 as? [String: Any])?.string("column_name") })
        let seedColumns: Set = [
            "id", "first_name", "last_name", "gender", "address", "post_code", "email", "username", "dob",
            "registered_date", "phone", "picture",
        ]
        #expect(seedColumns.isSubset(of: columns), "\(seedColumns.subtracting(columns))")

        let chartFiles = try FileManager.default.contentsOfDirectory(atPath: Deploy.path(bundle + "charts"))
        var charts: Set<String> = []
        for file in chartFiles where file.hasSuffix(".yaml") {
            let chart = try await load("charts/" + file)
            #expect(chart.string("dataset_uuid") == dataset.string("uuid"), "\(file)")
            let params = chart.map("params")
            for column in params.strings("groupby") + params.strings("all_columns") + [params.string("x_axis") ?? "id"]
            {
                #expect(columns.contains(column), "\(file) uses the unknown column \(column)")
            }
            charts.insert(try #require(chart.string("uuid")))
        }
        #expect(charts.count >= 3)
        let dashboards = try FileManager.default.contentsOfDirectory(atPath: Deploy.path(bundle + "dashboards"))
        let dashboard = try await load("dashboards/" + (try #require(dashboards.first)))
        let placed = Set(
            dashboard.map("position").values.compactMap { node in
                (node as? [String: Any]).flatMap { $0.string("type") == "CHART" ? $0.map("meta").string("uuid") : nil }
            }
        )
        #expect(placed == charts)

        let superset = project.service("superset")
        #expect(superset.strings("command") == ["bash", "/deploy/superset/bootstrap.sh"])
        let bootstrap = try Deploy.read("deploy/superset/bootstrap.sh")
        #expect(bootstrap.contains("superset import-dashboards") && bootstrap.contains("/deploy/superset"))
        // The image is the release `make test-superset` tests, with the same Trino driver.
        let dockerfile = try Deploy.read("deploy/superset/Dockerfile")
        let tested = try Deploy.read("integrations/superset/requirements.txt").split(separator: "\n")
        let supersetPin = try #require(tested.first { $0.hasPrefix("apache_superset==") }?.split(separator: "=").last)
        let trinoPin = try #require(tested.first { $0.hasPrefix("trino==") }?.split(separator: "=").last)
        #expect(dockerfile.contains("FROM apache/superset:\(supersetPin)\n"))
        #expect(dockerfile.contains("\"trino[sqlalchemy]==\(trinoPin)\""))
    }

    /// `deploy/.env.example` as name → value.
    static func exampleVariables() throws -> [String: String] {
        var variables: [String: String] = [:]
        for line in try Deploy.read("deploy/.env.example").split(separator: "\n") where !line.hasPrefix("#") {
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { variables[pair[0]] = pair[1] }
        }
        return variables
    }

    /// The container port of a published port `host:port:container[/tcp]`.
    static func containerPort(_ mapping: String) -> Int? {
        mapping.split(separator: ":").last.flatMap { Int($0.split(separator: "/")[0]) }
    }
}
