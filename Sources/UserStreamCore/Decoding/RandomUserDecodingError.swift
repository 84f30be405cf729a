/// Why one randomuser user object could not be decoded. `reason` (`"<path>: <what was wrong>"`, e.g.
/// `login.uuid: missing`, `location.postcode: expected number or string, got object`) is the dead-letter reason.
public struct RandomUserDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        /// A required field is absent (or `null`).
        public static let missing = Code(base: "missing")
        /// A field has a JSON type that cannot be mapped.
        public static let typeMismatch = Code(base: "typeMismatch")
        /// A field has the right type but an unusable value.
        public static let invalidValue = Code(base: "invalidValue")
        /// The bytes are not a JSON document.
        public static let malformedJSON = Code(base: "malformedJSON")
        public var description: String { base }
    }

    public var code: Code
    /// Dotted path of the field inside the user object (`location.street.number`), empty for the object itself.
    public var path: String
    /// What was wrong, e.g. `missing`, `expected string, got number`.
    public var detail: String

    public init(code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// `"<path>: <detail>"`.
    public var reason: String { path.isEmpty ? detail : "\(path): \(detail)" }

    public var description: String { reason }
}

/// Why a whole randomuser response could not be used. Each code maps to an error kind counted by the sources.
public struct RandomUserResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        /// The body is `{"error": "…"}`: randomuser's own failure report (rate limit, outage).
        public static let errorBody = Code(base: "errorBody")
        /// The body is not JSON, is truncated, or is JSON without a `results` array.
        public static let malformedJSON = Code(base: "malformedJSON")
        public var description: String { base }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The error kind as counted in `SourceBatch.errors`: `error_body` or `malformed_json`.
    public var kind: String {
        code == .errorBody ? "error_body" : "malformed_json"
    }

    public var description: String { "\(kind): \(message)" }
}
