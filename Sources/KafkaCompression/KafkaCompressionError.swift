import KafkaWire
import NIOCore

/// An error compressing or decompressing a Kafka records section.
///
/// Decompression errors carry the first bytes of the compressed input (at most
/// ``KafkaWireError/maximumContextBytes``), so a log line shows what was received.
public struct KafkaCompressionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unsupportedCodec
            case tooLarge
            case corrupt
            case truncated
            case invalidLevel
            case invalidRecords
            case libraryFailure
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The codec is not one of none, gzip, snappy, lz4, zstd (attributes bits 0–2 are 5, 6 or 7).
        public static let unsupportedCodec = Code(.unsupportedCodec)
        /// The decompressed data would exceed the output limit; decompression stopped at the limit.
        public static let tooLarge = Code(.tooLarge)
        /// The compressed data is malformed (bad magic or header, bad checksum, invalid stream).
        public static let corrupt = Code(.corrupt)
        /// The compressed data ends before its stream does.
        public static let truncated = Code(.truncated)
        /// The compression level is out of the codec's range.
        public static let invalidLevel = Code(.invalidLevel)
        /// The decompressed records section does not hold the batch's records (see `underlying`).
        public static let invalidRecords = Code(.invalidRecords)
        /// The C library failed for another reason (out of memory, an input too large for its API).
        public static let libraryFailure = Code(.libraryFailure)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// The codec concerned.
    public var codec: KafkaRecordBatch.Compression
    /// A human-readable explanation with the values involved.
    public var message: String
    /// The first bytes of the offending input, if any.
    public var bytes: ByteBuffer?
    /// For ``Code-swift.struct/invalidRecords``: the record decoding error.
    public var underlying: KafkaWireError?

    public init(
        _ code: Code,
        codec: KafkaRecordBatch.Compression,
        _ message: String,
        bytes: ByteBuffer? = nil,
        underlying: KafkaWireError? = nil
    ) {
        self.code = code
        self.codec = codec
        self.message = message
        self.bytes = bytes.map {
            $0.getSlice(at: $0.readerIndex, length: min($0.readableBytes, KafkaWireError.maximumContextBytes))!
        }
        self.underlying = underlying
    }

    public var description: String {
        var text = "KafkaCompressionError(\(code), \(codec)): \(message)"
        if let bytes {
            text += " [bytes: \(bytes.readableBytesView.map { hex($0) }.joined(separator: " "))]"
        }
        if let underlying { text += " (\(underlying))" }
        return text
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
