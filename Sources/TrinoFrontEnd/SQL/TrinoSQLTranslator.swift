/// Translates a Trino query (`SELECT`, `WITH`, `VALUES`) to SQLite SQL over the store.
///
/// Works on tokens, not on a full syntax tree: names and functions that differ between the dialects are rewritten,
/// everything else passes through and SQLite parses it (its errors are mapped back to Trino's by the executor).
///
/// - Table names: `cassandra.spark_streams.created_users`, `spark_streams.created_users` and, with the session's
///   schema, `created_users` become `"spark_streams"."created_users"`; `information_schema.{schemata,tables,columns,
///   views}` and `system.metadata.table_comments` become inline subqueries built from the catalog. Other names fail
///   with `TABLE_NOT_FOUND`, `SCHEMA_NOT_FOUND` or `CATALOG_NOT_FOUND`.
/// - Timestamps are text in SQLite: every Trino timestamp value is `'YYYY-MM-DD HH:MM:SS.fff'` (Trino's own JSON
///   rendering of `timestamp(3)`), made with `strftime('%Y-%m-%d %H:%M:%f', x)`, which reads the store's ISO-8601
///   text (`2024-05-01T12:00:00.000Z`) as UTC. So `from_iso8601_timestamp(x)`, `CAST(x AS TIMESTAMP)` and
///   `TIMESTAMP '…'` literals all produce that form, compare correctly with each other, and `date_trunc(unit, x)` is
///   `strftime` with the smaller fields fixed (`week` goes back to Monday, `quarter` to its first month).
/// - Columns typed `timestamp(3) with time zone` in the catalog (`ingested_at`) are read through a subquery that
///   converts the store's text to that form; results of that type get Trino's ` UTC` suffix.
/// - Interval arithmetic (`x - interval '1' minute * (minute(x) % 5)`): each additive expression with an INTERVAL
///   term is parsed (`parseAdditive`: terms, factors, operands) and becomes SQLite date modifiers on its one
///   timestamp or date term; year-month intervals clamp to the month's end like Trino.
/// - Output columns are named like Trino's: aliases and column names in lower case, `_colN` for other expressions.
struct TrinoSQLTranslator {
    let catalog: TrinoCatalog
    let session: TrinoSession
    let serverVersion: String

    private var tokens: [SQLToken] = []
    private var cteNames: Set<String> = []
    private var tables: [TrinoCatalog.Table] = []
    private var columnHints: [ColumnHint]?
    /// Per select item, the column it names when it is a plain column reference (typed once FROM is read).
    private var hintSources: [String?] = []
    private var selectListDone = false

    init(catalog: TrinoCatalog, session: TrinoSession, serverVersion: String) {
        self.catalog = catalog
        self.session = session
        self.serverVersion = serverVersion
    }

    static let canonicalTimestampFormat = "'%Y-%m-%d %H:%M:%f'"

    static func timestamp(_ sql: String) -> String {
        "strftime(\(canonicalTimestampFormat), \(sql))"
    }

