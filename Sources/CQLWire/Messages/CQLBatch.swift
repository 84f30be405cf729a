import NIOCore

/// BATCH (native_protocol_v4.spec §4.1.7):
///
///     <type><n><query_1>...<query_n><consistency><flags>[<serial_consistency>][<timestamp>]
///     <query_i> = <kind><string_or_id><n>[<name_1>]<value_1>...[<name_n>]<value_n>
///
/// `<type>` is a [byte] (0 logged, 1 unlogged, 2 counter); `<kind>` 0 for a `[long string]` query, 1 for a
/// `[short bytes]` prepared id; `<flags>` a [byte]: 0x10 serial consistency, 0x20 default timestamp. Flag 0x40 (names
/// for values) is refused: the spec itself says it "does not work" (the flag comes after the values it describes).
public struct CQLBatch: CQLMessage {
    public static let opcode = CQLOpcode.batch

    /// The batch's `<type>`.
    public struct BatchType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let logged = BatchType(rawValue: 0)
        public static let unlogged = BatchType(rawValue: 1)
        public static let counter = BatchType(rawValue: 2)
    }

    /// One `<query_i>`.
    public struct Statement: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            /// `<kind>` 0: a query string.
            case query(String)
            /// `<kind>` 1: a prepared statement's id.
            case prepared(id: [UInt8])
        }

        public var kind: Kind
        /// The bound values, in marker order.
        public var values: [CQLBoundValue]

        public init(_ kind: Kind, values: [CQLBoundValue] = []) {
            self.kind = kind
            self.values = values
        }
    }

    public var type: BatchType
    public var statements: [Statement]
    public var consistency: CQLConsistency
    public var serialConsistency: CQLConsistency?
    /// The default write timestamp, in microseconds since the epoch.
    public var defaultTimestamp: Int64?

    public init(
        type: BatchType = .logged,
        statements: [Statement],
        consistency: CQLConsistency = .one,
        serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil
    ) {
        self.type = type
        self.statements = statements
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        try requireCQLv4(version, "BATCH")
        self = try decodeCQLMessage(body, "BATCH") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let type = BatchType(rawValue: try buffer.readCQLByte())
            guard type.rawValue <= 2 else {
                throw CQLWireError(.malformed, "BATCH type \(type.rawValue) is not 0, 1 or 2", bytes: buffer)
            }
            let count = Int(try buffer.readCQLShort())
            // Each statement is at least a kind byte, an empty [short bytes] id and a [short] value count.
            try buffer.checkCQLCount(count, minimumSize: 5, "BATCH statement")
            var batch = CQLBatch(type: type, statements: [])
            batch.statements.reserveCapacity(count)
            for _ in 0..<count {
                let kindByte = try buffer.readCQLByte()
                var statement: Statement
                switch kindByte {
                case 0: statement = Statement(.query(try buffer.readCQLLongString()))
                case 1: statement = Statement(.prepared(id: try buffer.readCQLShortBytes()))
                default:
                    throw CQLWireError(.malformed, "BATCH statement kind \(kindByte) is not 0 or 1", bytes: buffer)
                }
                let valueCount = Int(try buffer.readCQLShort())
                try buffer.checkCQLCount(valueCount, minimumSize: 4, "BATCH value")
                statement.values.reserveCapacity(valueCount)
                for _ in 0..<valueCount { statement.values.append(try buffer.readCQLBoundValue()) }
                batch.statements.append(statement)
            }
            batch.consistency = try buffer.readCQLConsistency()
            let flags = try buffer.readCQLByte()
            guard flags & 0x40 == 0 else {
                throw CQLWireError(
                    .malformed,
                    "BATCH names for values (flag 0x40) cannot be decoded (CASSANDRA-10246)",
                    bytes: buffer
                )
            }
            if flags & 0x10 != 0 { batch.serialConsistency = try buffer.readCQLConsistency() }
            if flags & 0x20 != 0 { batch.defaultTimestamp = try buffer.readCQLLong() }
            return batch
        }
    }

    public func encode(into buffer: inout ByteBuffer) throws(CQLWireError) {
        guard statements.count <= Int(UInt16.max) else {
            throw CQLWireError(.invalidValue, "\(statements.count) BATCH statements (at most 65535)")
        }
        buffer.writeCQLByte(type.rawValue)
        buffer.writeCQLShort(UInt16(statements.count))
        for statement in statements {
            switch statement.kind {
            case .query(let query):
                buffer.writeCQLByte(0)
                buffer.writeCQLLongString(query)
            case .prepared(let id):
                buffer.writeCQLByte(1)
                buffer.writeCQLShortBytes(id)
            }
            guard statement.values.count <= Int(UInt16.max) else {
                throw CQLWireError(.invalidValue, "\(statement.values.count) values in a BATCH statement")
            }
            buffer.writeCQLShort(UInt16(statement.values.count))
            for value in statement.values { buffer.writeCQLBoundValue(value) }
        }
        buffer.writeCQLConsistency(consistency)
        var flags: UInt8 = 0
        if serialConsistency != nil { flags |= 0x10 }
        if defaultTimestamp != nil { flags |= 0x20 }
        buffer.writeCQLByte(flags)
        if let serialConsistency { buffer.writeCQLConsistency(serialConsistency) }
        if let defaultTimestamp { buffer.writeCQLLong(defaultTimestamp) }
    }
}
