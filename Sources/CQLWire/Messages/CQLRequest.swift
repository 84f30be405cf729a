import NIOCore

/// A message a client sends, one case per request opcode (native_protocol_v4.spec §4.1).
public enum CQLRequest: Hashable, Sendable {
    case startup(CQLStartup)
    case authResponse(CQLAuthResponse)
    case options(CQLOptions)
    case query(CQLQuery)
    case prepare(CQLPrepare)
    case execute(CQLExecute)
    case batch(CQLBatch)
    case register(CQLRegister)

    /// Decodes a request frame's message (its envelope, custom payload included, is split off first).
    ///
    /// - Throws: ``CQLWireError`` `.unsupportedVersion` for a frame that is not v4 (answer it with
    ///   ``CQLError/unsupportedProtocolVersion(_:)``), `.malformed` for a response or an unknown opcode, and the
    ///   message's own decoding errors.
    public init(frame: CQLFrame) throws(CQLWireError) {
        try requireCQLv4(frame.header.version, "request frame")
        guard !frame.header.isResponse else {
            throw CQLWireError(.malformed, "\(frame.header.opcode) frame has the response bit set")
        }
        let body = try frame.envelope().message
        let version = frame.header.version
        switch frame.header.opcode {
        case .startup: self = .startup(try CQLStartup(decoding: body, version: version))
        case .authResponse: self = .authResponse(try CQLAuthResponse(decoding: body, version: version))
        case .options: self = .options(try CQLOptions(decoding: body, version: version))
        case .query: self = .query(try CQLQuery(decoding: body, version: version))
        case .prepare: self = .prepare(try CQLPrepare(decoding: body, version: version))
        case .execute: self = .execute(try CQLExecute(decoding: body, version: version))
        case .batch: self = .batch(try CQLBatch(decoding: body, version: version))
        case .register: self = .register(try CQLRegister(decoding: body, version: version))
        default: throw CQLWireError(.malformed, "\(frame.header.opcode) is not a request opcode")
        }
    }

    /// The message inside.
    public var message: any CQLMessage {
        switch self {
        case .startup(let message): message
        case .authResponse(let message): message
        case .options(let message): message
        case .query(let message): message
        case .prepare(let message): message
        case .execute(let message): message
        case .batch(let message): message
        case .register(let message): message
        }
    }
}
