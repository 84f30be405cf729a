/// A frame's opcode (native_protocol_v4.spec §2.4). A struct, not an enum: an unknown opcode still frames, and the
/// server answers it with a protocol error.
public struct CQLOpcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let error = CQLOpcode(rawValue: 0x00)
    public static let startup = CQLOpcode(rawValue: 0x01)
    public static let ready = CQLOpcode(rawValue: 0x02)
    public static let authenticate = CQLOpcode(rawValue: 0x03)
    public static let options = CQLOpcode(rawValue: 0x05)
    public static let supported = CQLOpcode(rawValue: 0x06)
    public static let query = CQLOpcode(rawValue: 0x07)
    public static let result = CQLOpcode(rawValue: 0x08)
    public static let prepare = CQLOpcode(rawValue: 0x09)
    public static let execute = CQLOpcode(rawValue: 0x0A)
    public static let register = CQLOpcode(rawValue: 0x0B)
    public static let event = CQLOpcode(rawValue: 0x0C)
    public static let batch = CQLOpcode(rawValue: 0x0D)
    public static let authChallenge = CQLOpcode(rawValue: 0x0E)
    public static let authResponse = CQLOpcode(rawValue: 0x0F)
    public static let authSuccess = CQLOpcode(rawValue: 0x10)

    /// Whether a client sends this opcode (the others are responses).
    public var isRequest: Bool {
        [.startup, .options, .query, .prepare, .execute, .register, .batch, .authResponse].contains(self)
    }

    public var description: String {
        let names: [UInt8: String] = [
            0x00: "ERROR", 0x01: "STARTUP", 0x02: "READY", 0x03: "AUTHENTICATE", 0x05: "OPTIONS", 0x06: "SUPPORTED",
            0x07: "QUERY", 0x08: "RESULT", 0x09: "PREPARE", 0x0A: "EXECUTE", 0x0B: "REGISTER", 0x0C: "EVENT",
            0x0D: "BATCH", 0x0E: "AUTH_CHALLENGE", 0x0F: "AUTH_RESPONSE", 0x10: "AUTH_SUCCESS",
        ]
        return names[rawValue] ?? "UNKNOWN(0x\(String(rawValue, radix: 16)))"
    }
}
