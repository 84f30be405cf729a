/// Classifies a Trino statement and builds what it needs: metadata statements are answered from the catalog,
/// session statements become response headers, queries are translated to SQLite by `TrinoSQLTranslator`.
struct TrinoStatementClassifier {
    let catalog: TrinoCatalog
    let session: TrinoSession
    let serverVersion: String

    private static let writes: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "DENY",
        "COMMENT", "CALL", "ANALYZE", "REFRESH", "REPLACE", "UPSERT",
    ]

    func classify(_ text: String) throws(TrinoQueryFailure) -> TrinoStatement {
        var tokens = try SQLLexer.tokenize(text)
        if let last = tokens.last, last.isSymbol(";") { tokens.removeLast() }
        return try classify(tokens: tokens)
    }

    func classify(tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        guard let first = tokens.first else {
            throw TrinoQueryFailure(
                .syntaxError,
                "line 1:1: mismatched input '<EOF>'. Expecting: 'SELECT', 'SHOW', 'DESCRIBE', 'WITH', <query>",
                location: ErrorLocation(lineNumber: 1, columnNumber: 1)
            )
        }
        if let semicolon = tokens.first(where: { $0.isSymbol(";") }) {
            throw TrinoQueryFailure.at(semicolon, .syntaxError, "mismatched input ';'. Expecting: <EOF>")
        }
        let keyword = first.upper
        if first.isSymbol("(") || ["SELECT", "WITH", "VALUES", "TABLE"].contains(keyword) {
            var translator = TrinoSQLTranslator(catalog: catalog, session: session, serverVersion: serverVersion)
            return .query(try translator.translate(tokens))
        }
        if Self.writes.contains(keyword) {
            throw TrinoQueryFailure.at(
                first,
                .notSupported,
                "\(keyword) is not supported: catalog '\(catalog.catalogName)' is read-only on this server"
            )
        }
        switch keyword {
        case "SHOW": return try show(tokens)
        case "DESCRIBE", "DESC":
            if tokens.count > 1, tokens[1].isWord("OUTPUT") || tokens[1].isWord("INPUT") {
                throw TrinoQueryFailure.at(tokens[1], .notSupported, "DESCRIBE \(tokens[1].upper) is not supported")
            }
            return try showColumns(Array(tokens.dropFirst()), statement: first)
        case "EXECUTE": return try execute(tokens)
        case "PREPARE": return try prepare(tokens)
        case "DEALLOCATE":
            guard tokens.count == 3, tokens[1].isWord("PREPARE"), let name = tokens[2].identifier else {
                throw syntaxError(tokens, at: min(tokens.count - 1, 2), expecting: "PREPARE <name>")
            }
            return .sessionUpdate(updateType: "DEALLOCATE", headers: [TrinoHeader("X-Trino-Deallocated-Prepare", name)])
        case "USE": return try use(tokens)
        case "SET": return try set(tokens)
        case "RESET":
            guard tokens.count >= 3, tokens[1].isWord("SESSION") else {
                throw syntaxError(tokens, at: 1, expecting: "SESSION")
            }
            let name = tokens[2...].map(\.value).joined()
            return .sessionUpdate(updateType: "RESET SESSION", headers: [TrinoHeader("X-Trino-Clear-Session", name)])
        case "START":
            return .sessionUpdate(
                updateType: "START TRANSACTION",
                headers: [TrinoHeader("X-Trino-Started-Transaction-Id", "readonly")]
            )
        case "COMMIT", "ROLLBACK":
            return .sessionUpdate(updateType: keyword, headers: [TrinoHeader("X-Trino-Clear-Transaction-Id", "true")])
        case "EXPLAIN":
            throw TrinoQueryFailure.at(first, .notSupported, "EXPLAIN is not supported by this server")
        default:
            throw TrinoQueryFailure.at(
                first,
                .syntaxError,
                "mismatched input '\(first.value)'. Expecting: 'DESCRIBE', 'EXECUTE', 'PREPARE', 'SELECT', "
                    + "'SET', 'SHOW', 'USE', 'VALUES', 'WITH', <query>"
            )
        }
    }

    // MARK: - SHOW, DESCRIBE

    private func show(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        guard tokens.count >= 2 else { throw syntaxError(tokens, at: 1, expecting: "'CATALOGS', 'SCHEMAS', 'TABLES'") }
        let what = tokens[1]
        var rest = Array(tokens.dropFirst(2))
        switch what.upper {
        case "CATALOGS":
            let pattern = try likePattern(&rest)
            try expectEnd(rest)
            return .rows(
                columns: [Column(name: "Catalog", type: .varchar)],
                rows: catalog.catalogs.filter { pattern?.matches($0) ?? true }.map { [.string($0)] }
            )
        case "SCHEMAS":
            var catalogName = session.catalog
            if let first = rest.first, first.isWord("FROM") || first.isWord("IN") {
                guard rest.count >= 2, let name = rest[1].identifier else {
                    throw syntaxError(rest, at: 1, expecting: "<identifier>")
                }
                catalogName = name
                rest.removeFirst(2)
            }
            let pattern = try likePattern(&rest)
            try expectEnd(rest)
            guard let catalogName else {
                throw TrinoQueryFailure.at(
                    what,
                    .genericUserError,
                    "Catalog must be specified when session catalog is not set"
                )
            }
            let schemas: [String]
            switch catalogName {
            case catalog.catalogName: schemas = catalog.schemas
            case TrinoCatalog.systemCatalog: schemas = [TrinoCatalog.informationSchema, "metadata"]
            default: throw TrinoQueryFailure.at(what, .catalogNotFound, "Catalog '\(catalogName)' does not exist")
            }
            return .rows(
                columns: [Column(name: "Schema", type: .varchar)],
                rows: schemas.filter { pattern?.matches($0) ?? true }.map { [.string($0)] }
            )
        case "TABLES":
            var schema = session.schema
            var catalogName = session.catalog
            var nameToken = what
            if let first = rest.first, first.isWord("FROM") || first.isWord("IN") {
                let (parts, used) = qualifiedName(rest, from: 1)
                guard !parts.isEmpty, parts.count <= 2 else {
                    throw syntaxError(rest, at: 1, expecting: "<identifier>")
                }
                nameToken = rest[1]
                schema = parts.last
                if parts.count == 2 { catalogName = parts[0] }
                rest.removeFirst(1 + used)
            }
            let pattern = try likePattern(&rest)
            try expectEnd(rest)
            guard let schema else {
                throw TrinoQueryFailure.at(
                    what,
                    .missingSchemaName,
                    "Schema must be specified when session schema is not set"
                )
            }
            let tables = try resolveSchema(catalog: catalogName, schema: schema, at: nameToken)
            return .rows(
                columns: [Column(name: "Table", type: .varchar)],
                rows: tables.map(\.name).sorted().filter { pattern?.matches($0) ?? true }.map { [.string($0)] }
            )
        case "COLUMNS":
            guard let first = rest.first, first.isWord("FROM") || first.isWord("IN") else {
                throw syntaxError(rest, at: 0, expecting: "'FROM', 'IN'")
            }
            return try showColumns(Array(rest.dropFirst()), statement: what)
        default:
            throw TrinoQueryFailure.at(
                what,
                .notSupported,
                "SHOW \(what.value.uppercased()) is not supported by this server"
            )
        }
    }

    private func showColumns(_ tokens: [SQLToken], statement: SQLToken) throws(TrinoQueryFailure) -> TrinoStatement {
        var rest = tokens
        let (parts, used) = qualifiedName(rest, from: 0)
        guard !parts.isEmpty, parts.count <= 3 else { throw syntaxError(rest, at: 0, expecting: "<identifier>") }
        let nameToken = rest[0]
        rest.removeFirst(used)
        let pattern = try likePattern(&rest)
        try expectEnd(rest)
        let table = try resolveTable(parts, at: nameToken)
        return .rows(
            columns: [
                Column(name: "Column", type: .varchar), Column(name: "Type", type: .varchar),
                Column(name: "Extra", type: .varchar), Column(name: "Comment", type: .varchar),
            ],
            rows: table.columns.filter { pattern?.matches($0.name) ?? true }.map {
                [.string($0.name), .string($0.type.name), .string(""), .string("")]
            }
        )
    }

    /// Tables of a schema of catalog `cassandra` (or `system`).
    private func resolveSchema(
        catalog catalogName: String?,
        schema: String,
        at token: SQLToken
    ) throws(TrinoQueryFailure)
        -> [TrinoCatalog.Table]
    {
        guard let catalogName else {
            throw TrinoQueryFailure.at(
                token,
                .genericUserError,
                "Catalog must be specified when session catalog is not set"
            )
        }
        if catalogName == TrinoCatalog.systemCatalog {
            if schema == "metadata" { return [TrinoCatalog.tableComments] }
            throw TrinoQueryFailure.at(token, .schemaNotFound, "Schema '\(schema)' does not exist")
        }
        guard catalogName == catalog.catalogName else {
            throw TrinoQueryFailure.at(token, .catalogNotFound, "Catalog '\(catalogName)' does not exist")
        }
        guard let tables = catalog.tables(inSchema: schema) else {
            throw TrinoQueryFailure.at(token, .schemaNotFound, "Schema '\(schema)' does not exist")
        }
        return tables
    }

    private func resolveTable(_ parts: [String], at token: SQLToken) throws(TrinoQueryFailure) -> TrinoCatalog.Table {
        let tableName = parts[parts.count - 1]
        let schema = parts.count >= 2 ? parts[parts.count - 2] : session.schema
        let catalogName = parts.count == 3 ? parts[0] : session.catalog
        guard let schema else {
            throw TrinoQueryFailure.at(
                token,
                .missingSchemaName,
                "Schema must be specified when session schema is not set"
            )
        }
        let tables = try resolveSchema(catalog: catalogName, schema: schema, at: token)
        guard let table = tables.first(where: { $0.name == tableName }) else {
            throw TrinoQueryFailure.at(
                token,
                .tableNotFound,
                "Table '\(catalogName ?? catalog.catalogName).\(schema).\(tableName)' does not exist"
            )
        }
        return table
    }

    // MARK: - Session statements

    private func use(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        let (parts, used) = qualifiedName(tokens, from: 1)
        guard !parts.isEmpty, parts.count <= 2, used == tokens.count - 1 else {
            throw syntaxError(tokens, at: 1, expecting: "<identifier>")
        }
        let catalogName = parts.count == 2 ? parts[0] : session.catalog
        _ = try resolveSchema(catalog: catalogName, schema: parts[parts.count - 1], at: tokens[1])
        var headers: [TrinoHeader] = []
        if parts.count == 2 { headers.append(TrinoHeader("X-Trino-Set-Catalog", parts[0])) }
        headers.append(TrinoHeader("X-Trino-Set-Schema", parts[parts.count - 1]))
        return .sessionUpdate(updateType: "USE", headers: headers)
    }

    private func set(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        guard tokens.count >= 2, tokens[1].isWord("SESSION") else {
            let token = tokens.count >= 2 ? tokens[1] : tokens[0]
            throw TrinoQueryFailure.at(
                token,
                .notSupported,
                "SET \(token.value.uppercased()) is not supported by this server"
            )
        }
        guard let equals = tokens.firstIndex(where: { $0.isSymbol("=") }), equals > 2, equals + 1 < tokens.count else {
            throw syntaxError(tokens, at: min(2, tokens.count - 1), expecting: "'='")
        }
        let name = tokens[2..<equals].map(\.value).joined()
        let valueTokens = tokens[(equals + 1)...]
        let value =
            valueTokens.count == 1 && valueTokens.first!.kind == .string
            ? valueTokens.first!.value : valueTokens.map(\.value).joined(separator: " ")
        return .sessionUpdate(
            updateType: "SET SESSION",
            headers: [TrinoHeader("X-Trino-Set-Session", name + "=" + TrinoHeader.urlEncoded(value))]
        )
    }

    private func prepare(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        guard tokens.count >= 4, let name = tokens[1].identifier, tokens[2].isWord("FROM") else {
            throw syntaxError(tokens, at: min(tokens.count - 1, 2), expecting: "<identifier> FROM <statement>")
        }
        let statement = Array(tokens[3...])
        // Validate now, as Trino does: a statement that cannot run fails at PREPARE.
        let placeholders = statement.map { $0.kind == .parameter ? nullToken($0) : $0 }
        _ = try classify(tokens: placeholders)
        let text = statement.map(\.sqliteText).joined(separator: " ")
        return .sessionUpdate(
            updateType: "PREPARE",
            headers: [TrinoHeader("X-Trino-Added-Prepare", name + "=" + TrinoHeader.urlEncoded(text))]
        )
    }

    /// `EXECUTE IMMEDIATE '<sql>' [USING …]` and `EXECUTE <name> [USING …]`: parameters are substituted as tokens.
    private func execute(_ tokens: [SQLToken]) throws(TrinoQueryFailure) -> TrinoStatement {
        guard tokens.count >= 2 else { throw syntaxError(tokens, at: 1, expecting: "IMMEDIATE, <identifier>") }
        var index = 1
        let statementText: String
        if tokens[1].isWord("IMMEDIATE") {
            guard tokens.count >= 3, tokens[2].kind == .string else {
                throw syntaxError(tokens, at: min(2, tokens.count - 1), expecting: "<string>")
            }
            statementText = tokens[2].value
            index = 3
        } else {
            guard let name = tokens[1].identifier else { throw syntaxError(tokens, at: 1, expecting: "<identifier>") }
            guard let text = session.preparedStatements[name] else {
                throw TrinoQueryFailure.at(tokens[1], .notFound, "Prepared statement not found: \(name)")
            }
            statementText = text
            index = 2
        }
        var arguments: [[SQLToken]] = []
        if index < tokens.count {
            guard tokens[index].isWord("USING") else {
                throw syntaxError(tokens, at: index, expecting: "'USING', <EOF>")
            }
            var current: [SQLToken] = []
            var depth = 0
            for token in tokens[(index + 1)...] {
                if token.isSymbol("(") { depth += 1 }
                if token.isSymbol(")") { depth -= 1 }
                if token.isSymbol(",") && depth == 0 {
                    arguments.append(current)
                    current = []
                } else {
                    current.append(token)
                }
            }
            arguments.append(current)
        }
        var statement = try SQLLexer.tokenize(statementText)
        if let last = statement.last, last.isSymbol(";") { statement.removeLast() }
        let parameterCount = statement.filter { $0.kind == .parameter }.count
        guard parameterCount == arguments.count, !arguments.contains(where: \.isEmpty) else {
            throw TrinoQueryFailure.at(
                tokens[0],
                TrinoErrorCode(code: 80, name: "INVALID_PARAMETER_USAGE", type: "USER_ERROR"),
                "Incorrect number of parameters: expected \(parameterCount) but found \(arguments.count)"
            )
        }
        var substituted: [SQLToken] = []
        var next = 0
        for token in statement {
            if token.kind == .parameter {
                substituted.append(contentsOf: arguments[next])
                next += 1
            } else {
                substituted.append(token)
            }
        }
        return try classify(tokens: substituted)
    }

    // MARK: - Helpers

    private func nullToken(_ token: SQLToken) -> SQLToken {
        SQLToken(kind: .word, value: "NULL", line: token.line, column: token.column)
    }

    /// `a.b.c` starting at `index`: the lower-cased parts and how many tokens they took.
    func qualifiedName(_ tokens: [SQLToken], from index: Int) -> ([String], Int) {
        var parts: [String] = []
        var position = index
        while position < tokens.count, let name = tokens[position].identifier {
            parts.append(name)
            position += 1
            guard position + 1 < tokens.count, tokens[position].isSymbol("."), tokens[position + 1].identifier != nil
            else { break }
            position += 1
        }
        return (parts, position - index)
    }

    private func likePattern(_ rest: inout [SQLToken]) throws(TrinoQueryFailure) -> LikePattern? {
        guard let first = rest.first, first.isWord("LIKE") else { return nil }
        guard rest.count >= 2, rest[1].kind == .string else { throw syntaxError(rest, at: 1, expecting: "<string>") }
        var escape: Character?
        var used = 2
        if rest.count >= 4, rest[2].isWord("ESCAPE"), rest[3].kind == .string {
            escape = rest[3].value.first
            used = 4
        }
        let pattern = LikePattern(rest[1].value, escape: escape)
        rest.removeFirst(used)
        return pattern
    }

    private func expectEnd(_ rest: [SQLToken]) throws(TrinoQueryFailure) {
        if let extra = rest.first {
            throw TrinoQueryFailure.at(extra, .syntaxError, "mismatched input '\(extra.value)'. Expecting: <EOF>")
        }
    }

    private func syntaxError(_ tokens: [SQLToken], at index: Int, expecting: String) -> TrinoQueryFailure {
        guard index >= 0, index < tokens.count else {
            let last = tokens.last
            return TrinoQueryFailure(
                .syntaxError,
                "line \(last?.line ?? 1):\((last?.column ?? 0) + (last?.value.count ?? 0)): "
                    + "mismatched input '<EOF>'. Expecting: \(expecting)",
                location: ErrorLocation(
                    lineNumber: last?.line ?? 1,
                    columnNumber: (last?.column ?? 0) + (last?.value.count ?? 0)
                )
            )
        }
        return TrinoQueryFailure.at(
            tokens[index],
            .syntaxError,
            "mismatched input '\(tokens[index].value)'. Expecting: \(expecting)"
        )
    }
}

