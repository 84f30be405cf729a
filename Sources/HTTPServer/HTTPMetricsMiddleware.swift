import Hummingbird
import Metrics

/// Counts every request in `userstream_http_requests_total{route,method,status}`, `route` being the matched route
/// pattern (e.g. `/v1/statement/**`), never the raw path.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int) {
        Counter(
            label: "userstream_http_requests_total",
            dimensions: [
                ("route", context.endpointPath ?? "unmatched"), ("method", request.method.rawValue),
                ("status", String(status)),
            ]
        ).increment()
    }
}
