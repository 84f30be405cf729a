import Foundation
import HTTPServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Metrics
import NIOCore
import Testing

@Suite("HTTP router: health, readiness, metrics, Trino's /v1/info")
struct HTTPRouterTests {
    @Test func healthzAnswersOK() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.json?["status"] as? String == "ok")
                }
            }
        }
    }

    @Test func readyzIsOKWhileTheStoreAnswersAnd503OnceItIsClosed() async throws {
        try await withHTTPTestStore(users: 3) { fixture in
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.json?["status"] as? String == "ok")
                }
                try await fixture.store.close()
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.json?["failed"] as? [String] == ["store"])
                }
            }
        }
    }

    @Test func metricsAreInPrometheusTextFormatAndCountHTTPRequests() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            let app = fixture.application()  // bootstraps the Prometheus backend
            Counter(label: "userstream_produced_total").increment(by: 0)
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { _ in }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = response.text
                    #expect(text.contains("# TYPE userstream_produced_total counter"))
                    #expect(text.contains("# TYPE userstream_http_requests_total counter"))
                    #expect(text.contains(#"route="/healthz""#))
                    #expect(text.contains(#"status="200""#))
                }
            }
        }
    }

    @Test func infoDescribesACoordinator() async throws {
        try await withHTTPTestStore(users: 0) { fixture in
            try await fixture.application().test(.router) { client in
                try await client.execute(uri: "/v1/info", method: .get) { response in
                    #expect(response.status == .ok)
                    let json = try #require(response.json)
                    #expect(json["coordinator"] as? Bool == true)
                    #expect(json["starting"] as? Bool == false)
                    #expect((json["nodeVersion"] as? [String: Any])?["version"] as? String != nil)
                    #expect((json["uptime"] as? String)?.hasSuffix("m") == true)
                }
            }
        }
    }
}
