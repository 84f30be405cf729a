import ServiceLifecycle

/// A service that does one piece of work and returns; the group then shuts down gracefully.
struct OneShotService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try await body()
    }
}
