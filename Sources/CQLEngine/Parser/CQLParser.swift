import CQLWire

/// A hand-written recursive-descent parser for the CQL this engine runs (see the CQLEngine README for the grammar
/// covered). Errors are Syntax_error (0x2000) with Cassandra-style positions: `line 1:7 no viable alternative at
/// input 'x'`, `line 1:14 mismatched input 'x' expecting K`.
struct CQLParser {
    private var tokens: [CQLToken]
    private var position = 0
    private(set) var markers: [String?] = []
    private let source: String

    /// Reserved words: never an unquoted identifier (Cassandra's reserved keywords that matter here).
    static let reserved: Set<String> = [
        "add", "allow", "alter", "and", "apply", "asc", "authorize", "batch", "begin", "by", "columnfamily", "create",
        "delete", "desc", "describe", "drop", "entries", "execute", "from", "full", "grant", "if", "in", "index",
        "infinity", "insert", "into", "is", "keyspace", "limit", "modify", "nan", "norecursive", "not", "null", "of",
        "on", "or", "order", "primary", "rename", "revoke", "schema", "select", "set", "table", "to", "token",
        "truncate", "unlogged", "update", "use", "using", "where", "with",
    ]

    init(_ text: String) throws(CQLEngineError) {
        source = text
        tokens = try CQLLexer.tokenize(text)
    }

    /// Parses one statement (an optional trailing `;` allowed).
    static func parse(_ text: String) throws(CQLEngineError) -> CQLParsedStatement {
        var parser = try CQLParser(text)
        let statement = try parser.parseStatement()
        _ = parser.acceptSymbol(";")
        try parser.expectEnd()
        return CQLParsedStatement(statement: statement, markers: parser.markers)
    }

    // MARK: - Token helpers

    private var current: CQLToken { tokens[position] }

    private func peek(_ ahead: Int = 1) -> CQLToken {
        tokens[min(position + ahead, tokens.count - 1)]
    }

    private mutating func advance() -> CQLToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func noViableAlternative(_ token: CQLToken? = nil) -> CQLEngineError {
        let token = token ?? current
        return .syntax("line \(token.line):\(token.column) no viable alternative at input '\(token.quoted)'")
    }

    func mismatched(expecting: String, _ token: CQLToken? = nil) -> CQLEngineError {
        let token = token ?? current
        if token.kind == .end {
            return .syntax("line \(token.line):\(token.column) mismatched input '<EOF>' expecting \(expecting)")
        }
        return .syntax("line \(token.line):\(token.column) mismatched input '\(token.quoted)' expecting \(expecting)")
    }

    mutating func expectEnd() throws(CQLEngineError) {
        guard current.kind == .end else {
            throw .syntax(
                "line \(current.line):\(current.column) extraneous input '\(current.quoted)' expecting <EOF>"
            )
        }
    }

    private func atKeyword(_ keyword: String) -> Bool { current.isKeyword(keyword) }

