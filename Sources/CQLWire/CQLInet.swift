/// A node address as the protocol's `[inet]` carries it (native_protocol_v4.spec §3): an IPv4 (4 bytes) or IPv6
/// (16 bytes) address and a port.
public struct CQLInet: Hashable, Sendable {
    /// 4 or 16 bytes, network order.
    public var address: [UInt8]
    public var port: Int32

    public init(address: [UInt8], port: Int32) {
        self.address = address
        self.port = port
    }
}
