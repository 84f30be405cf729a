/// A frame's flags byte (native_protocol_v4.spec §2.2).
public struct CQLFrameFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x01: the body is compressed (with the algorithm agreed in STARTUP).
    public static let compression = CQLFrameFlags(rawValue: 0x01)
    /// 0x02: a request asks for tracing; a response's body starts with the tracing id ([uuid]).
    public static let tracing = CQLFrameFlags(rawValue: 0x02)
    /// 0x04: a custom payload ([bytes map]) follows the tracing id and warnings.
    public static let customPayload = CQLFrameFlags(rawValue: 0x04)
    /// 0x08: a response carries warnings ([string list]) after the tracing id.
    public static let warning = CQLFrameFlags(rawValue: 0x08)
    /// 0x10: the client opts in to a beta protocol version (v5).
    public static let beta = CQLFrameFlags(rawValue: 0x10)
}