    private mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        position += 1
        return true
    }

    private mutating func expectKeyword(_ keyword: String) throws(CQLEngineError) {
        guard acceptKeyword(keyword) else { throw mismatched(expecting: keyword.uppercased()) }
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func expectSymbol(_ symbol: String) throws(CQLEngineError) {
        guard acceptSymbol(symbol) else { throw mismatched(expecting: "'\(symbol)'") }
    }

    /// An identifier: unquoted ones are lowercased and must not be reserved words; quoted ones keep their case.
    mutating func parseIdentifier() throws(CQLEngineError) -> String {
        let token = current
        switch token.kind {
        case .identifier where !Self.reserved.contains(token.text.lowercased()):
            position += 1
            return token.text.lowercased()
        case .quotedIdentifier:
            position += 1
            return token.text
        case .end:
            throw mismatched(expecting: "IDENT")
        default:
            throw noViableAlternative(token)
        }
    }

    /// A keyspace or table name: an identifier, or (as Cassandra allows) a string constant.
    private mutating func parseName() throws(CQLEngineError) -> String {
        if current.kind == .string {
            return advance().text
        }
        return try parseIdentifier()
    }

    mutating func parseQualifiedName() throws(CQLEngineError) -> CQLQualifiedName {
        let first = try parseName()
        if acceptSymbol(".") {
            return CQLQualifiedName(keyspace: first, name: try parseName())
        }
        return CQLQualifiedName(keyspace: nil, name: first)
    }

    // MARK: - Statements

    mutating func parseStatement() throws(CQLEngineError) -> CQLStatement {
        let token = current
        guard token.kind == .identifier else {
            throw token.kind == .end ? mismatched(expecting: "a statement", token) : noViableAlternative(token)
        }
        switch token.text.lowercased() {
        case "select": return .select(try parseSelect())
        case "insert": return .insert(try parseInsert())
        case "update": return .update(try parseUpdate())
        case "delete": return .delete(try parseDelete())
        case "begin": return .batch(try parseBatch())
        case "use":
            position += 1
            return .use(try parseName())
        case "truncate":
            position += 1
            _ = acceptKeyword("table") || acceptKeyword("columnfamily")
            return .truncate(try parseQualifiedName())
        case "create":
            position += 1
            if acceptKeyword("keyspace") || acceptKeyword("schema") {
                return .createKeyspace(try parseKeyspaceDefinition(allowIfNotExists: true))
            }
            if acceptKeyword("table") || acceptKeyword("columnfamily") { return .createTable(try parseCreateTable()) }
            throw noViableAlternative()
        case "alter":
            position += 1
            if acceptKeyword("keyspace") || acceptKeyword("schema") {
                return .alterKeyspace(try parseKeyspaceDefinition(allowIfNotExists: false))
            }
            throw CQLEngineError.invalid("ALTER \(current.text.uppercased()) is not supported by this server")
        case "drop":
            position += 1
            if acceptKeyword("keyspace") || acceptKeyword("schema") {
                let ifExists = try parseIfExists()
                return .dropKeyspace(try parseName(), ifExists: ifExists)
            }
            if acceptKeyword("table") || acceptKeyword("columnfamily") {
                let ifExists = try parseIfExists()
                return .dropTable(try parseQualifiedName(), ifExists: ifExists)
            }
            throw noViableAlternative()
        case "describe", "desc":
            position += 1
            return .describe(try parseDescribe())
        default:
            throw noViableAlternative(token)
        }
    }

    private mutating func parseIfExists() throws(CQLEngineError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("exists")
        return true
    }

    private mutating func parseIfNotExists() throws(CQLEngineError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("not")
        try expectKeyword("exists")
        return true
    }

    private mutating func parseKeyspaceDefinition(allowIfNotExists: Bool) throws(CQLEngineError) -> CQLCreateKeyspace {
        let ifNotExists = allowIfNotExists ? try parseIfNotExists() : false
        let name = try parseName()
        try expectKeyword("with")
        return CQLCreateKeyspace(name: name, ifNotExists: ifNotExists, properties: try parseProperties())
    }

    /// `name = value [AND name = value …]`, values constants or maps.
    private mutating func parseProperties() throws(CQLEngineError) -> [(String, CQLTerm)] {
        var properties: [(String, CQLTerm)] = []
        repeat {
            properties.append(try parseProperty())
        } while acceptKeyword("and")
        return properties
    }

    /// `name = value`, the value a constant or a map.
    private mutating func parseProperty() throws(CQLEngineError) -> (String, CQLTerm) {
        let name = try parseIdentifier()
        try expectSymbol("=")
        if current.kind == .identifier, !["true", "false"].contains(current.text.lowercased()) {
            // Unquoted words are accepted as string values (`read_repair = BLOCKING` is not CQL, but
            // `durable_writes = true` is; keep it simple and lenient).
            return (name, .string(advance().text))
        }
        return (name, try parseTerm())
    }

    private mutating func parseCreateTable() throws(CQLEngineError) -> CQLCreateTable {
        let ifNotExists = try parseIfNotExists()
        let table = try parseQualifiedName()
        try expectSymbol("(")
        var columns: [CQLColumnDeclaration] = []
        var partitionKey: [String] = []
        var clustering: [String] = []
        var sawPrimaryKey = false
        repeat {
            if current.isKeyword("primary") {
                position += 1
                try expectKeyword("key")
                if sawPrimaryKey {
                    throw CQLEngineError.invalid("Multiple PRIMARY KEYs specified (exactly one required)")
                }
                sawPrimaryKey = true
                try expectSymbol("(")
                if acceptSymbol("(") {
                    repeat { partitionKey.append(try parseIdentifier()) } while acceptSymbol(",")
                    try expectSymbol(")")
                } else {
                    partitionKey.append(try parseIdentifier())
                }
                while acceptSymbol(",") { clustering.append(try parseIdentifier()) }
                try expectSymbol(")")
                continue
            }
            if current.isSymbol(")") { break }  // trailing comma
            let name = try parseIdentifier()
            let type = try parseType()
            let isStatic = acceptKeyword("static")
            if acceptKeyword("primary") {
                try expectKeyword("key")
                if sawPrimaryKey {
                    throw CQLEngineError.invalid("Multiple PRIMARY KEYs specified (exactly one required)")
                }
                sawPrimaryKey = true
                partitionKey = [name]
            }
            columns.append(CQLColumnDeclaration(name: name, type: type, isStatic: isStatic))
        } while acceptSymbol(",")
        try expectSymbol(")")
        var clusteringOrder: [(String, descending: Bool)] = []
        var properties: [(String, CQLTerm)] = []
        var compactStorage = false
        if acceptKeyword("with") {
            repeat {
                if acceptKeyword("clustering") {
                    try expectKeyword("order")
                    try expectKeyword("by")
                    try expectSymbol("(")
                    repeat {
                        let column = try parseIdentifier()
                        var descending = false
                        if acceptKeyword("desc") {
                            descending = true
                        } else {
                            _ = acceptKeyword("asc")
                        }
                        clusteringOrder.append((column, descending))
                    } while acceptSymbol(",")
                    try expectSymbol(")")
                } else if acceptKeyword("compact") {
                    try expectKeyword("storage")
                    compactStorage = true
                } else {
                    properties.append(try parseProperty())
                }
            } while acceptKeyword("and")
        }
        guard sawPrimaryKey else {
            throw CQLEngineError.invalid("No PRIMARY KEY specifed for table '\(table.name)' (exactly one required)")
        }
        return CQLCreateTable(
            table: table,
            ifNotExists: ifNotExists,
            columns: columns,
            partitionKey: partitionKey,
            clustering: clustering,
            clusteringOrder: clusteringOrder,
            properties: properties,
            compactStorage: compactStorage
        )
    }

    /// A CQL type: native names, `list<T>`, `set<T>`, `map<K, V>`, `tuple<…>`, `frozen<T>`.
    mutating func parseType() throws(CQLEngineError) -> CQLTypeExpression {
        let token = current
        guard token.kind == .identifier || token.kind == .string else { throw noViableAlternative(token) }
        position += 1
        let name = token.text.lowercased()
        if token.kind == .identifier, let native = CQLTypeExpression.native(named: name) {
            return .native(native)
        }
        switch name {
        case "list", "set", "frozen":
            try expectSymbol("<")
            let element = try parseType()
            try expectSymbol(">")
            switch name {
            case "list": return .list(element)
            case "set": return .set(element)
            default: return .frozen(element)
            }
        case "map":
            try expectSymbol("<")
            let key = try parseType()
            try expectSymbol(",")
            let value = try parseType()
            try expectSymbol(">")
            return .map(key, value)
        case "tuple":
            try expectSymbol("<")
            var elements: [CQLTypeExpression] = []
            repeat { elements.append(try parseType()) } while acceptSymbol(",")
            try expectSymbol(">")
            return .tuple(elements)
        case "duration":
            throw CQLEngineError.invalid("The duration type is not supported by this server")
        default:
            throw CQLEngineError.invalid("Unknown type \(token.text)")
        }
    }

    // MARK: - DML

    private mutating func parseUsing(ttl: inout CQLTerm?, timestamp: inout CQLTerm?) throws(CQLEngineError) {
        guard acceptKeyword("using") else { return }
        repeat {
            if acceptKeyword("ttl") {
                ttl = try parseUsingValue()
            } else if acceptKeyword("timestamp") {
                timestamp = try parseUsingValue()
            } else {
                throw mismatched(expecting: "K_TTL or K_TIMESTAMP")
            }
        } while acceptKeyword("and")
    }

    /// A TTL or timestamp: an integer literal or a bind marker (Cassandra's `intValue`).
    private mutating func parseUsingValue() throws(CQLEngineError) -> CQLTerm {
        let token = current
        guard token.kind == .integer || token.kind == .questionMark || token.isSymbol(":") else {
            throw noViableAlternative(token)
        }
        return try parseTerm()
    }

    private mutating func parseInsert() throws(CQLEngineError) -> CQLInsert {
        try expectKeyword("insert")
        try expectKeyword("into")
        let table = try parseQualifiedName()
        if atKeyword("json") { throw CQLEngineError.invalid("INSERT JSON is not supported by this server") }
        try expectSymbol("(")
        var columns: [String] = []
        repeat { columns.append(try parseIdentifier()) } while acceptSymbol(",")
        try expectSymbol(")")
        try expectKeyword("values")
        try expectSymbol("(")
        var values: [CQLTerm] = []
        repeat { values.append(try parseTerm()) } while acceptSymbol(",")
        try expectSymbol(")")
        let ifNotExists = try parseIfNotExists()
        var ttl: CQLTerm?
        var timestamp: CQLTerm?
        try parseUsing(ttl: &ttl, timestamp: &timestamp)
        guard columns.count == values.count else {
            throw CQLEngineError.invalid("Unmatched column names/values")
        }
        return CQLInsert(
            table: table,
            columns: columns,
            values: values,
            ifNotExists: ifNotExists,
            ttl: ttl,
            timestamp: timestamp
        )
    }

    private mutating func parseUpdate() throws(CQLEngineError) -> CQLUpdate {
        try expectKeyword("update")
        let table = try parseQualifiedName()
        var ttl: CQLTerm?
        var timestamp: CQLTerm?
        try parseUsing(ttl: &ttl, timestamp: &timestamp)
        try expectKeyword("set")
        var assignments: [CQLAssignment] = []
        repeat { assignments.append(try parseAssignment()) } while acceptSymbol(",")
        try expectKeyword("where")
        let whereClause = try parseWhere()
        let conditions = try parseConditions(allowNotExists: false)
        return CQLUpdate(
            table: table,
            ttl: ttl,
            timestamp: timestamp,
            assignments: assignments,
            whereClause: whereClause,
            conditions: conditions
        )
    }

    private mutating func parseAssignment() throws(CQLEngineError) -> CQLAssignment {
        let column = try parseIdentifier()
        if acceptSymbol("[") {
            let key = try parseTerm()
            try expectSymbol("]")
            try expectSymbol("=")
            return .setElement(column, key: key, value: try parseTerm())
        }
        if acceptSymbol("+") {
            try expectSymbol("=")
            return .add(column, try parseTerm())
        }
        if acceptSymbol("-") {
            try expectSymbol("=")
            return .subtract(column, try parseTerm())
        }
        try expectSymbol("=")
        // `c = c + v`, `c = c - v`, or `c = v + c`.
        if (current.kind == .identifier || current.kind == .quotedIdentifier),
            peek().isSymbol("+") || peek().isSymbol("-"),
            identifierValue(current) == column
        {
            position += 1
            let isAdd = advance().text == "+"
            let value = try parseTerm()
            return isAdd ? .add(column, value) : .subtract(column, value)
        }
        let value = try parseTerm()
        if acceptSymbol("+") {
            let other = try parseIdentifier()
            guard other == column else {
                throw CQLEngineError.invalid("Only expressions of the form X = <value> + X are supported.")
            }
            return .prepend(column, value)
        }
        return .set(column, value)
    }

    private func identifierValue(_ token: CQLToken) -> String {
        token.kind == .quotedIdentifier ? token.text : token.text.lowercased()
    }

    private mutating func parseDelete() throws(CQLEngineError) -> CQLDelete {
        try expectKeyword("delete")
        var columns: [String] = []
        if !atKeyword("from") {
            repeat {
                columns.append(try parseIdentifier())
                if current.isSymbol("[") {
                    throw CQLEngineError.invalid("Deleting collection elements is not supported by this server")
                }
            } while acceptSymbol(",")
        }
        try expectKeyword("from")
        let table = try parseQualifiedName()
        var timestamp: CQLTerm?
        if acceptKeyword("using") {
            guard acceptKeyword("timestamp") else { throw mismatched(expecting: "K_TIMESTAMP") }
            timestamp = try parseUsingValue()
        }
        try expectKeyword("where")
        let whereClause = try parseWhere()
        let conditions = try parseConditions(allowNotExists: false)
        return CQLDelete(
            columns: columns,
            table: table,
            timestamp: timestamp,
            whereClause: whereClause,
            conditions: conditions
        )
    }

    private mutating func parseConditions(allowNotExists: Bool) throws(CQLEngineError) -> CQLConditions {
        guard acceptKeyword("if") else { return .none }
        if acceptKeyword("exists") { return .exists }
        if allowNotExists, acceptKeyword("not") {
            try expectKeyword("exists")
            return .notExists
        }
        var relations: [CQLRelation] = []
        repeat { relations.append(try parseRelation()) } while acceptKeyword("and")
        return .columns(relations)
    }

    private mutating func parseWhere() throws(CQLEngineError) -> [CQLRelation] {
        var relations: [CQLRelation] = []
        repeat { relations.append(try parseRelation()) } while acceptKeyword("and")
        return relations
    }

    private mutating func parseRelation() throws(CQLEngineError) -> CQLRelation {
        if atKeyword("token") {
            throw CQLEngineError.invalid("token() restrictions are not supported by this server")
        }
        if current.isSymbol("(") {
            throw CQLEngineError.invalid("Multi-column relations are not supported by this server")
        }
        let column = try parseIdentifier()
        let token = current
        if acceptKeyword("in") {
            if current.kind == .questionMark || (current.isSymbol(":") && peek().kind != .end) {
                return CQLRelation(column: column, op: .in, value: try parseTerm())
            }
            try expectSymbol("(")
            var values: [CQLTerm] = []
            if !current.isSymbol(")") {
                repeat { values.append(try parseTerm()) } while acceptSymbol(",")
            }
            try expectSymbol(")")
            return CQLRelation(column: column, op: .in, value: .list(values))
        }
        if acceptKeyword("contains") {
            if acceptKeyword("key") { return CQLRelation(column: column, op: .containsKey, value: try parseTerm()) }
            return CQLRelation(column: column, op: .contains, value: try parseTerm())
        }
        guard token.kind == .symbol, let op = CQLRelation.Operator(rawValue: token.text) else {
            throw noViableAlternative(token)
        }
        position += 1
        return CQLRelation(column: column, op: op, value: try parseTerm())
    }

    private mutating func parseSelect() throws(CQLEngineError) -> CQLSelect {
        try expectKeyword("select")
        let json = acceptKeyword("json")
        let distinct = acceptKeyword("distinct")
        var selections: [CQLSelection]?
        if acceptSymbol("*") {
            selections = nil
        } else {
            var list: [CQLSelection] = []
            repeat {
                let selector = try parseSelector()
                var alias: String?
                if acceptKeyword("as") { alias = try parseIdentifier() }
                list.append(CQLSelection(selector: selector, alias: alias))
            } while acceptSymbol(",")
            selections = list
        }
        try expectKeyword("from")
        let table = try parseQualifiedName()
        var whereClause: [CQLRelation] = []
        if acceptKeyword("where") { whereClause = try parseWhere() }
        var orderBy: [(String, descending: Bool)] = []
        if acceptKeyword("order") {
            try expectKeyword("by")
            repeat {
                let column = try parseIdentifier()
                var descending = false
                if acceptKeyword("desc") {
                    descending = true
                } else {
                    _ = acceptKeyword("asc")
                }
                orderBy.append((column, descending))
            } while acceptSymbol(",")
        }
        var perPartitionLimit: CQLTerm?
        if acceptKeyword("per") {
            try expectKeyword("partition")
            try expectKeyword("limit")
            perPartitionLimit = try parseTerm()
        }
        var limit: CQLTerm?
        if acceptKeyword("limit") { limit = try parseTerm() }
        var allowFiltering = false
        if acceptKeyword("allow") {
            try expectKeyword("filtering")
            allowFiltering = true
        }
        return CQLSelect(
            distinct: distinct,
            json: json,
            selections: selections,
            table: table,
            whereClause: whereClause,
            orderBy: orderBy,
            perPartitionLimit: perPartitionLimit,
            limit: limit,
            allowFiltering: allowFiltering
        )
    }

    private mutating func parseSelector() throws(CQLEngineError) -> CQLSelector {
        let token = current
        if (token.kind == .identifier || token.kind == .quotedIdentifier) && peek().isSymbol("(") {
            let name = token.kind == .identifier ? token.text.lowercased() : token.text
            position += 2
            if name == "count"
                && (acceptSymbol("*") || (current.kind == .integer && current.text == "1" && advance().text == "1"))
            {
                try expectSymbol(")")
                return .countAll
            }
            var arguments: [CQLSelector] = []
            if !current.isSymbol(")") {
                repeat { arguments.append(try parseSelector()) } while acceptSymbol(",")
            }
            try expectSymbol(")")
            return .function(name, arguments)
        }
        if token.kind == .identifier && token.text.lowercased() == "cast" {
            throw CQLEngineError.invalid("CAST is not supported by this server")
        }
        if token.kind == .identifier && !["true", "false"].contains(token.text.lowercased())
            || token.kind == .quotedIdentifier
        {
            return .column(try parseIdentifier())
        }
        return .term(try parseTerm())
    }

    // MARK: - Terms

    mutating func parseTerm() throws(CQLEngineError) -> CQLTerm {
        let token = current
        switch token.kind {
        case .string:
            position += 1
            return .string(token.text)
        case .integer:
            position += 1
            return .integer(token.text)
        case .float:
            position += 1
            return .float(token.text)
        case .uuid:
            position += 1
            guard let uuid = CQLUUID(string: token.text) else { throw noViableAlternative(token) }
            return .uuid(uuid)
        case .blob:
            position += 1
            guard token.text.utf8.count % 2 == 0 else {
                throw CQLEngineError.syntax(
                    "line \(token.line):\(token.column) Hex string \(token.quoted) has an odd length"
                )
            }
            var bytes: [UInt8] = []
            var utf8 = token.text.utf8.makeIterator()
            while let high = utf8.next(), let low = utf8.next() {
                bytes.append(Self.hexValue(high) << 4 | Self.hexValue(low))
            }
            return .blob(bytes)
        case .questionMark:
            position += 1
            markers.append(nil)
            return .marker(markers.count - 1)
        case .symbol:
            switch token.text {
            case ":":
                position += 1
                let nameToken = current
                guard nameToken.kind == .identifier || nameToken.kind == .quotedIdentifier else {
                    throw noViableAlternative(nameToken)
                }
                position += 1
                markers.append(identifierValue(nameToken))
                return .marker(markers.count - 1)
            case "[":
                position += 1
                var elements: [CQLTerm] = []
                if !current.isSymbol("]") {
                    repeat { elements.append(try parseTerm()) } while acceptSymbol(",")
                }
                try expectSymbol("]")
                return .list(elements)
            case "{":
                position += 1
                if acceptSymbol("}") { return .set([]) }
                let first = try parseTerm()
                if acceptSymbol(":") {
                    var pairs: [(CQLTerm, CQLTerm)] = [(first, try parseTerm())]
                    while acceptSymbol(",") {
                        let key = try parseTerm()
                        try expectSymbol(":")
                        pairs.append((key, try parseTerm()))
                    }
                    try expectSymbol("}")
                    return .map(pairs)
                }
                var elements = [first]
                while acceptSymbol(",") { elements.append(try parseTerm()) }
                try expectSymbol("}")
                return .set(elements)
            case "(":
                position += 1
                var elements: [CQLTerm] = []
                repeat { elements.append(try parseTerm()) } while acceptSymbol(",")
                try expectSymbol(")")
                return .tuple(elements)
            default:
                throw noViableAlternative(token)
            }
        case .identifier:
            let word = token.text.lowercased()
            switch word {
            case "true", "false":
                position += 1
                return .boolean(word == "true")
            case "null":
                position += 1
                return .null
            default:
                guard peek().isSymbol("(") else { throw noViableAlternative(token) }
                position += 2
                var arguments: [CQLTerm] = []
                if !current.isSymbol(")") {
                    repeat { arguments.append(try parseTerm()) } while acceptSymbol(",")
                }
                try expectSymbol(")")
                return .function(word, arguments)
            }
        case .end:
            throw mismatched(expecting: "a value", token)
        default:
            throw noViableAlternative(token)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: byte - UInt8(ascii: "A") + 10
        }
    }

    // MARK: - BATCH

    private mutating func parseBatch() throws(CQLEngineError) -> CQLBatch {
        try expectKeyword("begin")
        var type = CQLBatchType.logged
        if acceptKeyword("unlogged") {
            type = .unlogged
        } else if acceptKeyword("counter") {
            type = .counter
        } else {
            _ = acceptKeyword("logged")
        }
        try expectKeyword("batch")
        var ttl: CQLTerm?
        var timestamp: CQLTerm?
        try parseUsing(ttl: &ttl, timestamp: &timestamp)
        if ttl != nil { throw CQLEngineError.invalid("Global TTL on the BATCH statement is not supported.") }
        var statements: [CQLStatement] = []
        while !atKeyword("apply") {
            let token = current
            switch token.kind == .identifier ? token.text.lowercased() : "" {
            case "insert": statements.append(.insert(try parseInsert()))
            case "update": statements.append(.update(try parseUpdate()))
            case "delete": statements.append(.delete(try parseDelete()))
            default:
                if token.kind == .end { throw mismatched(expecting: "K_APPLY", token) }
                throw noViableAlternative(token)
            }
            _ = acceptSymbol(";")
        }
        try expectKeyword("apply")
        try expectKeyword("batch")
        return CQLBatch(type: type, timestamp: timestamp, statements: statements)
    }

    // MARK: - DESCRIBE

    private mutating func parseDescribe() throws(CQLEngineError) -> CQLDescribe {
        let full = acceptKeyword("full")
        let token = current
        guard token.kind == .identifier || token.kind == .quotedIdentifier || token.kind == .string else {
            throw token.kind == .end ? mismatched(expecting: "a DESCRIBE target", token) : noViableAlternative(token)
        }
        var result: CQLDescribe
        switch token.kind == .identifier ? token.text.lowercased() : "" {
        case "cluster":
            position += 1
            result = .cluster
        case "keyspaces":
            position += 1
            result = .keyspaces
        case "tables", "columnfamilies":
            position += 1
            result = .tables
        case "types":
            position += 1
            result = .types
        case "functions":
            position += 1
            result = .functions
        case "aggregates":
            position += 1
            result = .aggregates
        case "schema":
            position += 1
            result = .schema(full: full)
        case "keyspace", "only":
            position += 1
            let only = token.text.lowercased() == "only"
            if only { try expectKeyword("keyspace") }
            let name: String? =
                current.kind == .end || current.isSymbol(";") || atKeyword("with") ? nil : try parseName()
            result = .keyspace(name, onlyKeyspace: only)
        case "table", "columnfamily":
            position += 1
            result = .table(try parseQualifiedName())
        default:
            result = .name(try parseQualifiedName())
        }
        if acceptKeyword("with") {
            try expectKeyword("internals")
        }
        return result
    }
}
