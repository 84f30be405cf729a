/// One token of Trino SQL, with where it starts in the statement text (1-based line and column, as Trino reports
/// error locations).
struct SQLToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A bare identifier or keyword.
        case word
        /// A double-quoted identifier; `value` holds it unescaped.
        case quotedIdentifier
        /// A single-quoted string literal; `value` holds it unescaped.
        case string
        case number
        /// Punctuation and operators: `(`, `)`, `,`, `.`, `*`, `<=`, `||`, ….
        case symbol
        /// A `?` parameter marker.
        case parameter
    }

    var kind: Kind
    /// The token as written (for words) or unescaped (for quoted identifiers and strings).
    var value: String
    var line: Int
    var column: Int

    var upper: String { kind == .word ? value.uppercased() : "" }

    /// Lower-cased identifier name for words and quoted identifiers (Trino folds identifiers to lower case).
    var identifier: String? {
        switch kind {
        case .word, .quotedIdentifier: value.lowercased()
        default: nil
        }
    }

    var location: ErrorLocation { ErrorLocation(lineNumber: line, columnNumber: column) }

    func isSymbol(_ text: String) -> Bool { kind == .symbol && value == text }

    func isWord(_ upperText: String) -> Bool { kind == .word && value.uppercased() == upperText }

    /// The token as SQLite text.
    var sqlite: String {
        switch kind {
        case .quotedIdentifier: "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .string: SQLToken.quote(value)
        default: value
        }
    }

    static func quote(_ string: String) -> String {
        "'" + string.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Splits Trino SQL into tokens, dropping whitespace and comments.
enum SQLLexer {
    static func tokenize(_ text: String) throws(TrinoQueryFailure) -> [SQLToken] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [SQLToken] = []
        var index = 0
        var line = 1
        var lineStart = 0

        func advance(_ count: Int = 1) {
            for _ in 0..<count where index < scalars.count {
                if scalars[index] == "\n" {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
            }
        }

        while index < scalars.count {
            let scalar = scalars[index]
            let startLine = line
            let startColumn = index - lineStart + 1
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            func failure(_ message: String) -> TrinoQueryFailure {
                TrinoQueryFailure(
                    .syntaxError,
                    "line \(startLine):\(startColumn): \(message)",
                    location: ErrorLocation(lineNumber: startLine, columnNumber: startColumn)
                )
            }
            func token(_ kind: SQLToken.Kind, _ value: String) {
                tokens.append(SQLToken(kind: kind, value: value, line: startLine, column: startColumn))
            }

            if scalar.properties.isWhitespace {
                advance()
            } else if scalar == "-" && next == "-" {
                while index < scalars.count && scalars[index] != "\n" { advance() }
            } else if scalar == "/" && next == "*" {
                advance(2)
                var closed = false
                while index < scalars.count {
                    if scalars[index] == "*" && index + 1 < scalars.count && scalars[index + 1] == "/" {
                        advance(2)
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed { throw failure("unterminated comment") }
            } else if scalar == "'" || scalar == "\"" {
                let quote = scalar
                advance()
                var value = String.UnicodeScalarView()
                var closed = false
                while index < scalars.count {
                    let current = scalars[index]
                    if current == quote {
                        if index + 1 < scalars.count && scalars[index + 1] == quote {
                            value.append(quote)
                            advance(2)
                            continue
                        }
                        advance()
                        closed = true
                        break
                    }
                    value.append(current)
                    advance()
                }
                if !closed {
                    throw failure(quote == "'" ? "unterminated string literal" : "unterminated quoted identifier")
                }
                if quote == "\"" && value.isEmpty { throw failure("zero-length delimited identifier not allowed") }
                token(quote == "'" ? .string : .quotedIdentifier, String(value))
            } else if scalar.properties.isAlphabetic || scalar == "_" {
                var value = String.UnicodeScalarView()
                while index < scalars.count
                    && (scalars[index].properties.isAlphabetic || scalars[index] == "_"
                        || ("0"..."9").contains(scalars[index]) || scalars[index] == "$" || scalars[index] == "@")
                {
                    value.append(scalars[index])
                    advance()
                }
                token(.word, String(value))
            } else if ("0"..."9").contains(scalar) || (scalar == "." && next.map { ("0"..."9").contains($0) } == true) {
                var value = String.UnicodeScalarView()
                while index < scalars.count
                    && (("0"..."9").contains(scalars[index]) || scalars[index] == "."
                        || scalars[index] == "e" || scalars[index] == "E"
                        || ((scalars[index] == "+" || scalars[index] == "-")
                            && (value.last == "e" || value.last == "E")))
                {
                    value.append(scalars[index])
                    advance()
                }
                token(.number, String(value))
            } else if scalar == "?" {
                advance()
                token(.parameter, "?")
            } else {
                let pair = next.map { String(scalar) + String($0) } ?? ""
                if ["<=", ">=", "<>", "!=", "||", "=>", "->"].contains(pair) {
                    advance(2)
                    token(.symbol, pair)
                } else if "(),.;*+-/%<>=[]:".unicodeScalars.contains(scalar) {
                    advance()
                    token(.symbol, String(scalar))
                } else {
                    throw failure("token recognition error at: '\(scalar)'")
                }
            }
        }
        return tokens
    }
}
