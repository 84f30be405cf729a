import ArgumentParser
import CQLServer

/// Settings of the CQL listener shared by `store` and `run`.
struct CQLServerOptions: ParsableArguments {
    @Flag(
        name: .customLong("cql-auth"),
        help: """
            Require a password (Cassandra's PasswordAuthenticator); always on when listening on a non-loopback \
            address. (env: USERSTREAM_CQL_AUTH)
            """
    )
    var authFlag: Bool = false

    @Option(help: "The user CQL clients log in as. (env: USERSTREAM_CQL_USER)")
    var cqlUser: String = Env.string("CQL_USER", "cassandra")

    @Option(help: "That user's password. (env: USERSTREAM_CQL_PASSWORD)")
    var cqlPassword: String = Env.string("CQL_PASSWORD", "cassandra")

    @Option(help: "The largest CQL frame accepted, in bytes. (env: USERSTREAM_CQL_MAX_FRAME_BYTES)")
    var cqlMaxFrameBytes: Int = Env.int("CQL_MAX_FRAME_BYTES", 16 * 1024 * 1024)

    var auth: Bool { authFlag || Env.bool("CQL_AUTH", false) }

    func validate() throws {
        guard (1024...(256 << 20)).contains(cqlMaxFrameBytes) else {
            throw ValidationError("--cql-max-frame-bytes must be in 1024…268435456")
        }
        guard !cqlUser.isEmpty else { throw ValidationError("--cql-user must not be empty") }
    }

    func configuration(host: String, port: Int) -> CQLServerConfiguration {
        var configuration = CQLServerConfiguration(host: host, port: port)
        if auth || !configuration.isLoopback {
            configuration.authentication = .init(users: [cqlUser: cqlPassword])
        }
        configuration.maxFrameBytes = cqlMaxFrameBytes
        return configuration
    }
}
