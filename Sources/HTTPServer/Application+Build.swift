import Hummingbird
import Logging
import NIOCore

/// A function adding routes to the router, e.g. the dashboard's controller: `{ DashboardController(…).addRoutes(to: $0) }`.
public typealias HTTPRouteRegistration = @Sendable (Router<BasicRequestContext>) -> Void

/// The router of the HTTP server: Trino's client protocol (`/v1/statement`, `/v1/info`), `/metrics`, `/healthz`,
/// `/readyz`, `/openapi.json` (``OpenAPIDocument``), then `extraRoutes` (the dashboard and `/api/…`). Every route
/// counts in `userstream_http_requests_total{route,method,status}`.
public func buildRouter(
    _ context: HTTPServerContext,
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    extraRoutes: [HTTPRouteRegistration] = []
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: HTTPMetricsMiddleware())
    TrinoController(context: context, maxBodyBytes: configuration.maxRequestBodyBytes).addRoutes(to: router)
    HealthController(context: context).addRoutes(to: router)
    MetricsController().addRoutes(to: router)
    OpenAPIDocument.addRoutes(to: router)
    for register in extraRoutes { register(router) }
    // Applies to the requests no route took (the router's not-found answer), so it can be added last.
    router.add(middleware: MethodNotAllowedMiddleware(router.routes.map { ($0.path.description, $0.method.rawValue) }))
    return router
}

/// The HTTP server as a `Service` for the process's `ServiceGroup`.
///
/// - Parameters:
///   - onServerRunning: called once the socket is bound, with the bound port (useful with port 0).
public func buildApplication(
    _ context: HTTPServerContext,
    configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    extraRoutes: [HTTPRouteRegistration] = [],
    logger: Logger = Logger(label: "userstream.http"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    HTTPMetrics.bootstrap()
    let router = buildRouter(context, configuration: configuration, extraRoutes: extraRoutes)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "userstream"
        ),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("http.listening", metadata: ["http.host": "\(configuration.host)", "http.port": "\(port)"])
            await onServerRunning(port)
        },
        logger: logger
    )
}
