/// Where the HTTP server listens.
public struct HTTPServerConfiguration: Sendable, Hashable {
    /// The address to bind. Default `"127.0.0.1"`.
    public var host: String
    /// The port to bind; `0` lets the system choose (learn it through `onServerRunning`). Default 8080.
    public var port: Int
    /// The largest request body accepted (a Trino statement's SQL), in bytes. Default 4 MiB.
    public var maxRequestBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxRequestBodyBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }
}
