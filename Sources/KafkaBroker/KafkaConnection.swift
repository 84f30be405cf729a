import KafkaWire
import Logging
import NIOCore

/// One client connection: reads whole request frames (bounded by the frame decoder), answers them one at a time in
/// order, and closes on a request Kafka would close for (unparseable header, unknown API, unsupported version).
struct KafkaConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let handler: KafkaRequestHandler
    let logger: Logger

    func run() async {
        var logger = self.logger
        let peer = channel.channel.remoteAddress?.description ?? "unknown"
        logger[metadataKey: "kafka.client"] = "\(peer)"
        let clientHost = channel.channel.remoteAddress?.ipAddress.map { "/" + $0 } ?? "/unknown"
        do {
            try await channel.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    switch await handler.handle(frame: frame, clientHost: clientHost, logger: logger) {
                    case .respond(let response):
                        try await outbound.write(response)
                    case .noResponse:
                        continue
                    case .close(let reason):
                        logger.info("kafka.connection_closed", metadata: ["kafka.reason": "\(reason)"])
                        return
                    }
                }
            }
        } catch let error as KafkaWireError {
            logger.info("kafka.bad_frame", metadata: ["error": "\(error)"])
        } catch is CancellationError {
        } catch {
            logger.debug("kafka.connection_error", metadata: ["error": "\(error)"])
        }
    }
}
