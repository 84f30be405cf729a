import Foundation
import Hummingbird
import NIOCore

/// `/healthz` (the process answers) and `/readyz` (the store answers a query, under `run` the scheduler runs, and
/// the context's other checks pass: the log, Cassandra).
struct HealthController: Sendable {
    let context: HTTPServerContext

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz", use: healthz)
        router.get("/readyz", use: readyz)
    }

    @Sendable func healthz(_: Request, _: BasicRequestContext) async throws -> Response {
        try JSONResponse.response(.ok, HealthAnswer(status: "ok"))
    }

    @Sendable func readyz(_: Request, _: BasicRequestContext) async throws -> Response {
        var checks: [String: String] = [:]
        do {
            _ = try await context.store.query("SELECT 1", limit: 1)
            checks["store"] = "ok"
        } catch {
            checks["store"] = "failed: \(error)"
        }
        if let scheduler = context.scheduler {
            checks["scheduler"] = scheduler.isServing ? "ok" : "failed: not running"
        }
        await withTaskGroup(of: (String, String).self) { group in
            for check in context.readiness {
                group.addTask { (check.name, await check.outcome()) }
            }
            for await (name, outcome) in group { checks[name] = outcome }
        }
        let ready = checks.values.allSatisfy { $0 == "ok" }
        let answer = HealthAnswer(
            status: ready ? "ok" : "unavailable",
            checks: checks,
            failed: ready ? nil : checks.filter { $0.value != "ok" }.keys.sorted()
        )
        return try JSONResponse.response(ready ? .ok : .serviceUnavailable, answer)
    }
}

/// The answer of `/healthz` (status only) and `/readyz` (each check's outcome, and the failed ones' names).
struct HealthAnswer: Encodable, Sendable {
    /// `ok`, or `unavailable` when a check failed.
    var status: String
    /// Check name → `ok` or `failed: <why>`.
    var checks: [String: String]? = nil
    /// The failed checks' names, sorted; absent when ready.
    var failed: [String]? = nil
}

/// JSON answers with sorted keys, as `application/json`.
enum JSONResponse {
    static func response(_ status: HTTPResponse.Status, _ answer: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(answer)))
        )
    }
}
