import Hummingbird
import NIOCore

/// `/metrics`: everything recorded through swift-metrics, in Prometheus' text format (version 0.0.4).
struct MetricsController: Sendable {
    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_: Request, _: BasicRequestContext) async throws -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        HTTPMetrics.registry.emit(into: &bytes)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
