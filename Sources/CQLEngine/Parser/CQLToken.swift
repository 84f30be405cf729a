/// One token of CQL text, with where it starts (1-based line, 0-based column, as Cassandra's error messages count).
struct CQLToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// An unquoted identifier or keyword; `text` as written (compare case-insensitively).
        case identifier
        /// A `"double quoted"` identifier, `text` without the quotes and with `""` unescaped.
        case quotedIdentifier
        /// A `'single quoted'` or `$$dollar quoted$$` string, unescaped.
        case string
        /// An integer literal (optionally negative), as written.
        case integer
        /// A floating-point literal (`1.5`, `-2e3`, `NaN`, `Infinity`), as written.
        case float
        /// An unquoted UUID constant.
        case uuid
        /// A `0x…` blob constant (`text` is the hex digits).
        case blob
        /// `?`.
        case questionMark
        /// `:name` (`text` is the name, lowercased unless quoted).
        case namedMarker
        /// Punctuation and operators: `( ) [ ] { } , ; . * = < > <= >= != : + -`.
        case symbol
        case end
    }

    var kind: Kind
    var text: String
    var line: Int
    var column: Int
    /// Byte offsets of the token in the statement's UTF-8 (for batches, which keep their statements' text).
    var start: Int
    var end: Int

    func isKeyword(_ keyword: String) -> Bool {
        kind == .identifier && text.lowercased() == keyword
    }

    func isSymbol(_ symbol: String) -> Bool {
        kind == .symbol && text == symbol
    }

    /// How an error message quotes the token.
    var quoted: String {
        switch kind {
        case .end: "<EOF>"
        case .string: "'\(text)'"
        case .quotedIdentifier: "\"\(text)\""
        case .blob: "0x\(text)"
        case .namedMarker: ":\(text)"
        default: text
        }
    }
}
