import Dashboard
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Bad input to the `/api` routes answers a clear 400 (or 413), never a default or a 5xx: the cases schemathesis
/// found against the OpenAPI document.
@Suite("Dashboard: parameters and bodies out of the documented ranges")
struct DashboardParameterTests {
    static func code(_ response: TestResponse) throws -> String {
        try DashboardFixture.decode(DashboardModels.ErrorBody.self, response.body).error.code
    }

    @Test func integerParametersOutOfRangeOrNotIntegersAre400() async throws {
        try await withDashboardFixture(users: 20) { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                for uri in [
                    "/api/runs?limit=abc", "/api/runs?limit=0", "/api/runs?limit=501", "/api/users/newest?limit=",
                    "/api/users/newest?limit=201", "/api/charts/nationalities?limit=-1",
                    "/api/charts/users-per-minute?minutes=10081", "/api/charts/users-per-minute?minutes=1e3",
                    "/api/events?count=0", "/api/events?count=x",
                ] {
                    try await client.execute(uri: uri, method: .get) { response in
                        #expect(response.status == .badRequest, "\(uri)")
                        let code = try Self.code(response)
                        #expect(code == "bad_parameter", "\(uri)")
                    }
                }
                try await client.execute(uri: "/api/users/newest?limit=200", method: .get) { response in
                    #expect(response.status == .ok)
                    let users = try DashboardFixture.decode([DashboardModels.User].self, response.body)
                    #expect(users.count == 20)
                }
            }
        }
    }

    /// The fixture's controller returns at most 50 rows.
    @Test func queryBodyLimitOutOfRangeIs400AndAnOversizedBodyIs413() async throws {
        try await withDashboardFixture(users: 5) { fixture in
            try await fixture.application(fixture.controller()).test(.router) { client in
                for limit in [0, 51, -5] {
                    let body = #"{"sql": "SELECT 1", "limit": \#(limit)}"#
                    try await client.execute(
                        uri: "/api/query",
                        method: .post,
                        body: ByteBuffer(string: body)
                    ) { response in
                        #expect(response.status == .badRequest, "\(limit)")
                        let code = try Self.code(response)
                        #expect(code == "bad_parameter", "\(limit)")
                    }
                }
                let large = #"{"sql": "SELECT '"# + String(repeating: "x", count: 1 << 20) + #"'"}"#
                try await client.execute(uri: "/api/query", method: .post, body: ByteBuffer(string: large)) {
                    response in
                    #expect(response.status == .contentTooLarge)
                    let code = try Self.code(response)
                    #expect(code == "too_large")
                }
                try await client.execute(
                    uri: "/api/query",
                    method: .post,
                    body: ByteBuffer(string: #"{"sql": "SELECT 1", "limit": 50}"#)
                ) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }
}
