import CQLWire

/// An error the engine answers a statement with: an ERROR message's code (native_protocol_v4.spec §9) and text,
/// plus the details some codes carry.
///
/// Messages follow Apache Cassandra 4.x where it has one (`unconfigured table peers_v2`,
/// `Keyspace 'x' does not exist`, `line 1:7 no viable alternative at input 'x'`).
public struct CQLEngineError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: CQLErrorCode
    public var message: String
    /// For ``CQLErrorCode/alreadyExists``: the keyspace, and the table (empty when the keyspace itself exists).
    public var alreadyExists: (keyspace: String, table: String)? {
        guard code == .alreadyExists else { return nil }
        return (existingKeyspace, existingTable)
    }
    /// For ``CQLErrorCode/unprepared``: the id the client sent.
    public var unpreparedID: [UInt8]?

    private var existingKeyspace = ""
    private var existingTable = ""

    public init(_ code: CQLErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func syntax(_ message: String) -> CQLEngineError { CQLEngineError(.syntaxError, message) }
    static func invalid(_ message: String) -> CQLEngineError { CQLEngineError(.invalid, message) }
    static func config(_ message: String) -> CQLEngineError { CQLEngineError(.configError, message) }
    static func unauthorized(_ message: String) -> CQLEngineError { CQLEngineError(.unauthorized, message) }
    static func server(_ message: String) -> CQLEngineError { CQLEngineError(.serverError, message) }

    /// Already_exists (0x2400) for a keyspace (`table` empty) or a table.
    public static func alreadyExists(keyspace: String, table: String = "") -> CQLEngineError {
        var error = CQLEngineError(
            .alreadyExists,
            table.isEmpty
                ? "Cannot add existing keyspace \"\(keyspace)\""
                : "Cannot add already existing table \"\(table)\" to keyspace \"\(keyspace)\""
        )
        error.existingKeyspace = keyspace
        error.existingTable = table
        return error
    }

    /// Unprepared (0x2500): the client must prepare the statement again.
    public static func unprepared(id: [UInt8]) -> CQLEngineError {
        var error = CQLEngineError(
            .unprepared,
            "Prepared query with ID \(id.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()) not found (either the query was not prepared on this host (maybe the host has been restarted?) or you have prepared too many queries and it has been evicted from the internal cache)"
        )
        error.unpreparedID = id
        return error
    }

    public static func == (lhs: CQLEngineError, rhs: CQLEngineError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.unpreparedID == rhs.unpreparedID
            && lhs.existingKeyspace == rhs.existingKeyspace && lhs.existingTable == rhs.existingTable
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
