/// A Trino error code (`io.trino.spi.StandardErrorCode`): numeric code, name and type keep Trino's values, since
/// clients branch on them (SQLAlchemy's dialect, for one, treats `PERMISSION_DENIED` specially).
public struct TrinoErrorCode: Sendable, Hashable {
    public var code: Int
    public var name: String
    /// `USER_ERROR`, `INTERNAL_ERROR`, `INSUFFICIENT_RESOURCES` or `EXTERNAL`.
    public var type: String

    public init(code: Int, name: String, type: String) {
        self.code = code
        self.name = name
        self.type = type
    }

    public static let genericUserError = user(0, "GENERIC_USER_ERROR")
    public static let syntaxError = user(1, "SYNTAX_ERROR")
    public static let abandonedQuery = user(2, "ABANDONED_QUERY")
    public static let userCanceled = user(3, "USER_CANCELED")
    public static let permissionDenied = user(4, "PERMISSION_DENIED")
    public static let notFound = user(5, "NOT_FOUND")
    public static let functionNotFound = user(6, "FUNCTION_NOT_FOUND")
    public static let invalidFunctionArgument = user(7, "INVALID_FUNCTION_ARGUMENT")
    public static let notSupported = user(13, "NOT_SUPPORTED")
    public static let catalogNotFound = user(44, "CATALOG_NOT_FOUND")
    public static let schemaNotFound = user(45, "SCHEMA_NOT_FOUND")
    public static let tableNotFound = user(46, "TABLE_NOT_FOUND")
    public static let columnNotFound = user(47, "COLUMN_NOT_FOUND")
    public static let missingSchemaName = user(57, "MISSING_SCHEMA_NAME")

    public static let genericInternalError = TrinoErrorCode(
        code: 65_536,
        name: "GENERIC_INTERNAL_ERROR",
        type: "INTERNAL_ERROR"
    )
    public static let genericInsufficientResources = resources(131_072, "GENERIC_INSUFFICIENT_RESOURCES")
    public static let queryQueueFull = resources(131_074, "QUERY_QUEUE_FULL")
    public static let exceededTimeLimit = resources(131_075, "EXCEEDED_TIME_LIMIT")

    private static func user(_ code: Int, _ name: String) -> TrinoErrorCode {
        TrinoErrorCode(code: code, name: name, type: "USER_ERROR")
    }

    private static func resources(_ code: Int, _ name: String) -> TrinoErrorCode {
        TrinoErrorCode(code: code, name: name, type: "INSUFFICIENT_RESOURCES")
    }

    /// The Java exception class Trino reports in `failureInfo.type` for this kind of error.
    var exceptionType: String {
        self == .syntaxError ? "io.trino.sql.parser.ParsingException" : "io.trino.spi.TrinoException"
    }
}
