import NIOCore

/// An error decoding or validating Kafka wire data.
///
/// Decode errors carry the offending bytes (at most ``maximumContextBytes`` of them) so a log line shows what was
/// received.
public struct KafkaWireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case truncated
            case corruptMessage
            case invalidRecord
            case invalidVarint
            case unsupportedMagic
            case unsupportedCompression
            case tooLarge
            case malformed
            case unsupportedVersion
            case unknownApiKey
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The data ends inside a length-prefixed structure that claims more bytes than there are.
        public static let truncated = Code(.truncated)
        /// A record batch's CRC-32C does not match its content (Kafka's `CORRUPT_MESSAGE`).
        public static let corruptMessage = Code(.corruptMessage)
        /// A record or batch field is out of range (negative length, impossible count, trailing bytes, …).
        public static let invalidRecord = Code(.invalidRecord)
        /// A varint or varlong is longer than its type allows.
        public static let invalidVarint = Code(.invalidVarint)
        /// A record batch has a magic byte other than 2.
        public static let unsupportedMagic = Code(.unsupportedMagic)
        /// A record batch is compressed; this codec only parses uncompressed records.
        public static let unsupportedCompression = Code(.unsupportedCompression)
        /// A size prefix is larger than the configured maximum.
        public static let tooLarge = Code(.tooLarge)
        /// A protocol field is impossible: a negative length other than -1, a null where none is allowed, tagged
        /// fields out of order, invalid UTF-8, or bytes left over after a message.
        public static let malformed = Code(.malformed)
        /// A request names an API version this codec cannot decode or encode.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A request names an API key this codec does not decode.
        public static let unknownApiKey = Code(.unknownApiKey)

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
        var text = "KafkaWireError(\(code)): \(message)"
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
