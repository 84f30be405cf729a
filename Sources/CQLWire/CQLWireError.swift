import NIOCore

/// An error decoding or encoding CQL native protocol data.
///
/// Decode errors carry the offending bytes (at most ``maximumContextBytes`` of them) so a log line shows what was
/// received.
public struct CQLWireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case truncated
            case malformed
            case tooLarge
            case unsupportedVersion
            case invalidValue
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The data ends inside a structure: a length or count claims more bytes than there are.
        public static let truncated = Code(.truncated)
        /// A field is impossible: a negative length where none is allowed, invalid UTF-8, an unknown kind or type id,
        /// bytes left over after a message or value, nesting too deep.
        public static let malformed = Code(.malformed)
        /// A frame's length is larger than the configured maximum.
        public static let tooLarge = Code(.tooLarge)
        /// The frame or message is of a protocol version this codec does not decode.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A value cannot be encoded as (or is not valid for) the CQL type asked for.
        public static let invalidValue = Code(.invalidValue)

        public var description: String { base.rawValue }
    }

    /// The most bytes kept in ``bytes``.
    public static let maximumContextBytes = 64

    public var code: Code
    /// A human-readable explanation with the values involved.
    public var message: String
    /// The first bytes of the offending data, if any.
    public var bytes: ByteBuffer?

    public init(_ code: Code, _ message: String, bytes: ByteBuffer? = nil) {
        self.code = code
        self.message = message
        self.bytes = bytes.map {
            $0.getSlice(at: $0.readerIndex, length: min($0.readableBytes, Self.maximumContextBytes))!
        }
    }

    public var description: String {
        var text = "CQLWireError(\(code)): \(message)"
        if let bytes {
            text += " [bytes: \(bytes.readableBytesView.map { hex($0) }.joined(separator: " "))]"
        }
        return text
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
