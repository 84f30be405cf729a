/// A parsed JSON document, as much as randomuser decoding and dead-lettering need: objects keep their key order
/// and numbers keep their literal text, so that a rejected element re-serialises faithfully.
///
/// Parse with `JSONValue(parsing:)`; serialise with `jsonBytes()`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, as sent (validated against the JSON number grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; duplicate keys are kept (lookups take the last one).
    case object([Member])

    /// One `"key": value` pair of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// `null`, `boolean`, `number`, `string`, `array` or `object`: used in decoding error reasons.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value of `key` in an object (the last one if the key is repeated); `nil` for a missing key or a
    /// value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        var index = members.count - 1
        while index >= 0 {
            if members[index].key == key { return members[index].value }
            index -= 1
        }
        return nil
    }

    /// The number as an `Int` if it is an integer literal (no fraction or exponent) that fits.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// The number as a `Double`.
    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}

extension JSONValue {
    /// Parses one JSON document (surrounding whitespace allowed, nothing else after it).
    ///
    /// - Parameters:
    ///   - maxBytes: inputs larger than this are refused before parsing.
    ///   - maxDepth: arrays and objects nested deeper than this are refused.
    public init(
        parsing bytes: UnsafeRawBufferPointer,
        maxBytes: Int = 64 << 20,
        maxDepth: Int = 64
    ) throws(JSONParseError) {
        guard bytes.count <= maxBytes else {
            throw JSONParseError(
                code: .tooLarge,
                offset: 0,
                message: "input of \(bytes.count) bytes exceeds \(maxBytes)"
            )
        }
        var scanner = JSONScanner(bytes, maxDepth: maxDepth)
        let value = try scanner.parseValue(depth: 0)
        try scanner.expectEnd()
        self = value
    }

    /// Parses one JSON document from any byte collection.
    public init(
        parsing bytes: some Collection<UInt8>,
        maxBytes: Int = 64 << 20,
        maxDepth: Int = 64
    ) throws(JSONParseError) {
        var failure: JSONParseError?
        let parsed: JSONValue?? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(JSONParseError) {
                return try JSONValue(parsing: UnsafeRawBufferPointer(buffer), maxBytes: maxBytes, maxDepth: maxDepth)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        if let parsed, let value = parsed {
            self = value
        } else {
            let array = Array(bytes)
            self = try JSONValue(parsing: array, maxBytes: maxBytes, maxDepth: maxDepth)
        }
    }

    /// Compact JSON text of this value (UTF-8, no insignificant whitespace, key order kept).
    public func jsonBytes() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        appendJSON(to: &out)
        return out
    }

    /// Appends the compact JSON text of this value to `out`.
    public func appendJSON(to out: inout [UInt8]) {
        switch self {
        case .null: JSONWriter.append("null", to: &out)
        case .bool(let value): JSONWriter.append(value ? "true" : "false", to: &out)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): JSONWriter.appendString(text, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// Why a JSON document could not be parsed.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        /// The input ended inside a value.
        public static let truncated = Code(base: "truncated")
        /// Not JSON at `offset`.
        public static let syntax = Code(base: "syntax")
        /// Nesting deeper than allowed.
        public static let tooDeep = Code(base: "tooDeep")
        /// Input larger than allowed.
        public static let tooLarge = Code(base: "tooLarge")
        public var description: String { base }
    }

    public var code: Code
    /// Byte offset where the problem was found.
    public var offset: Int
    public var message: String

    public init(code: Code, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { message }
}