    mutating func translate(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TranslatedQuery {
        self.tokens = tokens
        collectCommonTableExpressions()
        try checkParentheses()
        let sql = try translate(0..<tokens.count, topLevel: true)
        var hints = columnHints
        if var resolved = hints {
            for index in resolved.indices where resolved[index].type == nil {
                let source = hintSources.indices.contains(index) ? hintSources[index] : nil
                resolved[index].type = columnType(named: source ?? resolved[index].name)
            }
            hints = resolved
        }
        return TranslatedQuery(sql: sql, columns: hints, tables: tables, sourceTokens: tokens)
    }

    /// Type of a column of a table the query reads, by name.
    private func columnType(named name: String) -> TrinoType? {
        for table in tables {
            if let column = table.columns.first(where: { $0.name == name }) { return column.type }
        }
        return nil
    }

    private mutating func collectCommonTableExpressions() {
        for (index, token) in tokens.enumerated() {
            guard let name = token.identifier, index > 0 else { continue }
            let previous = tokens[index - 1]
            guard previous.isWord("WITH") || previous.isWord("RECURSIVE") || previous.isSymbol(",") else { continue }
            var next = index + 1
            if next < tokens.count, tokens[next].isSymbol("("), let close = matchingParenthesis(next) {
                next = close + 1
            }
            if next + 1 < tokens.count, tokens[next].isWord("AS"), tokens[next + 1].isSymbol("(") {
                cteNames.insert(name)
            }
        }
    }

    private func checkParentheses() throws(TrinoQueryFailure) {
        var open: [SQLToken] = []
        for token in tokens {
            if token.isSymbol("(") { open.append(token) }
            if token.isSymbol(")") {
                guard open.popLast() != nil else {
                    throw TrinoQueryFailure.at(token, .syntaxError, "mismatched input ')'. Expecting: <EOF>")
                }
            }
        }
        if let unclosed = open.last {
            throw TrinoQueryFailure.at(unclosed, .syntaxError, "mismatched input '('. Expecting: ')'")
        }
    }

    private func matchingParenthesis(_ open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// Top-level comma-separated ranges inside `range`.
    private func split(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var depth = 0
        for index in range {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") { depth -= 1 }
            if depth == 0 && tokens[index].isSymbol(",") {
                parts.append(start..<index)
                start = index + 1
            }
        }
        parts.append(start..<range.upperBound)
        return parts
    }

    private static let clauseKeywords: Set<String> = [
        "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "OFFSET", "FETCH",
        "JOIN", "LEFT", "RIGHT", "INNER", "CROSS", "FULL", "ON", "USING", "NATURAL", "FROM", "SELECT", "AS", "END",
        "NULL", "TRUE", "FALSE", "AND", "OR", "NOT", "IS", "IN", "LIKE", "BETWEEN", "THEN", "ELSE", "WHEN", "DESC",
        "ASC",
    ]

    // MARK: - Clauses

    private mutating func translate(_ range: Range<Int>, topLevel: Bool) throws(TrinoQueryFailure) -> String {
        var out: [String] = []
        var index = range.lowerBound
        var inFrom = false
        var expectTable = false
        var pendingOffset: String?
        var limitWritten = false

        func flushOffset() {
            if let offset = pendingOffset {
                out.append(limitWritten ? "OFFSET \(offset)" : "LIMIT -1 OFFSET \(offset)")
                pendingOffset = nil
            }
            limitWritten = false
        }

        let intervalExpressions = try intervalArithmetic(in: range)

        while index < range.upperBound {
            let token = tokens[index]
            if let expression = intervalExpressions[index] {
                out.append(try translateIntervalArithmetic(expression))
                index = expression.range.upperBound
                continue
            }
            if expectTable {
                expectTable = false
                if token.identifier != nil, !(index + 1 < range.upperBound && tokens[index + 1].isSymbol("(")),
                    !token.isWord("LATERAL"), !token.isWord("UNNEST")
                {
                    index = try tableReference(at: index, in: range, into: &out)
                    continue
                }
            }
            switch token.kind {
            case .word:
                let upper = token.upper
                let next = index + 1 < range.upperBound ? tokens[index + 1] : nil
                switch upper {
                case "SELECT" where topLevel && !selectListDone:
                    selectListDone = true
                    index = try selectList(after: index, in: range, into: &out)
                    continue
                case "FROM":
                    out.append("FROM")
                    inFrom = true
                    expectTable = true
                case "JOIN":
                    out.append("JOIN")
                    expectTable = true
                case "WHERE", "GROUP", "ORDER", "HAVING", "WINDOW":
                    inFrom = false
                    out.append(upper)
                case "UNION", "EXCEPT", "INTERSECT":
                    inFrom = false
                    flushOffset()
                    out.append(upper)
                case "LIMIT":
                    inFrom = false
                    guard let count = next, count.kind == .number || count.isWord("ALL") else {
                        throw TrinoQueryFailure.at(
                            next ?? token,
                            .syntaxError,
                            "mismatched input '\(next?.value ?? "<EOF>")'. Expecting: <integer>, 'ALL'"
                        )
                    }
                    out.append("LIMIT \(count.isWord("ALL") ? "-1" : count.value)")
                    limitWritten = true
                    index += 2
                    continue
                case "OFFSET":
                    inFrom = false
                    guard let count = next, count.kind == .number else {
                        throw TrinoQueryFailure.at(
                            next ?? token,
                            .syntaxError,
                            "mismatched input '\(next?.value ?? "<EOF>")'. Expecting: <integer>"
                        )
                    }
                    pendingOffset = count.value
                    index += 2
                    if index < range.upperBound, tokens[index].isWord("ROW") || tokens[index].isWord("ROWS") {
                        index += 1
                    }
                    if limitWritten { flushOffset() }
                    continue
                case "FETCH":
                    // FETCH FIRST|NEXT [n] ROW|ROWS ONLY
                    var position = index + 1
                    if position < range.upperBound, tokens[position].isWord("FIRST") || tokens[position].isWord("NEXT")
                    {
                        position += 1
                    }
                    var count = "1"
                    if position < range.upperBound, tokens[position].kind == .number {
                        count = tokens[position].value
                        position += 1
                    }
                    if position < range.upperBound, tokens[position].isWord("ROW") || tokens[position].isWord("ROWS") {
                        position += 1
                    }
                    guard position < range.upperBound, tokens[position].isWord("ONLY") else {
                        throw TrinoQueryFailure.at(
                            tokens[min(position, range.upperBound - 1)],
                            .notSupported,
                            "FETCH … WITH TIES is not supported"
                        )
                    }
                    out.append("LIMIT \(count)")
                    limitWritten = true
                    if pendingOffset != nil { flushOffset() }
                    index = position + 1
                    continue
                case "INTERVAL":
                    // Intervals added to or subtracted from a timestamp or date were rewritten above.
                    _ = try TrinoInterval.parse(tokens, at: index)
                    throw TrinoQueryFailure.at(
                        token,
                        .notSupported,
                        "INTERVAL values are supported only added to or subtracted from a timestamp or date"
                    )
                case "CURRENT_TIMESTAMP", "LOCALTIMESTAMP":
                    out.append(Self.timestamp("'now'"))
                    // `current_timestamp(3)`: the precision changes nothing here.
                    if let next, next.isSymbol("("), let close = matchingParenthesis(index + 1) {
                        index = close + 1
                        continue
                    }
                case "CURRENT_DATE":
                    out.append("date('now')")
                case "TIMESTAMP", "DATE", "DOUBLE", "DECIMAL", "UUID", "VARCHAR", "BIGINT", "INTEGER", "REAL", "CHAR":
                    if let literal = next, literal.kind == .string {
                        out.append(try typedLiteral(upper, literal))
                        index += 2
                        continue
                    }
                    out.append(token.sqlite)
                default:
                    if let next, next.isSymbol("("), let close = matchingParenthesis(index + 1),
                        close < range.upperBound
                    {
                        out.append(try function(at: index, close: close))
                        index = close + 1
                        continue
                    }
                    if inFrom, Self.joinKeywords.contains(upper) { out.append(upper) } else { out.append(token.sqlite) }
                }
            case .symbol:
                if token.isSymbol("(") {
                    guard let close = matchingParenthesis(index) else {
                        throw TrinoQueryFailure.at(token, .syntaxError, "mismatched input '('. Expecting: ')'")
                    }
                    out.append("(" + (try translate((index + 1)..<close, topLevel: false)) + ")")
                    index = close + 1
                    continue
                }
                if token.isSymbol(",") && inFrom { expectTable = true }
                if token.isSymbol("[") {
                    throw TrinoQueryFailure.at(
                        token,
                        .notSupported,
                        "array subscripts are not supported by this server"
                    )
                }
                out.append(token.value)
            case .parameter:
                throw TrinoQueryFailure.at(
                    token,
                    TrinoErrorCode(code: 80, name: "INVALID_PARAMETER_USAGE", type: "USER_ERROR"),
                    "Incorrect number of parameters: expected 0 but found 1; use EXECUTE … USING"
                )
            case .number, .string, .quotedIdentifier:
                out.append(token.sqlite)
            }
            index += 1
        }
        flushOffset()
        return out.joined(separator: " ")
    }

    private static let joinKeywords: Set<String> = ["LEFT", "RIGHT", "INNER", "CROSS", "FULL", "OUTER", "NATURAL"]

    /// The outermost select list: items translated one by one, unaliased expressions named `_colN`, types noted.
    private mutating func selectList(
        after select: Int,
        in range: Range<Int>,
        into out: inout [String]
    )
        throws(TrinoQueryFailure) -> Int
    {
        out.append("SELECT")
        var start = select + 1
        if start < range.upperBound, tokens[start].isWord("DISTINCT") || tokens[start].isWord("ALL") {
            out.append(tokens[start].upper)
            start += 1
        }
        // The list ends at the first top-level clause keyword.
        var end = start
        var depth = 0
        let enders: Set<String> = [
            "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "OFFSET", "FETCH",
            "WINDOW",
        ]
        while end < range.upperBound {
            let token = tokens[end]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0 && enders.contains(token.upper) { break }
            end += 1
        }
        guard end > start else {
            throw TrinoQueryFailure.at(
                tokens[min(end, tokens.count - 1)],
                .syntaxError,
                "mismatched input '\(end < tokens.count ? tokens[end].value : "<EOF>")'. Expecting: '*', <expression>"
            )
        }
        var hints: [ColumnHint]? = []
        var items: [String] = []
        for (position, item) in split(start..<end).enumerated() {
            guard !item.isEmpty else {
                throw TrinoQueryFailure.at(
                    tokens[item.lowerBound],
                    .syntaxError,
                    "mismatched input ','. Expecting: <expression>"
                )
            }
            var expression = item
            var alias: String?
            let last = tokens[item.upperBound - 1]
            if item.count >= 2, let name = last.identifier,
                !Self.clauseKeywords.contains(last.upper) || last.kind == .quotedIdentifier,
                !endsWithIntervalLiteral(item)
            {
                let before = tokens[item.upperBound - 2]
                if before.isWord("AS") {
                    alias = name
                    expression = item.lowerBound..<(item.upperBound - 2)
                } else if before.isSymbol(")") || before.identifier != nil || before.kind == .number
                    || before.kind == .string,
                    !before.isSymbol("."),
                    !(item.count == 2 && before.identifier != nil && Self.clauseKeywords.contains(before.upper))
                {
                    alias = name
                    expression = item.lowerBound..<(item.upperBound - 1)
                }
            }
            let sql = try translate(expression, topLevel: false)
            let isStar =
                tokens[expression.upperBound - 1].isSymbol("*")
                && (expression.count == 1 || tokens[expression.upperBound - 2].isSymbol("."))
            if isStar {
                hints = nil
                items.append(sql)
                continue
            }
            let columnReference = columnReferenceName(expression)
            let name = alias ?? columnReference ?? "_col\(position)"
            hints?.append(ColumnHint(name: name, type: typeHint(expression)))
            hintSources.append(columnReference)
            items.append(columnReference != nil && alias == nil ? sql : sql + " AS " + SQLToken.quoteIdentifier(name))
        }
        out.append(items.joined(separator: ", "))
        columnHints = hints
        return end
    }

    /// The column name if `range` is a (possibly qualified) column reference.
    private func columnReferenceName(_ range: Range<Int>) -> String? {
        var expectName = true
        var name: String?
        for index in range {
            let token = tokens[index]
            if expectName {
                guard let identifier = token.identifier,
                    token.kind == .quotedIdentifier || !Self.clauseKeywords.contains(token.upper)
                else { return nil }
                if token.kind == .word, ["CURRENT_TIMESTAMP", "CURRENT_DATE", "LOCALTIMESTAMP"].contains(token.upper) {
                    return nil
                }
                name = identifier
            } else if !token.isSymbol(".") {
                return nil
            }
            expectName.toggle()
        }
        return expectName ? nil : name
    }

    /// The Trino type of an expression, when its outermost form tells.
    private func typeHint(_ range: Range<Int>) -> TrinoType? {
        if range.contains(where: { tokens[$0].isWord("INTERVAL") }),
            let arithmetic = try? parseAdditive(from: range.lowerBound, in: range), arithmetic.hasInterval,
            arithmetic.range == range
        {
            return arithmetic.baseTerm.map { baseType($0) } ?? nil
        }
        let first = tokens[range.lowerBound]
        if range.count == 1 {
            switch first.kind {
            case .number:
                return first.value.contains(".") || first.value.lowercased().contains("e") ? .double : .integer
            case .string: return .varchar
            case .word:
                switch first.upper {
                // Like Trino: current_timestamp is zoned (the session's zone, UTC here), localtimestamp is not.
                case "CURRENT_TIMESTAMP": return .timestamp3WithTimeZone
                case "LOCALTIMESTAMP": return .timestamp3
                case "CURRENT_DATE": return .date
                case "TRUE", "FALSE": return .boolean
                default: return nil
                }
            default: return nil
            }
        }
        if range.count == 2, first.kind == .word, tokens[range.lowerBound + 1].kind == .string {
            return Self.castType(first.upper)
        }
        guard first.kind == .word, tokens[range.lowerBound + 1].isSymbol("("),
            matchingParenthesis(range.lowerBound + 1) == range.upperBound - 1
        else { return nil }
        let name = first.value.lowercased()
        switch name {
        case "cast", "try_cast":
            let inner = (range.lowerBound + 2)..<(range.upperBound - 1)
            guard let asIndex = inner.last(where: { tokens[$0].isWord("AS") }), asIndex + 1 < inner.upperBound else {
                return nil
            }
            return Self.castType((asIndex + 1)..<inner.upperBound, in: tokens)
        case "date_trunc", "date_add":
            // Like Trino: the type of the timestamp argument (a zoned timestamp stays zoned).
            let arguments = split((range.lowerBound + 2)..<(range.upperBound - 1))
            if let last = arguments.last, !last.isEmpty, arguments.count >= 2, baseType(last) == .timestamp3WithTimeZone
            {
                return .timestamp3WithTimeZone
            }
            if let last = arguments.last, !last.isEmpty, baseType(last) == .date { return .date }
            return .timestamp3
        case "from_iso8601_timestamp", "from_iso8601_timestamp_nanos", "from_unixtime", "now", "current_timestamp":
            return .timestamp3WithTimeZone
        case "date_parse", "localtimestamp":
            return .timestamp3
        case "from_iso8601_date", "date": return .date
        case "count", "approx_distinct", "count_if", "year", "month", "day", "hour", "minute", "second", "quarter",
            "day_of_week", "dow", "day_of_year", "doy", "week", "week_of_year", "date_diff", "length", "strpos":
            return .bigint
        case "avg", "to_unixtime", "stddev", "variance": return .double
        case "version", "date_format", "concat", "lower", "upper", "substr", "substring", "trim", "ltrim", "rtrim",
            "replace", "format_datetime":
            return .varchar
        case "sum", "min", "max", "coalesce", "arbitrary", "any_value", "max_by", "min_by":
            let arguments = split((range.lowerBound + 2)..<(range.upperBound - 1))
            guard let argument = arguments.first, !argument.isEmpty else { return nil }
            return baseType(argument)
        default: return nil
        }
    }

    /// The type a CAST names: `TIMESTAMP`, `TIMESTAMP(3)`, `TIMESTAMP(3) WITH TIME ZONE`, `VARCHAR(10)`, ….
    static func castType(_ range: Range<Int>, in tokens: [SQLToken]) -> TrinoType? {
        guard let first = range.first, let type = castType(tokens[first].upper) else { return nil }
        if type == .timestamp3, range.contains(where: { tokens[$0].isWord("ZONE") }) { return .timestamp3WithTimeZone }
        return type
    }

    static func castType(_ upper: String) -> TrinoType? {
        switch upper {
        case "VARCHAR", "CHAR", "VARBINARY", "JSON": .varchar
        case "BIGINT": .bigint
        case "INTEGER", "INT", "SMALLINT", "TINYINT": .integer
        case "DOUBLE", "REAL", "DECIMAL": .double
        case "BOOLEAN": .boolean
        case "TIMESTAMP": .timestamp3
        case "DATE": .date
        case "UUID": .uuid
        default: nil
        }
    }

    private func typedLiteral(_ type: String, _ literal: SQLToken) throws(TrinoQueryFailure) -> String {
        let quoted = SQLToken.quote(literal.value)
        switch type {
        case "TIMESTAMP": return Self.timestamp(SQLToken.quote(try Self.timestampLiteral(literal)))
        case "DATE":
            guard literal.value.wholeMatch(of: /\s*\d{4}-\d{1,2}-\d{1,2}\s*/) != nil else {
                throw TrinoQueryFailure.at(
                    literal,
                    TrinoInterval.invalidLiteral,
                    "'\(literal.value)' is not a valid DATE literal"
                )
            }
            return "date(\(quoted))"
        case "DOUBLE", "DECIMAL", "REAL": return "CAST(\(quoted) AS REAL)"
        case "BIGINT", "INTEGER": return "CAST(\(quoted) AS INTEGER)"
        default: return quoted
        }
    }

    // MARK: - Tables

    private mutating func tableReference(
        at start: Int,
        in range: Range<Int>,
        into out: inout [String]
    )
        throws(TrinoQueryFailure) -> Int
    {
        var parts: [String] = []
        var index = start
        while index < range.upperBound, let name = tokens[index].identifier {
            parts.append(name)
            index += 1
            guard index + 1 < range.upperBound, tokens[index].isSymbol("."), tokens[index + 1].identifier != nil else {
                break
            }
            index += 1
        }
        let token = tokens[start]
        let hasAlias: Bool = {
            guard index < range.upperBound else { return false }
            let next = tokens[index]
            if next.isWord("AS") { return true }
            if next.kind == .quotedIdentifier { return true }
            return next.kind == .word && !Self.clauseKeywords.contains(next.upper)
                && !Self.joinKeywords.contains(next.upper)
        }()
        if parts.count == 1, cteNames.contains(parts[0]) {
            out.append(SQLToken.quoteIdentifier(parts[0]))
            return index
        }
        guard parts.count <= 3 else {
            throw TrinoQueryFailure.at(
                token,
                .syntaxError,
                "Too many dots in table name: \(parts.joined(separator: "."))"
            )
        }
        let tableName = parts[parts.count - 1]
        guard let schema = parts.count >= 2 ? parts[parts.count - 2] : session.schema else {
            throw TrinoQueryFailure.at(
                token,
                .missingSchemaName,
                "Schema must be specified when session schema is not set"
            )
        }
        guard let catalogName = parts.count == 3 ? parts[0] : session.catalog else {
            throw TrinoQueryFailure.at(
                token,
                .genericUserError,
                "Catalog must be specified when session catalog is not set"
            )
        }
        let alias = hasAlias ? "" : " AS " + SQLToken.quoteIdentifier(tableName)
        if catalogName == TrinoCatalog.systemCatalog {
            guard schema == "metadata", tableName == TrinoCatalog.tableComments.name else {
                throw TrinoQueryFailure.at(
                    token,
                    .tableNotFound,
                    "Table '\(catalogName).\(schema).\(tableName)' does not exist"
                )
            }
            tables.append(TrinoCatalog.tableComments)
            out.append(Self.inlineTable(TrinoCatalog.tableComments, rows: []) + alias)
            return index
        }
        guard catalogName == catalog.catalogName else {
            throw TrinoQueryFailure.at(token, .catalogNotFound, "Catalog '\(catalogName)' does not exist")
        }
        guard let schemaTables = catalog.tables(inSchema: schema) else {
            throw TrinoQueryFailure.at(token, .schemaNotFound, "Schema '\(schema)' does not exist")
        }
        guard let table = schemaTables.first(where: { $0.name == tableName }) else {
            throw TrinoQueryFailure.at(
                token,
                .tableNotFound,
                "Table '\(catalogName).\(schema).\(tableName)' does not exist"
            )
        }
        tables.append(table)
        if schema == TrinoCatalog.informationSchema {
            out.append(Self.inlineTable(table, rows: catalog.informationSchemaRows(tableName)) + alias)
        } else if table.columns.contains(where: { $0.type == .timestamp3WithTimeZone }) {
            // The store keeps the seeds' ISO-8601 text (`2024-05-01T12:00:00.000Z`); the view shows it as Trino's
            // timestamp text, so that comparisons with TIMESTAMP literals compare times. SQLite flattens this
            // subquery into the query that reads it.
            let columns = table.columns.map { column in
                let name = SQLToken.quoteIdentifier(column.name)
                return column.type == .timestamp3WithTimeZone ? Self.timestamp(name) + " AS " + name : name
            }
            out.append(
                "(SELECT " + columns.joined(separator: ", ") + " FROM " + SQLToken.quoteIdentifier(schema) + "."
                    + SQLToken.quoteIdentifier(tableName) + ")" + alias
            )
        } else {
            out.append(SQLToken.quoteIdentifier(schema) + "." + SQLToken.quoteIdentifier(tableName))
        }
        return index
    }

    /// A subquery yielding `rows` with the table's column names.
    static func inlineTable(_ table: TrinoCatalog.Table, rows: [[TrinoValue]]) -> String {
        func literal(_ value: TrinoValue) -> String {
            switch value {
            case .null: "NULL"
            case .boolean(let value): value ? "1" : "0"
            case .integer(let value): String(value)
            case .double(let value): String(value)
            case .string(let value): SQLToken.quote(value)
            }
        }
        let names = table.columns.map { SQLToken.quoteIdentifier($0.name) }
        guard !rows.isEmpty else {
            return "(SELECT " + names.map { "NULL AS \($0)" }.joined(separator: ", ") + " WHERE 0)"
        }
        let selects = rows.enumerated().map { rowIndex, row in
            "SELECT "
                + row.enumerated().map { index, value in
                    rowIndex == 0 ? literal(value) + " AS " + names[index] : literal(value)
                }.joined(separator: ", ")
        }
        return "(" + selects.joined(separator: " UNION ALL ") + ")"
    }

    // MARK: - Functions

    private mutating func function(at index: Int, close: Int) throws(TrinoQueryFailure) -> String {
        let nameToken = tokens[index]
        let name = nameToken.value.lowercased()
        let inner = (index + 2)..<close
        if name == "cast" || name == "try_cast" {
            return try cast(inner, at: nameToken)
        }
        let argumentRanges = inner.isEmpty ? [] : split(inner)
        func argument(_ position: Int) throws(TrinoQueryFailure) -> String {
            guard position < argumentRanges.count, !argumentRanges[position].isEmpty else {
                throw TrinoQueryFailure.at(nameToken, .syntaxError, "\(name)() expects more arguments")
            }
            return try translate(argumentRanges[position], topLevel: false)
        }
        func unit(_ position: Int) throws(TrinoQueryFailure) -> String {
            guard position < argumentRanges.count, argumentRanges[position].count == 1,
                tokens[argumentRanges[position].lowerBound].kind == .string
            else {
                throw TrinoQueryFailure.at(
                    nameToken,
                    .invalidFunctionArgument,
                    "\(name)(): the unit must be a string literal"
                )
            }
            return tokens[argumentRanges[position].lowerBound].value.lowercased()
        }
        func count(_ expected: Int) throws(TrinoQueryFailure) {
            guard argumentRanges.count == expected else {
                throw TrinoQueryFailure.at(
                    nameToken,
                    .functionNotFound,
                    "Unexpected parameters for function \(name): expected \(expected) arguments, got \(argumentRanges.count)"
                )
            }
        }
        func part(_ format: String) throws(TrinoQueryFailure) -> String {
            try count(1)
            return "CAST(strftime('\(format)', \(try argument(0))) AS INTEGER)"
        }
        switch name {
        case "version":
            try count(0)
            return SQLToken.quote(serverVersion)
        case "now", "current_timestamp", "localtimestamp":
            return Self.timestamp("'now'")
        case "from_iso8601_timestamp", "date_parse", "from_iso8601_timestamp_nanos":
            return Self.timestamp(try argument(0))
        case "from_iso8601_date":
            try count(1)
            return "date(\(try argument(0)))"
        case "date":
            try count(1)
            return "date(\(try argument(0)))"
        case "from_unixtime":
            return Self.timestamp("\(try argument(0)), 'unixepoch'")
        case "to_unixtime":
            try count(1)
            return "((julianday(\(try argument(0))) - 2440587.5) * 86400.0)"
        case "date_trunc":
            try count(2)
            let truncated = try dateTrunc(unit(0), try argument(1), at: nameToken)
            return baseType(argumentRanges[1]) == .date ? "date(\(truncated))" : truncated
        case "date_add":
            try count(3)
            let (amount, modifierUnit) = try dateAddUnit(unit(0), at: nameToken)
            let isDate = baseType(argumentRanges[2]) == .date
            let value = try argument(2)
            let count = "((\(try argument(1))) * \(amount))"
            return modifierUnit == "months"
                ? Self.addMonths(count, to: value, isDate: isDate)
                : Self.addModifier("\(count) || ' \(modifierUnit)'", to: value, isDate: isDate)
        case "date_diff":
            try count(3)
            let seconds: Int
            switch try unit(0) {
            case "millisecond": seconds = 0
            case "second": seconds = 1
            case "minute": seconds = 60
            case "hour": seconds = 3600
            case "day": seconds = 86_400
            case "week": seconds = 604_800
            case "month", "quarter", "year":
                let months = Self.monthsBetween(try argument(1), try argument(2))
                let per = ["month": 1, "quarter": 3, "year": 12][try unit(0)] ?? 1
                return per == 1 ? months : "(\(months) / \(per))"
            default:
                throw TrinoQueryFailure.at(
                    nameToken,
                    .notSupported,
                    "date_diff(): unit '\(try unit(0))' is not supported"
                )
            }
            let difference = "((julianday(\(try argument(2))) - julianday(\(try argument(1)))) * 86400.0)"
            return seconds == 0
                ? "CAST(round(\(difference) * 1000) AS INTEGER)" : "CAST(\(difference) / \(seconds) AS INTEGER)"
        case "date_format":
            try count(2)
            guard argumentRanges[1].count == 1, tokens[argumentRanges[1].lowerBound].kind == .string else {
                throw TrinoQueryFailure.at(
                    nameToken,
                    .invalidFunctionArgument,
                    "date_format(): the format must be a string literal"
                )
            }
            let format = try Self.strftimeFormat(tokens[argumentRanges[1].lowerBound].value, at: nameToken)
            return "strftime(\(SQLToken.quote(format)), \(try argument(0)))"
        case "year": return try part("%Y")
        case "month": return try part("%m")
        case "day", "day_of_month": return try part("%d")
        case "hour": return try part("%H")
        case "minute": return try part("%M")
        case "second": return try part("%S")
        case "day_of_year", "doy": return try part("%j")
        case "week", "week_of_year":
            try count(1)
            return "CAST(strftime('%V', \(try argument(0))) AS INTEGER)"
        case "day_of_week", "dow":
            try count(1)
            return "((CAST(strftime('%w', \(try argument(0))) AS INTEGER) + 6) % 7 + 1)"
        case "quarter":
            try count(1)
            return "((CAST(strftime('%m', \(try argument(0))) AS INTEGER) + 2) / 3)"
        case "approx_distinct":
            guard argumentRanges.count >= 1 else { try count(1); return "" }
            return "count(DISTINCT \(try argument(0)))"
        case "count_if":
            try count(1)
            return "sum(CASE WHEN \(try argument(0)) THEN 1 ELSE 0 END)"
        case "arbitrary", "any_value":
            try count(1)
            return "min(\(try argument(0)))"
        case "concat":
            var parts: [String] = []
            for position in argumentRanges.indices { parts.append("COALESCE(\(try argument(position)), '')") }
            return "(" + parts.joined(separator: " || ") + ")"
        case "strpos":
            try count(2)
            return "instr(\(try argument(0)), \(try argument(1)))"
        case "if":
            guard argumentRanges.count == 2 || argumentRanges.count == 3 else { try count(3); return "" }
            let otherwise = argumentRanges.count == 3 ? try argument(2) : "NULL"
            return "CASE WHEN \(try argument(0)) THEN \(try argument(1)) ELSE \(otherwise) END"
        case "greatest":
            return "max(" + (try translate(inner, topLevel: false)) + ")"
        case "least":
            return "min(" + (try translate(inner, topLevel: false)) + ")"
        case "stddev", "stddev_samp", "variance", "var_samp", "regexp_like", "regexp_extract", "split", "cardinality",
            "element_at", "json_extract", "json_extract_scalar", "format_datetime", "array_agg", "map_agg":
            throw TrinoQueryFailure.at(nameToken, .notSupported, "Function '\(name)' is not supported by this server")
        default:
            return nameToken.sqlite + "(" + (try translate(inner, topLevel: false)) + ")"
        }
    }

    private mutating func cast(_ inner: Range<Int>, at nameToken: SQLToken) throws(TrinoQueryFailure) -> String {
        var depth = 0
        var asIndex: Int?
        for index in inner {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") { depth -= 1 }
            if depth == 0 && tokens[index].isWord("AS") { asIndex = index }
        }
        guard let asIndex, asIndex > inner.lowerBound, asIndex + 1 < inner.upperBound else {
            throw TrinoQueryFailure.at(nameToken, .syntaxError, "mismatched input ')'. Expecting: 'AS'")
        }
        let value = try translate(inner.lowerBound..<asIndex, topLevel: false)
        let typeToken = tokens[asIndex + 1]
        guard let type = Self.castType((asIndex + 1)..<inner.upperBound, in: tokens) else {
            throw TrinoQueryFailure.at(
                typeToken,
                .notSupported,
                "CAST to \(typeToken.value) is not supported by this server"
            )
        }
        switch type {
        case .timestamp3, .timestamp3WithTimeZone:
            // `CAST('2025-11-16 00:00:00 UTC' AS TIMESTAMP WITH TIME ZONE)` (how Superset's SQL Lab rewrites
            // `TIMESTAMP '… UTC'` literals): SQLite reads `Z` and `+hh:mm` but not a zone name.
            if asIndex == inner.lowerBound + 1, tokens[inner.lowerBound].kind == .string {
                return Self.timestamp(SQLToken.quote(try Self.timestampLiteral(tokens[inner.lowerBound])))
            }
            return Self.timestamp(type == .timestamp3WithTimeZone ? "replace(\(value), ' UTC', '')" : value)
        case .date: return "date(\(value))"
        case .varchar, .uuid: return "CAST(\(value) AS TEXT)"
        case .bigint, .integer: return "CAST(\(value) AS INTEGER)"
        case .double: return "CAST(\(value) AS REAL)"
        case .boolean:
            return "(CASE WHEN (\(value)) IS NULL THEN NULL WHEN lower(CAST((\(value)) AS TEXT)) IN ('true', '1') "
                + "THEN 1 ELSE 0 END)"
        }
    }

    private func dateTrunc(_ unit: String, _ value: String, at token: SQLToken) throws(TrinoQueryFailure) -> String {
        switch unit {
        case "millisecond": return Self.timestamp(value)
        case "second": return "strftime('%Y-%m-%d %H:%M:%S.000', \(value))"
        case "minute": return "strftime('%Y-%m-%d %H:%M:00.000', \(value))"
        case "hour": return "strftime('%Y-%m-%d %H:00:00.000', \(value))"
        case "day": return "strftime('%Y-%m-%d 00:00:00.000', \(value))"
        // To the next Sunday (or the same day on Sundays), then six days back: the Monday of the ISO week.
        case "week": return "strftime('%Y-%m-%d 00:00:00.000', \(value), 'weekday 0', '-6 days')"
        case "month": return "strftime('%Y-%m-01 00:00:00.000', \(value))"
        case "quarter":
            return "printf('%s-%02d-01 00:00:00.000', strftime('%Y', \(value)), "
                + "((CAST(strftime('%m', \(value)) AS INTEGER) - 1) / 3) * 3 + 1)"
        case "year": return "strftime('%Y-01-01 00:00:00.000', \(value))"
        default:
            throw TrinoQueryFailure.at(token, .invalidFunctionArgument, "'\(unit)' is not a valid Timestamp field")
        }
    }

    private func dateAddUnit(_ unit: String, at token: SQLToken) throws(TrinoQueryFailure) -> (Int, String) {
        switch unit {
        case "second": (1, "seconds")
        case "minute": (1, "minutes")
        case "hour": (1, "hours")
        case "day": (1, "days")
        case "week": (7, "days")
        case "month": (1, "months")
        case "quarter": (3, "months")
        case "year": (1, "years")
        default: throw TrinoQueryFailure.at(token, .invalidFunctionArgument, "'\(unit)' is not a valid Timestamp field")
        }
    }

    /// MySQL-style `date_format` specifiers to SQLite `strftime` ones.
    static func strftimeFormat(_ format: String, at token: SQLToken) throws(TrinoQueryFailure) -> String {
        var result = ""
        var percent = false
        for character in format {
            if percent {
                percent = false
                switch character {
                case "Y": result += "%Y"
                case "m": result += "%m"
                case "d": result += "%d"
                case "H", "k": result += "%H"
                case "i": result += "%M"
                case "s", "S": result += "%S"
                case "j": result += "%j"
                case "f": result += "%f"
                case "T": result += "%H:%M:%S"
                case "%": result += "%%"
                default:
                    throw TrinoQueryFailure.at(
                        token,
                        .notSupported,
                        "date_format(): specifier %\(character) is not supported"
                    )
                }
            } else if character == "%" {
                percent = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

// MARK: - Interval arithmetic

/// One additive expression (`a ± b ± …`) at least one of whose terms holds an INTERVAL literal, as parsed by
/// `TrinoSQLTranslator.parseAdditive`: Superset's time grains, e.g.
/// `date_trunc('minute', x) - interval '1' minute * (minute(x) % 5)`.
struct IntervalArithmetic {
    struct Factor {
        /// `*`, `/` or `%` before this factor (`*` for the first).
        var operation: String
        var range: Range<Int>
        var interval: TrinoInterval?
    }

    struct Term {
        var negative: Bool
        var range: Range<Int>
        var factors: [Factor]

        var hasInterval: Bool { factors.contains { $0.interval != nil } }
    }

    var range: Range<Int>
    var terms: [Term]

    var hasInterval: Bool { terms.contains(where: \.hasInterval) }

    /// The one term without an interval: the timestamp or date the intervals move.
    var baseTerm: Range<Int>? { terms.first { !$0.hasInterval }?.range }
}

extension TrinoSQLTranslator {
    private static let typeMismatch = TrinoErrorCode(code: 58, name: "TYPE_MISMATCH", type: "USER_ERROR")

    /// Where in `range` additive expressions with interval terms start (at the top level of `range`; parenthesized
    /// and function-argument ones are found when their own range is translated).
    fileprivate func intervalArithmetic(in range: Range<Int>) throws(TrinoQueryFailure) -> [Int: IntervalArithmetic] {
        guard range.contains(where: { tokens[$0].isWord("INTERVAL") }) else { return [:] }
        var found: [Int: IntervalArithmetic] = [:]
        var index = range.lowerBound
        var canStart = true
        let boundarySymbols: Set<String> = [",", "=", "<", ">", "<=", ">=", "<>", "!=", "||"]
        let operandWords: Set<String> = ["NULL", "TRUE", "FALSE", "END"]
        while index < range.upperBound {
            let token = tokens[index]
            if canStart, let arithmetic = try parseAdditive(from: index, in: range), arithmetic.hasInterval {
                found[index] = arithmetic
                index = arithmetic.range.upperBound
                canStart = false
                continue
            }
            if token.isSymbol("("), let close = matchingParenthesis(index) {
                index = close + 1
                canStart = false
                continue
            }
            canStart =
                (token.kind == .symbol && boundarySymbols.contains(token.value))
                || (token.kind == .word && Self.clauseKeywords.contains(token.upper)
                    && !operandWords.contains(token.upper))
                || token.isWord("CASE") || token.isWord("BY") || token.isWord("DISTINCT")
            index += 1
        }
        return found
    }

    /// `term ((+|-) term)*` from `start`, up to the first token that cannot continue it; `nil` when no operand
    /// starts at `start`.
    fileprivate func parseAdditive(
        from start: Int,
        in range: Range<Int>
    ) throws(TrinoQueryFailure)
        -> IntervalArithmetic?
    {
        var terms: [IntervalArithmetic.Term] = []
        var index = start
        var negative = false
        while true {
            guard let term = try parseTerm(from: index, in: range, negative: negative) else {
                if terms.isEmpty { return nil }
                // `a + <not an operand>`: the expression ends before the operator; SQLite reports the rest.
                index -= 1
                break
            }
            terms.append(term)
            index = term.range.upperBound
            guard index < range.upperBound, tokens[index].isSymbol("+") || tokens[index].isSymbol("-") else { break }
            negative = tokens[index].isSymbol("-")
            index += 1
        }
        return IntervalArithmetic(range: start..<index, terms: terms)
    }

    /// `factor ((*|/|%) factor)*`.
    private func parseTerm(
        from start: Int,
        in range: Range<Int>,
        negative: Bool
    ) throws(TrinoQueryFailure)
        -> IntervalArithmetic.Term?
    {
        var factors: [IntervalArithmetic.Factor] = []
        var index = start
        var operation = "*"
        while true {
            guard let (end, interval) = try parsePrimary(from: index, in: range) else {
                if factors.isEmpty { return nil }
                index -= 1
                break
            }
            factors.append(IntervalArithmetic.Factor(operation: operation, range: index..<end, interval: interval))
            index = end
            guard index < range.upperBound, tokens[index].kind == .symbol,
                ["*", "/", "%"].contains(tokens[index].value)
            else { break }
            operation = tokens[index].value
            index += 1
        }
        return IntervalArithmetic.Term(negative: negative, range: start..<index, factors: factors)
    }

    /// One operand: where it ends and, for an INTERVAL literal, its value.
    private func parsePrimary(from start: Int, in range: Range<Int>) throws(TrinoQueryFailure) -> (Int, TrinoInterval?)?
    {
        guard start < range.upperBound else { return nil }
        let token = tokens[start]
        switch token.kind {
        case .number, .string, .parameter:
            return (start + 1, nil)
        case .symbol:
            if token.isSymbol("("), let close = matchingParenthesis(start), close < range.upperBound {
                return (close + 1, nil)
            }
            if token.isSymbol("-") || token.isSymbol("+"),
                let (end, interval) = try parsePrimary(from: start + 1, in: range), interval == nil
            {
                return (end, nil)
            }
            return nil
        case .word, .quotedIdentifier:
            let upper = token.upper
            if upper == "INTERVAL" {
                let (interval, end) = try TrinoInterval.parse(tokens, at: start)
                return end <= range.upperBound ? (end, interval) : nil
            }
            if upper == "NULL" || upper == "TRUE" || upper == "FALSE" { return (start + 1, nil) }
            if upper == "CASE" {
                var depth = 0
                var index = start
                while index < range.upperBound {
                    if tokens[index].isWord("CASE") { depth += 1 }
                    if tokens[index].isWord("END") {
                        depth -= 1
                        if depth == 0 { return (index + 1, nil) }
                    }
                    index += 1
                }
                return nil
            }
            if token.kind == .word, Self.clauseKeywords.contains(upper) { return nil }
            let next = start + 1 < range.upperBound ? tokens[start + 1] : nil
            if let next, next.kind == .string, token.kind == .word, Self.castType(upper) != nil {
                return (start + 2, nil)
            }
            if let next, next.isSymbol("("), let close = matchingParenthesis(start + 1), close < range.upperBound {
                return (close + 1, nil)
            }
            var index = start + 1
            while index + 1 < range.upperBound, tokens[index].isSymbol("."), tokens[index + 1].identifier != nil {
                index += 2
            }
            return (index, nil)
        }
    }

    /// The SQLite expression for `base ± interval [* n] …`: the intervals applied one by one, left to right.
    fileprivate mutating func translateIntervalArithmetic(
        _ arithmetic: IntervalArithmetic
    ) throws(TrinoQueryFailure)
        -> String
    {
        let bases = arithmetic.terms.filter { !$0.hasInterval }
        let firstInterval = arithmetic.terms.first(where: \.hasInterval)?.factors.first { $0.interval != nil }
        let intervalToken = tokens[firstInterval?.range.lowerBound ?? arithmetic.range.lowerBound]
        guard let base = bases.first else {
            throw TrinoQueryFailure.at(
                intervalToken,
                .notSupported,
                "INTERVAL values are supported only added to or subtracted from a timestamp or date"
            )
        }
        guard bases.count == 1, !base.negative else {
            throw TrinoQueryFailure.at(
                intervalToken,
                Self.typeMismatch,
                "Cannot apply operator: an interval is added to or subtracted from one timestamp or date"
            )
        }
        let isDate = baseType(base.range) == .date
        var sql = try translate(base.range, topLevel: false)
        for term in arithmetic.terms where term.hasInterval {
            guard let position = term.factors.firstIndex(where: { $0.interval != nil }),
                let interval = term.factors[position].interval
            else { continue }
            // interval * n, n * interval, interval / n: the other factors multiply (or divide) the amount.
            var multiplier: [String] = []
            for (index, factor) in term.factors.enumerated() where index != position {
                let allowed =
                    factor.interval == nil
                    && (index < position ? (index == 0 || factor.operation == "*") : factor.operation != "%")
                    && (index != position + 1 || term.factors[position + 1].operation != "%")
                guard allowed, index > position || term.factors[position].operation == "*" else {
                    throw TrinoQueryFailure.at(
                        tokens[factor.range.lowerBound],
                        Self.typeMismatch,
                        "Cannot apply operator '\(factor.operation)' to \(interval.typeName)"
                    )
                }
                let value = try translate(factor.range, topLevel: false)
                multiplier.append(
                    factor.operation == "/" && index > position ? "/ CAST((\(value)) AS REAL)" : "* (\(value))"
                )
            }
            let amount = term.negative ? -interval.amount : interval.amount
            let scaled = { (unit: Int64) -> String in
                multiplier.isEmpty ? String(amount / unit) : "(\(amount / unit) \(multiplier.joined(separator: " ")))"
            }
            switch interval.kind {
            case .yearToMonth:
                sql = Self.addMonths(scaled(1), to: sql, isDate: isDate)
            case .dayToSecond:
                let seconds =
                    amount % 1000 == 0
                    ? scaled(1000)
                    : multiplier.isEmpty
                        ? String(Double(amount) / 1000)
                        : "(\(amount) \(multiplier.joined(separator: " ")) / 1000.0)"
                sql = Self.addModifier("(\(seconds)) || ' seconds'", to: sql, isDate: isDate)
            }
        }
        return sql
    }

    /// Whether the select item `range` ends with an INTERVAL literal (whose unit is then no alias).
    fileprivate func endsWithIntervalLiteral(_ range: Range<Int>) -> Bool {
        range.contains { index in
            tokens[index].isWord("INTERVAL") && (try? TrinoInterval.parse(tokens, at: index))?.1 == range.upperBound
        }
    }

    /// The type of an operand: a column's catalog type, or what its outermost form tells.
    fileprivate func baseType(_ range: Range<Int>) -> TrinoType? {
        if let name = columnReferenceName(range) {
            // The select list is read before FROM: the keyspace's tables type the names until then.
            return columnType(named: name)
                ?? catalog.tables.lazy.compactMap { table in table.columns.first { $0.name == name }?.type }.first
        }
        return typeHint(range)
    }

    /// `value` moved by a SQLite date modifier (`'60 seconds'`), as Trino's timestamp or date text.
    static func addModifier(_ modifier: String, to value: String, isDate: Bool) -> String {
        isDate ? "date(\(value), \(modifier))" : timestamp("\(value), \(modifier)")
    }

    /// `value` plus `count` months, like Trino: a day past the end of the new month becomes its last day
    /// (`2024-01-31` + 1 month = `2024-02-29`), where SQLite would roll over into the month after.
    static func addMonths(_ count: String, to value: String, isDate: Bool) -> String {
        let months = "(\(count)) || ' months'"
        let lastDay = "date(\(value), 'start of month', \(months), '+1 month', '-1 day')"
        let clamped = isDate ? lastDay : "\(lastDay) || strftime(' %H:%M:%f', \(value))"
        return "(CASE WHEN strftime('%d', \(value)) > strftime('%d', \(lastDay)) THEN \(clamped) "
            + "ELSE \(addModifier(months, to: value, isDate: isDate)) END)"
    }

    /// Whole months from `start` to `end` (negative when `end` is earlier), as Trino's `date_diff('month', …)`.
    static func monthsBetween(_ start: String, _ end: String) -> String {
        func monthNumber(_ value: String) -> String {
            "(CAST(strftime('%Y', \(value)) AS INTEGER) * 12 + CAST(strftime('%m', \(value)) AS INTEGER))"
        }
        func rest(_ value: String) -> String { "strftime('%d %H:%M:%f', \(value))" }
        let difference = "(\(monthNumber(end)) - \(monthNumber(start)))"
        return "(CASE WHEN \(difference) > 0 AND \(rest(end)) < \(rest(start)) THEN \(difference) - 1 "
            + "WHEN \(difference) < 0 AND \(rest(end)) > \(rest(start)) THEN \(difference) + 1 ELSE \(difference) END)"
    }

    /// A TIMESTAMP literal's text for SQLite, which reads `YYYY-MM-DD[ HH:MM[:SS[.fff…]]]` with an optional `Z` or
    /// `±hh:mm` zone: a ` UTC` zone is dropped; other zone names, and text that is no timestamp, fail like Trino
    /// (instead of becoming NULL in SQLite and matching nothing).
    static func timestampLiteral(_ literal: SQLToken) throws(TrinoQueryFailure) -> String {
        let text = withoutUTCZone(literal.value)
        let shape = /\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:\d{2})?/
        guard text.wholeMatch(of: shape) != nil else {
            let zoned =
                text.wholeMatch(of: /\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)? +[A-Za-z][\w\/+-]*/) != nil
            throw TrinoQueryFailure.at(
                literal,
                zoned ? .notSupported : TrinoInterval.invalidLiteral,
                zoned
                    ? "Time zone names other than UTC are not supported by this server: '\(literal.value)'"
                    : "'\(literal.value)' is not a valid TIMESTAMP literal"
            )
        }
        return text
    }

    /// A TIMESTAMP literal's text without a trailing ` UTC` zone (SQLite reads `Z` and `+hh:mm` itself).
    static func withoutUTCZone(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.uppercased().hasSuffix(" UTC") ? String(trimmed.dropLast(4)) : trimmed
    }
}
