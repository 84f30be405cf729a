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
        Self.json(.ok, ["status": "ok"])
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
        var document: [String: Any] = ["status": ready ? "ok" : "unavailable", "checks": checks]
        if !ready { document["failed"] = checks.filter { $0.value != "ok" }.keys.sorted() }
        return Self.json(ready ? .ok : .serviceUnavailable, document)
    }

    static func json(_ status: HTTPResponse.Status, _ document: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
