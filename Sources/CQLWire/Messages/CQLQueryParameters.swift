import NIOCore

/// A QUERY's or EXECUTE's `<query_parameters>` (native_protocol_v4.spec §4.1.4):
///
///     <consistency><flags>[<n>[name_1]<value_1>...[name_n]<value_n>][<result_page_size>][<paging_state>]
///         [<serial_consistency>][<timestamp>]
///
/// `<flags>` is a [byte]: 0x01 Values, 0x02 Skip_metadata, 0x04 Page_size, 0x08 With_paging_state, 0x10 With serial
/// consistency, 0x20 With default timestamp, 0x40 With names for values. The flags are derived from which fields are
/// set when encoding.
public struct CQLQueryParameters: Hashable, Sendable {
    /// The flag bits of `<flags>`.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let values = Flags(rawValue: 0x01)
        public static let skipMetadata = Flags(rawValue: 0x02)
        public static let pageSize = Flags(rawValue: 0x04)
        public static let withPagingState = Flags(rawValue: 0x08)
        public static let withSerialConsistency = Flags(rawValue: 0x10)
        public static let withDefaultTimestamp = Flags(rawValue: 0x20)
        public static let withNamesForValues = Flags(rawValue: 0x40)
    }

    public var consistency: CQLConsistency
    /// The bound values, in marker order (or in `names` order when names are given).
    public var values: [CQLBoundValue]
    /// The marker names, one per value, when the client bound by name (flag 0x40); `nil` for positional values.
    public var names: [String]?
    /// Ask for a Rows result without column specs (the client has them from PREPARE).
    public var skipMetadata: Bool
    /// The page size in rows; `nil` (or ≤ 0) for no paging.
    public var pageSize: Int32?
    /// Where to resume paging, as a previous page's Rows metadata returned it.
    public var pagingState: [UInt8]?
    public var serialConsistency: CQLConsistency?
    /// The default write timestamp, in microseconds since the epoch.
    public var defaultTimestamp: Int64?

    public init(
        consistency: CQLConsistency = .one,
        values: [CQLBoundValue] = [],
        names: [String]? = nil,
        skipMetadata: Bool = false,
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil,
        serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil
    ) {
        self.consistency = consistency
        self.values = values
        self.names = names
        self.skipMetadata = skipMetadata
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    /// The flags `encode(into:)` writes.
    public var flags: Flags {
        var flags: Flags = []
        if !values.isEmpty { flags.insert(.values) }
        if !values.isEmpty, names != nil { flags.insert(.withNamesForValues) }
        if skipMetadata { flags.insert(.skipMetadata) }
        if pageSize != nil { flags.insert(.pageSize) }
        if pagingState != nil { flags.insert(.withPagingState) }
        if serialConsistency != nil { flags.insert(.withSerialConsistency) }
        if defaultTimestamp != nil { flags.insert(.withDefaultTimestamp) }
        return flags
    }
}

extension ByteBuffer {
    /// Reads `<query_parameters>` (v4).
    public mutating func readCQLQueryParameters() throws(CQLWireError) -> CQLQueryParameters {
        let consistency = try readCQLConsistency()
        let flags = CQLQueryParameters.Flags(rawValue: try readCQLByte())
        var parameters = CQLQueryParameters(consistency: consistency)
        if flags.contains(.values) {
            let count = Int(try readCQLShort())
            let named = flags.contains(.withNamesForValues)
            try checkCQLCount(count, minimumSize: named ? 6 : 4, "bound value")
            parameters.values.reserveCapacity(count)
            var names: [String] = []
            for _ in 0..<count {
                if named { names.append(try readCQLString()) }
                parameters.values.append(try readCQLBoundValue())
            }
            if named { parameters.names = names }
        }
        parameters.skipMetadata = flags.contains(.skipMetadata)
        if flags.contains(.pageSize) { parameters.pageSize = try readCQLInt() }
        if flags.contains(.withPagingState) {
            guard let state = try readCQLBytes() else {
                throw CQLWireError(.malformed, "null paging state", bytes: self)
            }
            parameters.pagingState = state
        }
        if flags.contains(.withSerialConsistency) { parameters.serialConsistency = try readCQLConsistency() }
        if flags.contains(.withDefaultTimestamp) { parameters.defaultTimestamp = try readCQLLong() }
        return parameters
    }

    /// Writes `<query_parameters>` (v4).
    ///
    /// - Throws: ``CQLWireError`` `.invalidValue` when `names` does not have one name per value, or there are more
    ///   than 65535 values.
    public mutating func writeCQLQueryParameters(_ parameters: CQLQueryParameters) throws(CQLWireError) {
        if let names = parameters.names, names.count != parameters.values.count {
            throw CQLWireError(.invalidValue, "\(names.count) names for \(parameters.values.count) values")
        }
        guard parameters.values.count <= Int(UInt16.max) else {
            throw CQLWireError(.invalidValue, "\(parameters.values.count) bound values (at most 65535)")
        }
        let flags = parameters.flags
        writeCQLConsistency(parameters.consistency)
        writeCQLByte(flags.rawValue)
        if flags.contains(.values) {
            writeCQLShort(UInt16(parameters.values.count))
            for (index, value) in parameters.values.enumerated() {
                if let names = parameters.names { writeCQLString(names[index]) }
                writeCQLBoundValue(value)
            }
        }
        if let pageSize = parameters.pageSize { writeCQLInt(pageSize) }
        if let pagingState = parameters.pagingState { writeCQLBytes(pagingState) }
        if let serialConsistency = parameters.serialConsistency { writeCQLConsistency(serialConsistency) }
        if let defaultTimestamp = parameters.defaultTimestamp { writeCQLLong(defaultTimestamp) }
    }
}
