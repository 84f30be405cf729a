import KafkaWire
import NIOCore
import NIOPosix

/// A bare TCP client for hostile-input tests: writes arbitrary bytes and reads whole response frames, or learns
/// that the broker closed the connection.
struct RawKafkaClient {
    enum Reply {
        case frame(ByteBuffer)
        case closed
    }

    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func connect(port: Int) async throws -> RawKafkaClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawKafkaClient(channel: channel)
    }

    /// Sends `bytes` and waits for one reply (or the close), then closes this client.
    func exchange(_ bytes: ByteBuffer, timeout: Duration = .seconds(10)) async throws -> Reply {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(bytes)
            return try await withThrowingTaskGroup(of: Reply?.self) { group in
                group.addTask {
                    var iterator = inbound.makeAsyncIterator()
                    do {
                        if let frame = try await iterator.next() { return .frame(frame) }
                    } catch {}
                    return .closed
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                guard let first else { throw TimedOut() }
                return first
            }
        }
    }

    struct TimedOut: Error {}

    /// A request frame: header v1 (or v2 for flexible versions) and a body.
    static func request(
        _ key: KafkaApiKey,
        version: Int16,
        correlationId: Int32 = 7,
        body: (inout ByteBuffer) -> Void
    ) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeKafkaFrame { buffer in
            buffer.writeKafkaRequestHeader(
                KafkaRequestHeader(
                    requestApiKey: key,
                    requestApiVersion: version,
                    correlationId: correlationId,
                    clientId: "raw-test"
                )
            )
            body(&buffer)
        }
        return buffer
    }
}
