/// A setting of the runtime's configuration, given as text, that cannot be read. `message` names the flag, so the
/// command line reports it as an argument error.
public struct RuntimeConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
