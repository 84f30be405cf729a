/// An ERROR message's code (native_protocol_v4.spec §9), numeric values kept.
public struct CQLErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let serverError = CQLErrorCode(rawValue: 0x0000)
    public static let protocolError = CQLErrorCode(rawValue: 0x000A)
    public static let authenticationError = CQLErrorCode(rawValue: 0x0100)
    public static let unavailable = CQLErrorCode(rawValue: 0x1000)
    public static let overloaded = CQLErrorCode(rawValue: 0x1001)
    public static let isBootstrapping = CQLErrorCode(rawValue: 0x1002)
    public static let truncateError = CQLErrorCode(rawValue: 0x1003)
    public static let writeTimeout = CQLErrorCode(rawValue: 0x1100)
    public static let readTimeout = CQLErrorCode(rawValue: 0x1200)
    public static let readFailure = CQLErrorCode(rawValue: 0x1300)
    public static let functionFailure = CQLErrorCode(rawValue: 0x1400)
    public static let writeFailure = CQLErrorCode(rawValue: 0x1500)
    public static let syntaxError = CQLErrorCode(rawValue: 0x2000)
    public static let unauthorized = CQLErrorCode(rawValue: 0x2100)
    public static let invalid = CQLErrorCode(rawValue: 0x2200)
    public static let configError = CQLErrorCode(rawValue: 0x2300)
    public static let alreadyExists = CQLErrorCode(rawValue: 0x2400)
    public static let unprepared = CQLErrorCode(rawValue: 0x2500)

    public var description: String {
        let names: [Int32: String] = [
            0x0000: "Server error", 0x000A: "Protocol error", 0x0100: "Authentication error",
            0x1000: "Unavailable exception", 0x1001: "Overloaded", 0x1002: "Is_bootstrapping",
            0x1003: "Truncate_error", 0x1100: "Write_timeout", 0x1200: "Read_timeout", 0x1300: "Read_failure",
            0x1400: "Function_failure", 0x1500: "Write_failure", 0x2000: "Syntax_error", 0x2100: "Unauthorized",
            0x2200: "Invalid", 0x2300: "Config_error", 0x2400: "Already_exists", 0x2500: "Unprepared",
        ]
        return names[rawValue] ?? "0x" + String(rawValue, radix: 16, uppercase: true)
    }
}
