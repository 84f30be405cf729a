import Foundation

/// `deploy/compose.yml` as `docker-compose config` resolves it (profiles, anchors, `${VAR}` from an env file).
struct ComposeProject {
    static let file = Deploy.path("deploy/compose.yml")
    static let exampleEnvironment = Deploy.path("deploy/.env.example")
    static let profiles = ["embedded", "distributed"]

    /// `docker-compose config` with every profile (Debian's docker-compose 1.29 needs no Docker engine for it).
    static func config(environmentFile: String = exampleEnvironment) async throws -> (Int32, String, String) {
        let output = try await Deploy.tool(
            "docker-compose",
            ["-f", file, "--env-file", environmentFile] + profiles.flatMap { ["--profile", $0] } + ["config"]
        )
        return (output.status, output.stdout, output.stderr)
    }

    static func load() async throws -> ComposeProject {
        let (status, stdout, stderr) = try await config()
        guard status == 0 else { throw DeployTestError("docker-compose config failed (\(status)): \(stderr)") }
        guard let tree = try await Deploy.yaml(stdout) as? [String: Any] else {
            throw DeployTestError("docker-compose config printed no mapping")
        }
        return ComposeProject(tree: tree)
    }

    var tree: [String: Any]
    var services: [String: [String: Any]] { tree.map("services").compactMapValues { $0 as? [String: Any] } }

    func service(_ name: String) -> [String: Any] { services[name] ?? [:] }

    /// The services that run our image.
    var userstreamServices: [String: [String: Any]] {
        services.filter { $0.value.string("image") == userstreamImage }
    }

    /// The image of the service built from the repository's Dockerfile.
    var userstreamImage: String? {
        services.values.first { service in
            let build = service.map("build")
            return build.string("context") == Deploy.root
                && (build.string("dockerfile") ?? "Dockerfile") == "Dockerfile"
        }?.string("image")
    }

    func environment(_ name: String) -> [String: String] {
        service(name).map("environment").compactMapValues { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
    }

    func profiles(_ name: String) -> [String] { service(name).strings("profiles") }

    /// The value after `option` in a command line.
    static func value(of option: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }
}
