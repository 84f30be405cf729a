/// The byte-level JSON reader shared by `JSONValue` parsing and the record codec's single-pass decoder.
///
/// Works over an `UnsafeRawBufferPointer`; never reads past its end; bounded nesting. Strings are scanned first
/// (finding their end and whether they contain escapes) and decoded only when needed, so that object keys can be
/// compared as bytes.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var index: Int = 0
    let maxDepth: Int

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// A scanned string: the bytes between the quotes, and whether any escape occurs in them.
    struct StringToken {
        var start: Int
        var end: Int
        var hasEscapes: Bool
    }

    // MARK: - Errors

    func truncated() -> JSONParseError {
        JSONParseError(code: .truncated, offset: index, message: "truncated at byte \(index)")
    }

    func unexpected(_ expected: String) -> JSONParseError {
        guard index < bytes.count else { return truncated() }
        return JSONParseError(
            code: .syntax,
            offset: index,
            message: "unexpected \(Self.describe(bytes[index])) at byte \(index), expected \(expected)"
        )
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(byte < 16 ? "0" : "")\(hex)"
    }

    // MARK: - Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    @inline(__always)
    mutating func peek() throws(JSONParseError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw truncated() }
        return bytes[index]
    }

    /// After the document: only whitespace may follow.
    mutating func expectEnd() throws(JSONParseError) {
        skipWhitespace()
        guard index == bytes.count else {
            throw JSONParseError(
                code: .syntax,
                offset: index,
                message: "unexpected \(Self.describe(bytes[index])) at byte \(index) after the end of the document"
            )
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for offset in 0..<count {
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == start[offset] else { throw unexpected("\(literal)") }
            index += 1
        }
    }

    // MARK: - Tree

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw tooDeep() }
            index += 1
            var members: [JSONValue.Member] = []
            if try peek() == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                guard try peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
                index += 1
                let key = try decodeString(try scanString())
                guard try peek() == UInt8(ascii: ":") else { throw unexpected("':'") }
                index += 1
                let value = try parseValue(depth: depth + 1)
                members.append(JSONValue.Member(key, value))
                let next = try peek()
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "}") { return .object(members) }
                index -= 1
                throw unexpected("',' or '}'")
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw tooDeep() }
            index += 1
            var elements: [JSONValue] = []
            if try peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                let next = try peek()
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "]") { return .array(elements) }
                index -= 1
                throw unexpected("',' or ']'")
            }
        case UInt8(ascii: "\""):
            index += 1
            return .string(try decodeString(try scanString()))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try scanNumber()
            return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        default:
            throw unexpected("a value")
        }
    }

    func tooDeep() -> JSONParseError {
        JSONParseError(code: .tooDeep, offset: index, message: "nesting deeper than \(maxDepth) at byte \(index)")
    }

    /// Skips one value of any type, validating it, with bounded nesting.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        switch try peek() {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw tooDeep() }
            index += 1
            if try peek() == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                guard try peek() == UInt8(ascii: "\"") else { throw unexpected("a string key") }
                index += 1
                _ = try scanString()
                guard try peek() == UInt8(ascii: ":") else { throw unexpected("':'") }
                index += 1
                try skipValue(depth: depth + 1)
                let next = try peek()
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "}") { return }
                index -= 1
                throw unexpected("',' or '}'")
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw tooDeep() }
            index += 1
            if try peek() == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                let next = try peek()
                index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "]") { return }
                index -= 1
                throw unexpected("',' or ']'")
            }
        case UInt8(ascii: "\""):
            index += 1
            let token = try scanString()
            if token.hasEscapes { _ = try decodeString(token) }
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw unexpected("a value")
        }
    }

    // MARK: - Strings

    /// Scans a string whose opening quote has been consumed; leaves `index` after the closing quote.
    /// Rejects raw control characters; escapes are checked for shape here and decoded by `decodeString`.
    @inline(__always)
    mutating func scanString() throws(JSONParseError) -> StringToken {
        let start = index
        var hasEscapes = false
        while true {
            guard let found = SWAR.firstSpecial(bytes, from: index) else {
                index = bytes.count
                throw truncated()
            }
            index = found
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: index, hasEscapes: hasEscapes)
                index += 1
                return token
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index += 2
                if index > bytes.count {
                    index = bytes.count
                    throw truncated()
                }
                continue
            }
            throw JSONParseError(
                code: .syntax,
                offset: index,
                message: "unescaped control character \(Self.describe(byte)) in string at byte \(index)"
            )
        }
    }

    /// Decodes a scanned string into a `String`, resolving escapes (incl. `\uXXXX` surrogate pairs) and
    /// validating UTF-8.
    func decodeString(_ token: StringToken) throws(JSONParseError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        if !token.hasEscapes {
            if Self.isASCII(raw) { return String(decoding: raw, as: UTF8.self) }
            guard let string = String(validating: raw, as: UTF8.self) else {
                throw JSONParseError(
                    code: .syntax,
                    offset: token.start,
                    message: "invalid UTF-8 in string at byte \(token.start)"
                )
            }
            return string
        }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var position = token.start
        while position < token.end {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            guard position + 1 < token.end else {
                throw JSONParseError(code: .syntax, offset: position, message: "incomplete escape at byte \(position)")
            }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let first = try hex4(at: position, end: token.end)
                position += 4
                var scalarValue = UInt32(first)
                if first >= 0xD800 && first < 0xDC00 {
                    guard position + 6 <= token.end, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else {
                        throw JSONParseError(
                            code: .syntax,
                            offset: position - 6,
                            message: "unpaired surrogate \\u\(String(first, radix: 16)) at byte \(position - 6)"
                        )
                    }
                    let second = try hex4(at: position + 2, end: token.end)
                    guard second >= 0xDC00 && second < 0xE000 else {
                        throw JSONParseError(
                            code: .syntax,
                            offset: position - 6,
                            message: "unpaired surrogate \\u\(String(first, radix: 16)) at byte \(position - 6)"
                        )
                    }
                    position += 6
                    scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
                } else if first >= 0xDC00 && first < 0xE000 {
                    throw JSONParseError(
                        code: .syntax,
                        offset: position - 6,
                        message: "unpaired surrogate \\u\(String(first, radix: 16)) at byte \(position - 6)"
                    )
                }
                JSONWriter.appendUTF8(scalarValue, to: &out)
            default:
                throw JSONParseError(
                    code: .syntax,
                    offset: position - 2,
                    message: "invalid escape \\\(Self.describe(escape)) at byte \(position - 2)"
                )
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else {
            throw JSONParseError(
                code: .syntax,
                offset: token.start,
                message: "invalid UTF-8 in string at byte \(token.start)"
            )
        }
        return string
    }

    /// `true` if every byte is below 0x80 (checked eight bytes at a time).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    private func hex4(at position: Int, end: Int) throws(JSONParseError) -> UInt16 {
        guard position + 4 <= end else {
            throw JSONParseError(
                code: .syntax,
                offset: position - 2,
                message: "incomplete \\u escape at byte \(position - 2)"
            )
        }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default:
                throw JSONParseError(
                    code: .syntax,
                    offset: position + offset,
                    message: "invalid hex digit \(Self.describe(byte)) in \\u escape at byte \(position + offset)"
                )
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    // MARK: - Numbers

    /// Scans a number per the JSON grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and returns its range.
    mutating func scanNumber() throws(JSONParseError) -> Range<Int> {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw truncated() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        } else {
            throw unexpected("a digit")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count else { throw truncated() }
            guard isDigit(bytes[index]) else { throw unexpected("a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count else { throw truncated() }
            guard isDigit(bytes[index]) else { throw unexpected("a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // A number at the very end of the input is only complete if it is the whole document; a caller
        // expecting more will report truncation at the next read.
        return start..<index
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
