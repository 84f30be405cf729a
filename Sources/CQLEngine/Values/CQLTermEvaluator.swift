import CQLWire
import UserStreamCore

/// Turns parsed terms into values of a column's type, with Cassandra's literal rules and messages
/// (`Invalid STRING constant (x) for "k" of type int`).
struct CQLTermEvaluator {
    /// The statement's bound values, already decoded with their markers' types.
    var bound: [CQLValue]

    /// The value of `term` as `type`, for the receiver named `receiver` (a column name, `[limit]`, …).
    func value(_ term: CQLTerm, as type: CQLType, receiver: String) throws(CQLEngineError) -> CQLValue {
        switch term {
        case .null:
            return .null
        case .marker(let index):
            guard index < bound.count else { throw CQLEngineError.invalid("No value bound for marker \(index)") }
            return bound[index]
        case .function(let name, let arguments):
            let (value, _) = try evaluateFunction(name, arguments, receiver: receiver)
            return try coerce(value, to: type, receiver: receiver)
        case .blob(let bytes):
            if case .blob = type { return .blob(bytes) }
            // A blob constant is the value's serialized form, for any type.
            do {
                return try CQLValue(decoding: bytes, as: type)
            } catch {
                throw CQLEngineError.invalid(
                    "Invalid BLOB constant for \"\(receiver)\" of type \(type): \(error.message)"
                )
            }
        default:
            break
        }
        switch type {
        case .list(let element):
            guard case .list(let elements) = term else { throw literalError(term, type, receiver) }
            return .list(
                try elements.map { (term) throws(CQLEngineError) in
                    try nonNull(try value(term, as: element, receiver: receiver), receiver)
                }
            )
        case .set(let element):
            guard case .set(let elements) = term else { throw literalError(term, type, receiver) }
            var values: [CQLValue] = []
            for term in elements {
                values.append(try nonNull(try value(term, as: element, receiver: receiver), receiver))
            }
            return CQLValueOrder.normalizedSet(values)
        case .map(let keyType, let valueType):
            if case .set(let elements) = term, elements.isEmpty { return .map([]) }
            guard case .map(let pairs) = term else { throw literalError(term, type, receiver) }
            var values: [(CQLValue, CQLValue)] = []
            for (key, item) in pairs {
                values.append(
                    (
                        try nonNull(try value(key, as: keyType, receiver: receiver), receiver),
                        try value(item, as: valueType, receiver: receiver)
                    )
                )
            }
            return CQLValueOrder.normalizedMap(values)
        case .tuple(let types):
            guard case .tuple(let elements) = term, elements.count <= types.count else {
                throw literalError(term, type, receiver)
            }
            var values: [CQLValue] = []
            for (index, elementType) in types.enumerated() {
                values.append(
                    index < elements.count ? try value(elements[index], as: elementType, receiver: receiver) : .null
                )
            }
            return .tuple(values)
        default:
            return try constant(term, as: type, receiver: receiver)
        }
    }

    private func nonNull(_ value: CQLValue, _ receiver: String) throws(CQLEngineError) -> CQLValue {
        if value.isNull { throw CQLEngineError.invalid("null is not supported inside collections") }
        if case .unset = value { throw CQLEngineError.invalid("Invalid unset value in collection for \(receiver)") }
        return value
    }

    private func literalError(_ term: CQLTerm, _ type: CQLType, _ receiver: String) -> CQLEngineError {
        switch term {
        case .string(let text): return .invalid("Invalid STRING constant (\(text)) for \"\(receiver)\" of type \(type)")
        case .integer(let text):
            return .invalid("Invalid INTEGER constant (\(text)) for \"\(receiver)\" of type \(type)")
        case .float(let text): return .invalid("Invalid FLOAT constant (\(text)) for \"\(receiver)\" of type \(type)")
        case .boolean(let value):
            return .invalid("Invalid BOOLEAN constant (\(value)) for \"\(receiver)\" of type \(type)")
        case .uuid(let value): return .invalid("Invalid UUID constant (\(value)) for \"\(receiver)\" of type \(type)")
        case .list: return .invalid("Invalid list literal for \(receiver) of type \(type)")
        case .set: return .invalid("Invalid set literal for \(receiver) of type \(type)")
        case .map: return .invalid("Invalid map literal for \(receiver) of type \(type)")
        case .tuple: return .invalid("Invalid tuple literal for \(receiver) of type \(type)")
        default: return .invalid("Invalid value for \"\(receiver)\" of type \(type)")
        }
    }

