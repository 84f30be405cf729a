import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TrinoFrontEnd

/// Trino's client REST protocol on the store: `POST /v1/statement`, `GET`/`DELETE` of a `nextUri`, `GET /v1/info`.
/// `nextUri`s are built from the request's `Host` header, so clients reaching the server under another name (a
/// container name, a proxy) follow them to the same place.
struct TrinoController: Sendable {
    let context: HTTPServerContext
    let maxBodyBytes: Int

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/statement", use: submit)
        router.get("/v1/statement/**", use: next)
        router.delete("/v1/statement/**", use: cancel)
        router.get("/v1/info", use: info)
    }

    @Sendable func submit(_ request: Request, _: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let sql = String(buffer: body)
        let session = TrinoSession(headers: request.headers.map { (name: $0.name.rawName, value: $0.value) })
        let response = context.trino.submit(sql: sql, session: session, baseURL: Self.baseURL(of: request))
        return try Self.answer(response)
    }

    @Sendable func next(_ request: Request, _: BasicRequestContext) async throws -> Response {
        guard let path = TrinoStatementPath(path: request.uri.path) else {
            throw HTTPError(.notFound, message: "Not a statement path: \(request.uri.path)")
        }
        let response: TrinoResponse
        do throws(TrinoRequestError) {
            response = try await context.trino.next(
                queryID: path.queryID,
                slug: path.slug,
                token: path.token,
                baseURL: Self.baseURL(of: request)
            )
        } catch {
            throw HTTPError(HTTPResponse.Status(code: error.httpStatus), message: error.message)
        }
        return try Self.answer(response)
    }

    @Sendable func cancel(_ request: Request, _: BasicRequestContext) async throws -> Response {
        guard let path = TrinoStatementPath(path: request.uri.path) else {
            throw HTTPError(.notFound, message: "Not a statement path: \(request.uri.path)")
        }
        _ = context.trino.cancel(queryID: path.queryID, slug: path.slug)
        return Response(status: .noContent)
    }

    /// `GET /v1/info`: what the Python client and Superset probe.
    @Sendable func info(_: Request, _: BasicRequestContext) async throws -> Response {
        let uptime = ContinuousClock.now - context.startedAt
        let minutes = Double(uptime.components.seconds) / 60 + Double(uptime.components.attoseconds) / 6e19
        let answer = TrinoServerInfo(
            nodeVersion: .init(version: context.version),
            environment: "userstream",
            coordinator: true,
            starting: false,
            uptime: String(format: "%.2fm", minutes)
        )
        return try JSONResponse.response(.ok, answer)
    }

    static func answer(_ response: TrinoResponse) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers.append(HTTPField(name: name, value: header.value))
        }
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try response.jsonBody()))
        )
    }

    /// `http://<Host header>`, honouring `X-Forwarded-Proto` (and `X-Forwarded-Host`) behind a proxy.
    static func baseURL(of request: Request) -> String {
        let forwardedHost = HTTPField.Name("X-Forwarded-Host").flatMap { request.headers[$0] }
        let forwardedProto = HTTPField.Name("X-Forwarded-Proto").flatMap { request.headers[$0] }
        let host =
            forwardedHost ?? request.head.authority
            ?? HTTPField.Name("Host").flatMap { request.headers[$0] } ?? "localhost:8080"
        let scheme = forwardedProto ?? "http"
        return "\(scheme)://\(host)"
    }
}

/// `GET /v1/info`'s answer, as a Trino coordinator gives it.
struct TrinoServerInfo: Encodable, Sendable {
    struct NodeVersion: Encodable, Sendable {
        var version: String
    }

    var nodeVersion: NodeVersion
    var environment: String
    var coordinator: Bool
    var starting: Bool
    /// Minutes since start, e.g. `12.50m`.
    var uptime: String
}
