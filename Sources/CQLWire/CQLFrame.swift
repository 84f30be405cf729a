import NIOCore

/// One whole frame: its header and its body (a slice of exactly `header.length` bytes).
public struct CQLFrame: Hashable, Sendable {
    public var header: CQLFrameHeader
    public var body: ByteBuffer

    public init(header: CQLFrameHeader, body: ByteBuffer) {
        self.header = header
        self.body = body
    }

    /// A frame body split into what the flags put before the message (native_protocol_v4.spec §4):
    /// `[<tracing_id>][<warnings>][<custom_payload>]<message>`.
    public struct Envelope: Hashable, Sendable {
        /// A response's tracing id (tracing flag).
        public var tracingID: CQLUUID?
        /// A response's warnings (warning flag).
        public var warnings: [String]
        /// The custom payload (custom payload flag; on requests only QUERY, PREPARE, EXECUTE and BATCH carry one).
        public var customPayload: [String: [UInt8]?]?
        /// The message itself, for the message type's `init(decoding:version:)`.
        public var message: ByteBuffer
    }

    /// Splits the body into the flag-driven prefix and the message. A compressed body cannot be split (decompress
    /// it first and clear the flag).
    ///
    /// - Throws: ``CQLWireError`` `.malformed` for a compressed body, `.truncated` when a prefix is cut.
    public func envelope() throws(CQLWireError) -> Envelope {
        let flags = header.flags
        guard !flags.contains(.compression) else {
            throw CQLWireError(.malformed, "the body is compressed", bytes: body)
        }
        var body = self.body
        var tracingID: CQLUUID?
        var warnings: [String] = []
        var customPayload: [String: [UInt8]?]?
        if header.isResponse {
            if flags.contains(.tracing) { tracingID = try body.readCQLUUID() }
            if flags.contains(.warning) { warnings = try body.readCQLStringList() }
        }
        if flags.contains(.customPayload),
            header.isResponse || [.query, .prepare, .execute, .batch].contains(header.opcode)
        {
            customPayload = try body.readCQLBytesMap()
        }
        return Envelope(tracingID: tracingID, warnings: warnings, customPayload: customPayload, message: body)
    }
}
