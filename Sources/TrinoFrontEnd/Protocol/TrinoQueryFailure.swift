/// A query failure with Trino's error code, message and, for errors in the statement text, its location.
public struct TrinoQueryFailure: Error, Sendable, Hashable {
    public var code: TrinoErrorCode
    public var message: String
    public var location: ErrorLocation?

    public init(_ code: TrinoErrorCode, _ message: String, location: ErrorLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// The `error` member of a failed query's `QueryResults`.
    public var queryError: QueryError {
        QueryError(message: message, errorCode: code, errorLocation: location)
    }

    static func at(_ token: SQLToken, _ code: TrinoErrorCode, _ message: String) -> TrinoQueryFailure {
        TrinoQueryFailure(code, "line \(token.line):\(token.column): \(message)", location: token.location)
    }
}
