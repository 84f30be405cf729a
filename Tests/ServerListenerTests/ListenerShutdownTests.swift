import Logging
import NIOCore
import NIOPosix
import ServerListener
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Passes every byte through as one message.
struct PassThroughDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        return .continue
    }
}

@Suite("TCPListener shutdown")
struct ListenerShutdownTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Clients keep connecting while the server is cancelled: connections the listener accepted but had not handed
    /// over yet must be closed properly (NIO traps on a connection dropped with its writer unfinished), every served
    /// connection must end, and `serve` must return.
    @Test func cancellingWhileClientsConnectClosesEveryConnection() async throws {
        for round in 0..<20 {
            let listener = TCPListener(
                name: "test",
                configuration: .init(host: "127.0.0.1", port: 0, maxConnections: 1_000),
                logger: Self.logger,
                makeDecoder: { PassThroughDecoder() }
            )
            let port = try await listener.bind()
            let served = Atomic<Int>(0)
            let serving = Task {
                await listener.serve { connection in
                    served.wrappingAdd(1, ordering: .relaxed)
                    try? await connection.executeThenClose { inbound, _ in
                        for try await _ in inbound {}
                    }
                }
            }
            let connecting = Task.detached { Self.connect(port: port, count: 200) }
            try await Task.sleep(for: .milliseconds(2 + round % 5))
            serving.cancel()
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await serving.value
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return false
                }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            #expect(finished, "serve did not return after cancellation (round \(round))")
            let sockets = await connecting.value
            for socket in sockets { close(socket) }
        }
    }

    /// Opens up to `count` TCP connections to the port as fast as it can; returns their descriptors.
    static func connect(port: Int, count: Int) -> [Int32] {
        var sockets: [Int32] = []
        for _ in 0..<count {
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { break }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                close(fd)
                break
            }
            sockets.append(fd)
        }
        return sockets
    }
}
