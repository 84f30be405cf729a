import NIOCore

/// ERROR (native_protocol_v4.spec §4.2.1, §9): `<code><message>`, a code ([int]) and a `[string]`, then fields that
/// depend on the code.
public struct CQLError: CQLMessage, Error {
    public static let opcode = CQLOpcode.error

    /// The code-specific fields of §9.
    public enum Details: Hashable, Sendable {
        /// Codes without extra fields.
        case none
        /// 0x1000 Unavailable: `<cl><required><alive>`.
        case unavailable(consistency: CQLConsistency, required: Int32, alive: Int32)
        /// 0x1100 Write_timeout: `<cl><received><blockfor><writeType>`.
        case writeTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, writeType: String)
        /// 0x1200 Read_timeout: `<cl><received><blockfor><data_present>`.
        case readTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, dataPresent: Bool)
        /// 0x1300 Read_failure: `<cl><received><blockfor><numfailures><data_present>`.
        case readFailure(
            consistency: CQLConsistency,
            received: Int32,
            blockFor: Int32,
            failures: Int32,
            dataPresent: Bool
        )
        /// 0x1400 Function_failure: `<keyspace><function><arg_types>`.
        case functionFailure(keyspace: String, function: String, argumentTypes: [String])
        /// 0x1500 Write_failure: `<cl><received><blockfor><numfailures><write_type>`.
        case writeFailure(
            consistency: CQLConsistency,
            received: Int32,
            blockFor: Int32,
            failures: Int32,
            writeType: String
        )
        /// 0x2400 Already_exists: `<ks><table>` (the table empty for a keyspace).
        case alreadyExists(keyspace: String, table: String)
        /// 0x2500 Unprepared: the unknown id, `[short bytes]`.
        case unprepared(id: [UInt8])
    }

    public var code: CQLErrorCode
    public var message: String
    /// Must match `code` (the fields written are the ones of `details`, whatever the code).
    public var details: Details

    public init(code: CQLErrorCode, message: String, details: Details = .none) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The protocol error a v4-only server answers another version with (docs/protocols/cql-driver-connect.md §1): the
    /// python driver downgrades on the substring "unsupported protocol version".
    public static func unsupportedProtocolVersion(_ version: UInt8) -> CQLError {
        CQLError(
            code: .protocolError,
            message: "Invalid or unsupported protocol version (\(version & 0x7F)); supported versions are (4/v4)"
        )
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        self = try decodeCQLMessage(body, "ERROR") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let code = CQLErrorCode(rawValue: try buffer.readCQLInt())
            let message = try buffer.readCQLString()
            let details: Details
            switch code {
            case .unavailable:
                let consistency = try buffer.readCQLConsistency()
                let required = try buffer.readCQLInt()
                details = .unavailable(consistency: consistency, required: required, alive: try buffer.readCQLInt())
            case .writeTimeout:
                let consistency = try buffer.readCQLConsistency()
                let received = try buffer.readCQLInt()
                let blockFor = try buffer.readCQLInt()
                details = .writeTimeout(
                    consistency: consistency,
                    received: received,
                    blockFor: blockFor,
                    writeType: try buffer.readCQLString()
                )
            case .readTimeout:
                let consistency = try buffer.readCQLConsistency()
                let received = try buffer.readCQLInt()
                let blockFor = try buffer.readCQLInt()
                details = .readTimeout(
                    consistency: consistency,
                    received: received,
                    blockFor: blockFor,
                    dataPresent: try buffer.readCQLByte() != 0
                )
            case .readFailure:
                try requireCQLv4(version, "Read_failure ERROR")
                let consistency = try buffer.readCQLConsistency()
                let received = try buffer.readCQLInt()
                let blockFor = try buffer.readCQLInt()
                let failures = try buffer.readCQLInt()
                details = .readFailure(
                    consistency: consistency,
                    received: received,
                    blockFor: blockFor,
                    failures: failures,
                    dataPresent: try buffer.readCQLByte() != 0
                )
            case .functionFailure:
                let keyspace = try buffer.readCQLString()
                let function = try buffer.readCQLString()
                details = .functionFailure(
                    keyspace: keyspace,
                    function: function,
                    argumentTypes: try buffer.readCQLStringList()
                )
            case .writeFailure:
                try requireCQLv4(version, "Write_failure ERROR")
                let consistency = try buffer.readCQLConsistency()
                let received = try buffer.readCQLInt()
                let blockFor = try buffer.readCQLInt()
                let failures = try buffer.readCQLInt()
                details = .writeFailure(
                    consistency: consistency,
                    received: received,
                    blockFor: blockFor,
                    failures: failures,
                    writeType: try buffer.readCQLString()
                )
            case .alreadyExists:
                let keyspace = try buffer.readCQLString()
                details = .alreadyExists(keyspace: keyspace, table: try buffer.readCQLString())
            case .unprepared:
                details = .unprepared(id: try buffer.readCQLShortBytes())
            default:
                details = .none
            }
            return CQLError(code: code, message: message, details: details)
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeCQLInt(code.rawValue)
        buffer.writeCQLString(message)
        switch details {
        case .none:
            break
        case .unavailable(let consistency, let required, let alive):
            buffer.writeCQLConsistency(consistency)
            buffer.writeCQLInt(required)
            buffer.writeCQLInt(alive)
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            buffer.writeCQLConsistency(consistency)
            buffer.writeCQLInt(received)
            buffer.writeCQLInt(blockFor)
            buffer.writeCQLString(writeType)
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent):
            buffer.writeCQLConsistency(consistency)
            buffer.writeCQLInt(received)
            buffer.writeCQLInt(blockFor)
            buffer.writeCQLByte(dataPresent ? 1 : 0)
        case .readFailure(let consistency, let received, let blockFor, let failures, let dataPresent):
            buffer.writeCQLConsistency(consistency)
            buffer.writeCQLInt(received)
            buffer.writeCQLInt(blockFor)
            buffer.writeCQLInt(failures)
            buffer.writeCQLByte(dataPresent ? 1 : 0)
        case .functionFailure(let keyspace, let function, let argumentTypes):
            buffer.writeCQLString(keyspace)
            buffer.writeCQLString(function)
            buffer.writeCQLStringList(argumentTypes)
        case .writeFailure(let consistency, let received, let blockFor, let failures, let writeType):
            buffer.writeCQLConsistency(consistency)
            buffer.writeCQLInt(received)
            buffer.writeCQLInt(blockFor)
            buffer.writeCQLInt(failures)
            buffer.writeCQLString(writeType)
        case .alreadyExists(let keyspace, let table):
            buffer.writeCQLString(keyspace)
            buffer.writeCQLString(table)
        case .unprepared(let id):
            buffer.writeCQLShortBytes(id)
        }
    }
}