    private func constant(_ term: CQLTerm, as type: CQLType, receiver: String) throws(CQLEngineError) -> CQLValue {
        let error = literalError(term, type, receiver)
        switch (term, type) {
        case (.string(let text), .text):
            return .text(text)
        case (.string(let text), .ascii):
            guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
                throw CQLEngineError.invalid("Invalid ASCII character in string literal for \(receiver)")
            }
            return .text(text)
        case (.string(let text), .uuid), (.string(let text), .timeuuid):
            // Cassandra takes no quoted uuid at all (Invalid STRING constant); a well-formed one is accepted here.
            guard let uuid = CQLUUID(string: text) else { throw error }
            return try coerce(.uuid(uuid), to: type, receiver: receiver)
        case (.uuid(let uuid), .uuid), (.uuid(let uuid), .timeuuid):
            return try coerce(.uuid(uuid), to: type, receiver: receiver)
        case (.string(let text), .timestamp):
            guard let milliseconds = CQLTextFormats.timestampMilliseconds(text) else {
                throw CQLEngineError.invalid("Unable to parse a date/time from '\(text)'")
            }
            return .timestamp(milliseconds)
        case (.integer(let text), .timestamp):
            guard let milliseconds = Int64(text) else { throw error }
            return .timestamp(milliseconds)
        case (.string(let text), .date):
            guard let days = CQLTextFormats.dateDays(text) else {
                throw CQLEngineError.invalid("Unable to coerce '\(text)' to a formatted date (long)")
            }
            return .date(days)
        case (.string(let text), .time):
            guard let nanoseconds = CQLTextFormats.timeNanoseconds(text) else {
                throw CQLEngineError.invalid("Unable to coerce '\(text)' to a formatted time (long)")
            }
            return .bigint(nanoseconds)
        case (.integer(let text), .time):
            guard let nanoseconds = Int64(text), (0..<86_400_000_000_000).contains(nanoseconds) else { throw error }
            return .bigint(nanoseconds)
        case (.string(let text), .inet):
            guard let bytes = CQLTextFormats.inetBytes(text) else {
                throw CQLEngineError.invalid("Unable to make inet address from '\(text)'")
            }
            return .inet(bytes)
        case (.integer(let text), .int):
            guard let value = Int32(text) else { throw CQLEngineError.invalid("Unable to make int from '\(text)'") }
            return .int(value)
        case (.integer(let text), .bigint), (.integer(let text), .counter):
            guard let value = Int64(text) else { throw CQLEngineError.invalid("Unable to make long from '\(text)'") }
            return .bigint(value)
        case (.integer(let text), .smallint):
            guard let value = Int16(text) else { throw CQLEngineError.invalid("Unable to make short from '\(text)'") }
            return .smallint(value)
        case (.integer(let text), .tinyint):
            guard let value = Int8(text) else { throw CQLEngineError.invalid("Unable to make byte from '\(text)'") }
            return .tinyint(value)
        case (.integer(let text), .varint):
            guard let bytes = CQLTextFormats.varintBytes(text) else { throw error }
            return .varint(bytes)
        case (.integer(let text), .decimal), (.float(let text), .decimal):
            guard let decimal = CQLTextFormats.decimal(text) else { throw error }
            return .decimal(scale: decimal.scale, unscaled: decimal.unscaled)
        case (.integer(let text), .double), (.float(let text), .double):
            guard let value = Self.double(text) else { throw error }
            return .double(value)
        case (.integer(let text), .float), (.float(let text), .float):
            guard let value = Self.double(text) else { throw error }
            return .float(Float(value))
        case (.boolean(let value), .boolean):
            return .boolean(value)
        case (.string(let text), .blob):
            _ = text
            throw error
        default:
            throw error
        }
    }

    static func double(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "-nan": return .nan
        case "infinity": return .infinity
        case "-infinity": return -.infinity
        default: return Double(text)
        }
    }

    /// Converts a function's result (or a bound value) to `type` where CQL allows it.
    func coerce(_ value: CQLValue, to type: CQLType, receiver: String) throws(CQLEngineError) -> CQLValue {
        switch (value, type) {
        case (.null, _), (.unset, _): return value
        case (.uuid(let uuid), .timeuuid):
            guard uuid.version == 1 else {
                throw CQLEngineError.invalid(
                    "Invalid UUID for \(receiver) of type timeuuid: version \(uuid.version), expected 1"
                )
            }
            return value
        case (.uuid, .uuid): return value
        case (.timestamp, .timestamp), (.date, .date), (.text, .text), (.boolean, .boolean), (.blob, .blob):
            return value
        case (.timestamp(let milliseconds), .bigint): return .bigint(milliseconds)
        case (.timestamp(let milliseconds), .date):
            return .date(
                Int32(
                    clamping: milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
                )
            )
        case (.bigint(let nanoseconds), .time): return .bigint(nanoseconds)
        case (.bigint, .bigint), (.bigint, .counter): return value
        case (.text(let text), .ascii):
            guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
                throw CQLEngineError.invalid("Invalid ASCII character in string literal for \(receiver)")
            }
            return value
        default:
            throw CQLEngineError.invalid(
                "Type error: cannot assign a value of type \(Self.typeName(value)) to \(receiver) of type \(type)"
            )
        }
    }

    static func typeName(_ value: CQLValue) -> String {
        switch value {
        case .uuid: "uuid"
        case .timestamp: "timestamp"
        case .date: "date"
        case .text: "text"
        case .bigint: "bigint"
        case .int: "int"
        case .boolean: "boolean"
        default: "value"
        }
    }

    /// CQL's native functions usable as values: `now()`, `uuid()`, `currenttimestamp()`, `currentdate()`,
    /// `currenttime()`, `currenttimeuuid()`, `totimestamp(x)`, `todate(x)`, `tounixtimestamp(x)`, `dateof(x)`,
    /// `unixtimestampof(x)`. Returns the value and its type.
    func evaluateFunction(
        _ name: String,
        _ arguments: [CQLTerm],
        receiver: String
    ) throws(CQLEngineError) -> (CQLValue, CQLType) {
        let name = name.hasPrefix("system.") ? String(name.dropFirst(7)) : name
        func noArguments() throws(CQLEngineError) {
            guard arguments.isEmpty else {
                throw CQLEngineError.invalid(
                    "Invalid number of arguments in call to function system.\(name): 0 required but \(arguments.count) provided"
                )
            }
        }
        func argument() throws(CQLEngineError) -> CQLValue {
            guard arguments.count == 1 else {
                throw CQLEngineError.invalid(
                    "Invalid number of arguments in call to function system.\(name): 1 required but \(arguments.count) provided"
                )
            }
            switch arguments[0] {
            case .function(let inner, let innerArguments):
                return try evaluateFunction(inner, innerArguments, receiver: receiver).0
            case .marker(let index):
                guard index < bound.count else { throw CQLEngineError.invalid("No value bound for marker \(index)") }
                return bound[index]
            case .string(let text):
                if let milliseconds = CQLTextFormats.timestampMilliseconds(text) { return .timestamp(milliseconds) }
                throw CQLEngineError.invalid("Unable to parse a date/time from '\(text)'")
            case .integer(let text):
                guard let value = Int64(text) else {
                    throw CQLEngineError.invalid("Invalid INTEGER constant (\(text))")
                }
                return .timestamp(value)
            case .uuid(let uuid):
                return .uuid(uuid)
            default:
                throw CQLEngineError.invalid("Invalid argument for function system.\(name)")
            }
        }
        func milliseconds(_ value: CQLValue) throws(CQLEngineError) -> Int64 {
            switch value {
            case .uuid(let uuid) where uuid.version == 1: return CQLTextFormats.milliseconds(ofTimeUUID: uuid.high)
            case .timestamp(let milliseconds): return milliseconds
            case .date(let days): return Int64(days) * 86_400_000
            case .bigint(let milliseconds): return milliseconds
            default: throw CQLEngineError.invalid("Invalid argument for function system.\(name)")
            }
        }
        switch name {
        case "now", "currenttimeuuid":
            try noArguments()
            return (.uuid(CQLTextFormats.timeUUID()), .timeuuid)
        case "uuid":
            try noArguments()
            return (.uuid(CQLTextFormats.randomUUID()), .uuid)
        case "currenttimestamp":
            try noArguments()
            return (.timestamp(Timestamp.nowMilliseconds()), .timestamp)
        case "currentdate":
            try noArguments()
            return (.date(Int32(Timestamp.nowMilliseconds() / 86_400_000)), .date)
        case "currenttime":
            try noArguments()
            return (.bigint(Timestamp.nowMilliseconds() % 86_400_000 * 1_000_000), .time)
        case "totimestamp", "dateof":
            return (.timestamp(try milliseconds(try argument())), .timestamp)
        case "tounixtimestamp", "unixtimestampof":
            return (.bigint(try milliseconds(try argument())), .bigint)
        case "todate":
            let ms = try milliseconds(try argument())
            return (.date(Int32(clamping: ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)), .date)
        default:
            throw CQLEngineError.invalid("Unknown function \(name) called")
        }
    }
}
