/// An error of the Kafka broker.
public struct KafkaBrokerError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case bindFailed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A configuration value is out of range.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The listener could not bind its address.
        public static let bindFailed = Code(.bindFailed)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "KafkaBrokerError.\(code): \(message)" }
}