extension SQLToken {
    /// The token as Trino SQL text (quotes restored), for re-assembling a prepared statement.
    var sqliteText: String { sqlite }
}

/// SQL `LIKE` matching (`%`, `_`, optional escape character), case-sensitive like Trino's.
struct LikePattern: Sendable {
    private enum Element { case any, one, literal(Character) }
    private let elements: [Element]

    init(_ pattern: String, escape: Character?) {
        var elements: [Element] = []
        var escaped = false
        for character in pattern {
            if escaped {
                elements.append(.literal(character))
                escaped = false
            } else if character == escape {
                escaped = true
            } else if character == "%" {
                elements.append(.any)
            } else if character == "_" {
                elements.append(.one)
            } else {
                elements.append(.literal(character))
            }
        }
        self.elements = elements
    }

    func matches(_ text: String) -> Bool {
        let characters = Array(text)
        func match(_ e: Int, _ c: Int) -> Bool {
            if e == elements.count { return c == characters.count }
            switch elements[e] {
            case .any:
                for start in c...characters.count where match(e + 1, start) { return true }
                return false
            case .one:
                return c < characters.count && match(e + 1, c + 1)
            case .literal(let character):
                return c < characters.count && characters[c] == character && match(e + 1, c + 1)
            }
        }
        return match(0, 0)
    }
}
