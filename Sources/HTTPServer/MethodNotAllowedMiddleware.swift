import Foundation
import Hummingbird
import NIOCore

/// Answers `405 Method Not Allowed`, with `Allow` and a JSON error (`method_not_allowed`), to a request whose path
/// is a route of the router but whose method is not one of the route's (the router alone answers 404). Added last,
/// so it sees only the requests no route took.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A route's path split in segments (`*`, `:name` match one segment, `**` the rest), with its methods.
    struct Route: Sendable {
        var segments: [Substring]
        var methods: Set<String>

        func matches(_ path: [Substring]) -> Bool {
            for (index, segment) in segments.enumerated() {
                if segment == "**" { return path.count > index }
                guard index < path.count else { return false }
                if segment == "*" || segment.hasPrefix(":") || segment.hasPrefix("{") { continue }
                if segment != path[index] { return false }
            }
            return path.count == segments.count
        }
    }

    let routes: [Route]

    init(_ routes: [(path: String, method: String)]) {
        var methods: [String: Set<String>] = [:]
        for route in routes { methods[route.path, default: []].insert(route.method) }
        self.routes = methods.map { Route(segments: $0.key.split(separator: "/"), methods: $0.value) }
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.split(separator: "/")
            let allowed = routes.filter { $0.matches(path) }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            let allow = allowed.sorted().joined(separator: ", ")
            var response = try JSONResponse.response(
                .methodNotAllowed,
                ErrorAnswer(
                    error: .init(
                        code: "method_not_allowed",
                        message: "\(request.method.rawValue) is not allowed on \(request.uri.path); allowed: \(allow)"
                    )
                )
            )
            response.headers[.allow] = allow
            return response
        }
    }
}

/// The JSON error answer: `{"error": {"code": …, "message": …}}`.
struct ErrorAnswer: Encodable, Sendable {
    struct Detail: Encodable, Sendable {
        var code: String
        var message: String
    }
    var error: Detail
}
