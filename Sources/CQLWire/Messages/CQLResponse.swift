import NIOCore

/// A message a server sends, one case per response opcode (native_protocol_v4.spec §4.2).
public enum CQLResponse: Hashable, Sendable {
    case error(CQLError)
    case ready(CQLReady)
    case authenticate(CQLAuthenticate)
    case supported(CQLSupported)
    case result(CQLResult)
    case event(CQLEvent)
    case authChallenge(CQLAuthChallenge)
    case authSuccess(CQLAuthSuccess)

    /// Decodes a response frame's message (tracing id, warnings and custom payload are split off first; use
    /// ``CQLFrame/envelope()`` to see them).
    ///
    /// - Parameter knownColumns: for a RESULT Rows without metadata, the columns the statement was prepared with.
    /// - Throws: ``CQLWireError`` `.unsupportedVersion` for a frame that is not v4, `.malformed` for a request or an
    ///   unknown opcode, and the message's own decoding errors.
    public init(frame: CQLFrame, knownColumns: [CQLColumnSpec]? = nil) throws(CQLWireError) {
        try requireCQLv4(frame.header.version, "response frame")
        guard frame.header.isResponse else {
            throw CQLWireError(.malformed, "\(frame.header.opcode) frame does not have the response bit set")
        }
        let body = try frame.envelope().message
        let version = frame.header.version
        switch frame.header.opcode {
        case .error: self = .error(try CQLError(decoding: body, version: version))
        case .ready: self = .ready(try CQLReady(decoding: body, version: version))
        case .authenticate: self = .authenticate(try CQLAuthenticate(decoding: body, version: version))
        case .supported: self = .supported(try CQLSupported(decoding: body, version: version))
        case .result:
            self = .result(try CQLResult(decoding: body, version: version, knownColumns: knownColumns))
        case .event: self = .event(try CQLEvent(decoding: body, version: version))
        case .authChallenge: self = .authChallenge(try CQLAuthChallenge(decoding: body, version: version))
        case .authSuccess: self = .authSuccess(try CQLAuthSuccess(decoding: body, version: version))
        default: throw CQLWireError(.malformed, "\(frame.header.opcode) is not a response opcode")
        }
    }

    /// The message inside.
    public var message: any CQLMessage {
        switch self {
        case .error(let message): message
        case .ready(let message): message
        case .authenticate(let message): message
        case .supported(let message): message
        case .result(let message): message
        case .event(let message): message
        case .authChallenge(let message): message
        case .authSuccess(let message): message
        }
    }
}
