/// Splits CQL text into tokens: case-insensitive keywords and identifiers, `"quoted"` identifiers, `'strings'` (with
/// `''` escapes) and `$$strings$$`, numbers, unquoted UUIDs, `0x` blobs, bind markers, and punctuation. Comments
/// (`--`, `//` to the end of the line, `/* … */`) and whitespace are skipped.
struct CQLLexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// All tokens, ending with one `.end` token.
    static func tokenize(_ text: String) throws(CQLEngineError) -> [CQLToken] {
        var lexer = CQLLexer(text)
        var tokens: [CQLToken] = []
        while true {
            let token = try lexer.next(previous: tokens.last)
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// The column of byte offset `offset` on the current line, in characters.
    private func column(of offset: Int) -> Int {
        var count = 0
        var position = lineStart
        while position < offset && position < bytes.count {
            if bytes[position] & 0xC0 != 0x80 { count += 1 }
            position += 1
        }
        return count
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func newline(at offset: Int) {
        line += 1
        lineStart = offset + 1
    }

    private mutating func skipTrivia() throws(CQLEngineError) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\n"):
                newline(at: index)
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
                index += 1
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"),
                UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                while let next = peek(), next != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                let startLine = line
                let startColumn = column(of: index)
                index += 2
                while true {
                    guard let next = peek() else {
                        throw .syntax("line \(startLine):\(startColumn) unterminated comment")
                    }
                    if next == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                        index += 2
                        break
                    }
                    if next == UInt8(ascii: "\n") { newline(at: index) }
                    index += 1
                }
            default:
                return
            }
        }
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    /// Whether an unquoted UUID (8-4-4-4-12 hex digits, not followed by an identifier character) starts here.
    private func uuidLength(at start: Int) -> Int? {
        guard start + 36 <= bytes.count else { return nil }
        for offset in 0..<36 {
            let byte = bytes[start + offset]
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                guard Self.isHex(byte) else { return nil }
            }
        }
        if start + 36 < bytes.count, Self.isIdentifierPart(bytes[start + 36]) { return nil }
        return 36
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whether a `-` here is a sign (after an operator, a comma or an opening bracket) rather than a minus.
    private static func signAllowed(after previous: CQLToken?) -> Bool {
        guard let previous else { return true }
        // `USING TTL -1`, `USING TIMESTAMP -5`, `LIMIT -1`: a signed integer after these keywords.
        if previous.kind == .identifier, ["ttl", "timestamp", "limit"].contains(previous.text.lowercased()) {
            return true
        }
        guard previous.kind == .symbol else { return false }
        return ![")", "]", "}"].contains(previous.text)
    }

    /// The content of a literal quoted by `quote` (a string in `'`, an identifier in `"`) starting at the current
    /// index, with doubled quotes standing for one; the index ends after the closing quote.
    private mutating func quoted(by quote: UInt8, startLine: Int, startColumn: Int) throws(CQLEngineError) -> [UInt8] {
        index += 1
        var content: [UInt8] = []
        while true {
            guard let next = peek() else {
                let expected = String(decoding: [quote], as: UTF8.self)
                throw .syntax("line \(startLine):\(startColumn) mismatched character '<EOF>' expecting '\(expected)'")
            }
            if next == quote {
                if peek(1) == quote {
                    content.append(next)
                    index += 2
                    continue
                }
                index += 1
                return content
            }
            if next == UInt8(ascii: "\n") { newline(at: index) }
            content.append(next)
            index += 1
        }
    }

    mutating func next(previous: CQLToken?) throws(CQLEngineError) -> CQLToken {
        try skipTrivia()
        let start = index
        let startLine = line
        let startColumn = column(of: start)
        func token(_ kind: CQLToken.Kind, _ text: String) -> CQLToken {
            CQLToken(kind: kind, text: text, line: startLine, column: startColumn, start: start, end: index)
        }
        guard let byte = peek() else { return token(.end, "") }

        if let length = uuidLength(at: start) {
            index += length
            return token(.uuid, text(start..<index))
        }
        if byte == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            index += 2
            while let next = peek(), Self.isHex(next) { index += 1 }
            if let next = peek(), Self.isIdentifierPart(next) {
                throw .syntax(
                    "line \(startLine):\(column(of: index)) no viable alternative at character '\(Character(UnicodeScalar(next)))'"
                )
            }
            return token(.blob, text(start + 2..<index))
        }
        let signed = byte == UInt8(ascii: "-") && Self.signAllowed(after: previous)
        if Self.isDigit(byte) || (signed && peek(1).map(Self.isDigit) == true)
            || (byte == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true && previous?.kind != .identifier
                && previous?.kind != .quotedIdentifier)
        {
            if signed { index += 1 }
            var isFloat = false
            while let next = peek(), Self.isDigit(next) { index += 1 }
            if peek() == UInt8(ascii: "."), let after = peek(1), Self.isDigit(after) {
                isFloat = true
                index += 1
                while let next = peek(), Self.isDigit(next) { index += 1 }
            }
            if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                var probe = 1
                if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { probe = 2 }
                if let digit = peek(probe), Self.isDigit(digit) {
                    isFloat = true
                    index += probe
                    while let next = peek(), Self.isDigit(next) { index += 1 }
                }
            }
            if let next = peek(), Self.isIdentifierStart(next) {
                // `123abc` is neither a number nor an identifier.
                throw .syntax(
                    "line \(startLine):\(startColumn) no viable alternative at input '\(text(start..<index + 1))'"
                )
            }
            return token(isFloat ? .float : .integer, text(start..<index))
        }
        if signed, let next = peek(1), Self.isIdentifierStart(next) {
            // -NaN, -Infinity
            var end = index + 1
            while end < bytes.count, Self.isIdentifierPart(bytes[end]) { end += 1 }
            let word = text(index + 1..<end).lowercased()
            if word == "nan" || word == "infinity" {
                index = end
                return token(.float, text(start..<index))
            }
        }
        if Self.isIdentifierStart(byte) {
            while let next = peek(), Self.isIdentifierPart(next) { index += 1 }
            let word = text(start..<index)
            let lower = word.lowercased()
            if lower == "nan" || lower == "infinity" { return token(.float, word) }
            return token(.identifier, word)
        }
        switch byte {
        case UInt8(ascii: "'"):
            let content = try quoted(by: UInt8(ascii: "'"), startLine: startLine, startColumn: startColumn)
            return token(.string, String(decoding: content, as: UTF8.self))
        case UInt8(ascii: "$") where peek(1) == UInt8(ascii: "$"):
            index += 2
            let contentStart = index
            while true {
                guard let next = peek() else {
                    throw .syntax("line \(startLine):\(startColumn) mismatched character '<EOF>' expecting '$'")
                }
                if next == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "$") { break }
                if next == UInt8(ascii: "\n") { newline(at: index) }
                index += 1
            }
            let content = text(contentStart..<index)
            index += 2
            return token(.string, content)
        case UInt8(ascii: "\""):
            let content = try quoted(by: UInt8(ascii: "\""), startLine: startLine, startColumn: startColumn)
            guard !content.isEmpty else {
                throw .syntax("line \(startLine):\(startColumn) no viable alternative at input '\"\"'")
            }
            return token(.quotedIdentifier, String(decoding: content, as: UTF8.self))
        case UInt8(ascii: "?"):
            index += 1
            return token(.questionMark, "?")
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"):
            index += 1
            if peek() == UInt8(ascii: "=") {
                index += 1
            } else if byte == UInt8(ascii: "!") {
                throw .syntax("line \(startLine):\(startColumn) no viable alternative at character '!'")
            }
            return token(.symbol, text(start..<index))
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "."), UInt8(ascii: "*"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "+"), UInt8(ascii: "-"):
            index += 1
            return token(.symbol, text(start..<index))
        default:
            // Skip the whole UTF-8 sequence for the message.
            index += 1
            while let next = peek(), next & 0xC0 == 0x80 { index += 1 }
            throw .syntax(
                "line \(startLine):\(startColumn) no viable alternative at character '\(text(start..<index))'"
            )
        }
    }
}
