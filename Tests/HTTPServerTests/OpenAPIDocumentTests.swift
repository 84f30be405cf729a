import Dashboard
import Foundation
import HTTPServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document (`GET /openapi.json`) and the router: the same routes, served verbatim.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// Method and path of every route the router of `serve`/`run` registers: the server's own and the dashboard's.
    static func registeredRoutes(_ fixture: HTTPTestStore) -> Set<String> {
        let dashboard = DashboardController(store: fixture.store, scheduler: nil, logOffsets: nil)
        let router = buildRouter(fixture.context, extraRoutes: [{ dashboard.addRoutes(to: $0) }])
        return Set(
            router.routes.map { "\($0.method.rawValue) \($0.path.description)" }
                .filter { route in
                    !OpenAPIDocument.undescribedPathPrefixes.contains { route.split(separator: " ")[1].hasPrefix($0) }
                }
        )
    }

    /// Method and path of every operation in the document.
    static func documentedRoutes() throws -> Set<String> {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]
        )
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where method != "parameters" {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedOneRegistered() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            let registered = Self.registeredRoutes(fixture)
            let documented = try Self.documentedRoutes()
            #expect(registered.count > 20, "\(registered.sorted())")
            #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented))")
            #expect(documented.subtracting(registered).isEmpty, "not registered: \(documented.subtracting(registered))")
        }
    }

    @Test func theDocumentIsServedVerbatimAsJSON() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(String(buffer: response.body) == OpenAPIDocument.json)
                }
            }
            let document = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any]
            #expect(document?["openapi"] as? String == "3.0.3")
        }
    }
}

extension OpenAPIDocumentTests {
    @Test func aMethodARouteDoesNotHaveIs405WithAllowAndAnUnknownPath404() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: "/healthz", method: .put) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET")
                    #expect(String(buffer: response.body).contains("\"code\":\"method_not_allowed\""))
                }
                try await client.execute(uri: "/v1/statement/executing/x/y/1", method: .post) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "DELETE, GET")
                }
                try await client.execute(uri: "/healthz/more", method: .put) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/nothing", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }
}
