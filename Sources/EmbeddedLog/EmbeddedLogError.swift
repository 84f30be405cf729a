import KafkaCompression
import KafkaWire

/// An error of the embedded log.
public struct EmbeddedLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case io
            case locked
            case closed
            case invalidConfiguration
            case invalidTopicName
            case invalidGroupName
            case unknownTopic
            case unknownPartition
            case recordTooLarge
            case corruptMessage
            case invalidBatch
            case unsupportedCompression
            case offsetOutOfRange
            case corruptState
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A system call failed (the message names it, the path and `errno`).
        public static let io = Code(.io)
        /// Another process (or another open in this process) holds the log directory's writer lock.
        public static let locked = Code(.locked)
        /// The log or consumer was closed (or a partition failed an fsync and refuses writes until reopened).
        public static let closed = Code(.closed)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// Topic names are 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..` (as in Kafka).
        public static let invalidTopicName = Code(.invalidTopicName)
        public static let invalidGroupName = Code(.invalidGroupName)
        public static let unknownTopic = Code(.unknownTopic)
        public static let unknownPartition = Code(.unknownPartition)
        /// A record does not fit in a batch of `maxBatchBytes` (nothing was written), or a compressed batch
        /// decompresses to more than `maxDecompressedBatchBytes`.
        public static let recordTooLarge = Code(.recordTooLarge)
        /// A raw batch failed its CRC-32C check.
        public static let corruptMessage = Code(.corruptMessage)
        /// A raw batch is malformed (framing, magic, header fields or records).
        public static let invalidBatch = Code(.invalidBatch)
        /// A batch is compressed with a codec the log cannot decode (attributes codec 5–7).
        public static let unsupportedCompression = Code(.unsupportedCompression)
        /// A raw read asked for an offset outside `earliest...end`.
        public static let offsetOutOfRange = Code(.offsetOutOfRange)
        /// Stored state (group offsets file, segment names) cannot be read.
        public static let corruptState = Code(.corruptState)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The topic-partition concerned, if any.
    public var topicPartition: String?
    /// The underlying codec error, if any.
    public var underlying: KafkaWireError?
    /// The underlying compression error, if any.
    public var compressionError: KafkaCompressionError?

    public init(
        _ code: Code,
        _ message: String,
        topicPartition: String? = nil,
        underlying: KafkaWireError? = nil,
        compressionError: KafkaCompressionError? = nil
    ) {
        self.code = code
        self.message = message
        self.topicPartition = topicPartition
        self.underlying = underlying
        self.compressionError = compressionError
    }

    /// An error of (de)compressing a batch: `.unsupportedCompression` for unknown codecs, `.recordTooLarge` beyond
    /// the decompression limit, `.invalidConfiguration` for a bad level, else `code`.
    init(
        compressing error: KafkaCompressionError,
        otherwise code: Code,
        _ message: String,
        topicPartition: String?
    ) {
        let mapped: Code =
            switch error.code {
            case .unsupportedCodec: .unsupportedCompression
            case .tooLarge: .recordTooLarge
            case .invalidLevel: .invalidConfiguration
            default: code
            }
        self.init(
            mapped,
            message,
            topicPartition: topicPartition,
            underlying: error.underlying,
            compressionError: error
        )
    }

    public var description: String {
        var text = "EmbeddedLogError(\(code)): \(message)"
        if let topicPartition { text += " [\(topicPartition)]" }
        if let compressionError {
            text += " (\(compressionError))"
        } else if let underlying {
            text += " (\(underlying))"
        }
        return text
    }
}
