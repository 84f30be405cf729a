import CQLWire
import Testing

@testable import CQLEngine

@Suite("CQL parser")
struct ParserTests {
    func parse(_ text: String) throws -> CQLParsedStatement { try CQLParser.parse(text) }

    func syntaxError(_ text: String) -> CQLEngineError? {
        do {
            _ = try CQLParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("lexer: keywords, quoted identifiers, strings, numbers, uuids, blobs, markers, comments")
    func lexer() throws {
        let tokens = try CQLLexer.tokenize(
            """
            SeLeCt "Name", 'it''s', -12, 1.5e3, NaN, -Infinity, 0xCAFE, 123e4567-e89b-12d3-a456-426614174000, ?, :id -- c
            /* block
            comment */ FROM // tail
            $$dollar 'quoted'$$;
            """
        )
        let kinds = tokens.map(\.kind)
        #expect(
            kinds == [
                .identifier, .quotedIdentifier, .symbol, .string, .symbol, .integer, .symbol, .float, .symbol, .float,
                .symbol, .float, .symbol, .blob, .symbol, .uuid, .symbol, .questionMark, .symbol, .symbol, .identifier,
                .identifier, .string, .symbol, .end,
            ]
        )
        #expect(tokens[1].text == "Name")
        #expect(tokens[3].text == "it's")
        #expect(tokens[5].text == "-12")
        #expect(tokens[13].text == "CAFE")
        #expect(tokens[22].text == "dollar 'quoted'")
        #expect(tokens[21].line == 3)
        #expect(tokens[21].column == 11)
        // A minus after a value is an operator, not a sign.
        let minus = try CQLLexer.tokenize("c = c - 1")
        #expect(minus.map(\.kind) == [.identifier, .symbol, .identifier, .symbol, .integer, .end])
    }

    @Test("CREATE KEYSPACE, ALTER, DROP KEYSPACE, USE")
    func keyspaceStatements() throws {
        guard
            case .createKeyspace(let create) = try parse(
                "CREATE KEYSPACE IF NOT EXISTS spark_streams WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'} AND durable_writes = false;"
            ).statement
        else { Issue.record("not CREATE KEYSPACE"); return }
        #expect(create.name == "spark_streams")
        #expect(create.ifNotExists)
        #expect(create.properties.map(\.0) == ["replication", "durable_writes"])
        guard case .map(let pairs) = create.properties[0].1 else { Issue.record("replication not a map"); return }
        #expect(pairs.count == 2)
        guard case .alterKeyspace(let alter) = try parse("ALTER KEYSPACE ks WITH durable_writes = true").statement
        else {
            Issue.record("not ALTER")
            return
        }
        #expect(alter.name == "ks")
        guard case .dropKeyspace("ks", ifExists: true) = try parse("drop keyspace if exists ks").statement else {
            Issue.record("not DROP KEYSPACE")
            return
        }
        guard case .use("MyKs") = try parse("USE \"MyKs\"").statement else { Issue.record("not USE"); return }
        guard case .use("myks") = try parse("use MyKs;").statement else { Issue.record("USE not lowercased"); return }
    }

    @Test("CREATE TABLE: inline and compound keys, clustering order, options, collection types")
    func createTable() throws {
        guard
            case .createTable(let simple) = try parse(
                "CREATE TABLE IF NOT EXISTS spark_streams.created_users (id UUID PRIMARY KEY, first_name TEXT, tags set<text>, m frozen<map<int, list<text>>>, t tuple<int, text>)"
            ).statement
        else { Issue.record("not CREATE TABLE"); return }
        #expect(simple.ifNotExists)
        #expect(simple.table == CQLQualifiedName(keyspace: "spark_streams", name: "created_users"))
        #expect(simple.partitionKey == ["id"])
        #expect(simple.clustering.isEmpty)
        #expect(
            simple.columns.map(\.type.description) == [
                "uuid", "text", "set<text>", "frozen<map<int, list<text>>>", "frozen<tuple<int, text>>",
            ]
        )
        guard
            case .createTable(let compound) = try parse(
                """
                CREATE TABLE t (a int, b text, c timestamp, d varchar, s int static, PRIMARY KEY ((a, b), c, d))
                WITH CLUSTERING ORDER BY (c DESC, d ASC) AND comment = 'hi' AND gc_grace_seconds = 10
                """
            ).statement
        else { Issue.record("not CREATE TABLE"); return }
        #expect(compound.table.keyspace == nil)
        #expect(compound.partitionKey == ["a", "b"])
        #expect(compound.clustering == ["c", "d"])
        #expect(compound.clusteringOrder.map(\.0) == ["c", "d"])
        #expect(compound.clusteringOrder.map(\.descending) == [true, false])
        #expect(compound.properties.map(\.0) == ["comment", "gc_grace_seconds"])
        #expect(compound.columns[4].isStatic)
        #expect(compound.columns[3].type == .native(.text))
        guard case .createTable(let single) = try parse("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c))").statement
        else { Issue.record("not CREATE TABLE"); return }
        #expect(single.partitionKey == ["k"])
        #expect(single.clustering == ["c"])
        guard case .dropTable(let name, ifExists: true) = try parse("DROP TABLE IF EXISTS ks.t").statement,
            name.keyspace == "ks"
        else { Issue.record("not DROP TABLE"); return }
        guard case .truncate(let truncated) = try parse("TRUNCATE TABLE ks.t").statement, truncated.name == "t" else {
            Issue.record("not TRUNCATE")
            return
        }
        guard case .truncate = try parse("truncate t").statement else { Issue.record("not TRUNCATE"); return }
    }

    @Test("INSERT with IF NOT EXISTS, TTL and TIMESTAMP; literals of every kind")
    func insert() throws {
        let parsed = try parse(
            """
            INSERT INTO ks.t (a, b, c, d, e, f, g, h, i, j, k) VALUES (
                1, 'x', 2.5, true, null, 0x0102, 123e4567-e89b-12d3-a456-426614174000,
                [1, 2], {'a', 'b'}, {'k': 1, 'l': 2}, (1, 'x')
            ) IF NOT EXISTS USING TTL 86400 AND TIMESTAMP 123456789
            """
        )
        guard case .insert(let insert) = parsed.statement else { Issue.record("not INSERT"); return }
        #expect(insert.columns == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"])
        #expect(insert.ifNotExists)
        guard case .integer("86400") = insert.ttl, case .integer("123456789") = insert.timestamp else {
            Issue.record("USING not parsed")
            return
        }
        guard case .integer("1") = insert.values[0], case .string("x") = insert.values[1],
            case .float("2.5") = insert.values[2], case .boolean(true) = insert.values[3],
            case .null = insert.values[4],
            case .blob([1, 2]) = insert.values[5], case .uuid = insert.values[6],
            case .list(let list) = insert.values[7],
            list.count == 2, case .set(let set) = insert.values[8], set.count == 2,
            case .map(let map) = insert.values[9], map.count == 2, case .tuple(let tuple) = insert.values[10],
            tuple.count == 2
        else { Issue.record("literals not parsed: \(insert.values)"); return }
        let markers = try parse("INSERT INTO t (a, b, c) VALUES (?, :named, now())")
        #expect(markers.markers == [nil, "named"])
        guard case .insert(let withFunction) = markers.statement,
            case .function("now", let nowArguments) = withFunction.values[2], nowArguments.isEmpty
        else {
            Issue.record("function not parsed")
            return
        }
    }

    @Test("UPDATE: assignments, collection operations, conditions")
    func update() throws {
        guard
            case .update(let update) = try parse(
                """
                UPDATE ks.t USING TTL 5 SET a = 1, l = l + [2], l = [0] + l, s = s - {'x'}, m['k'] = 'v', c = c + 1, n += 2
                WHERE k = 1 AND c IN (1, 2) IF EXISTS
                """
            ).statement
        else { Issue.record("not UPDATE"); return }
        #expect(update.assignments.count == 7)
        guard case .set("a", _) = update.assignments[0], case .add("l", _) = update.assignments[1],
            case .prepend("l", _) = update.assignments[2], case .subtract("s", _) = update.assignments[3],
            case .setElement("m", _, _) = update.assignments[4], case .add("c", _) = update.assignments[5],
            case .add("n", _) = update.assignments[6]
        else { Issue.record("assignments: \(update.assignments)"); return }
        #expect(update.whereClause.map(\.op) == [.equal, .in])
        guard case .exists = update.conditions else { Issue.record("IF EXISTS"); return }
        guard case .update(let conditional) = try parse("UPDATE t SET v = 2 WHERE k = 1 IF v = 1 AND w != 3").statement,
            case .columns(let conditions) = conditional.conditions
        else { Issue.record("IF columns"); return }
        #expect(conditions.map(\.op) == [.equal, .notEqual])
    }

    @Test("DELETE rows and columns, with conditions")
    func delete() throws {
        guard
            case .delete(let rows) = try parse("DELETE FROM ks.t USING TIMESTAMP 5 WHERE k = 1 AND c >= 2 IF EXISTS")
                .statement
        else { Issue.record("not DELETE"); return }
        #expect(rows.columns.isEmpty)
        #expect(rows.whereClause.map(\.op) == [.equal, .greaterOrEqual])
        guard case .delete(let columns) = try parse("DELETE a, b FROM t WHERE k = ?").statement else {
            Issue.record("not DELETE")
            return
        }
        #expect(columns.columns == ["a", "b"])
    }

    @Test("SELECT: DISTINCT, selectors, aliases, count, functions, WHERE, ORDER BY, LIMIT, ALLOW FILTERING")
    func select() throws {
        guard
            case .select(let select) = try parse(
                """
                SELECT DISTINCT a, b AS bee, COUNT(*), count(1) AS n, toTimestamp(now()), writetime(v)
                FROM ks.t WHERE a = 1 AND b IN ('x', 'y') AND c > 2 AND c <= 5 AND l CONTAINS 3 AND m CONTAINS KEY 'k'
                ORDER BY c DESC LIMIT 10 ALLOW FILTERING;
                """
            ).statement
        else { Issue.record("not SELECT"); return }
        #expect(select.distinct)
        guard let selections = select.selections, selections.count == 6 else { Issue.record("selectors"); return }
        #expect(selections.map(\.alias) == [nil, "bee", nil, "n", nil, nil])
        guard case .column("a") = selections[0].selector, case .countAll = selections[2].selector,
            case .countAll = selections[3].selector,
            case .function("totimestamp", let arguments) = selections[4].selector,
            arguments.count == 1, case .function("writetime", _) = selections[5].selector
        else { Issue.record("selectors: \(selections)"); return }
        #expect(select.whereClause.map(\.op) == [.equal, .in, .greater, .lessOrEqual, .contains, .containsKey])
        #expect(select.orderBy.map(\.0) == ["c"])
        #expect(select.orderBy.map(\.descending) == [true])
        guard case .integer("10") = select.limit else { Issue.record("limit"); return }
        #expect(select.allowFiltering)
        guard case .select(let star) = try parse("select * from system.local where key='local'").statement else {
            Issue.record("not SELECT")
            return
        }
        #expect(star.selections == nil)
        #expect(star.table == CQLQualifiedName(keyspace: "system", name: "local"))
        let inMarker = try parse("SELECT * FROM t WHERE k IN ? LIMIT ?")
        #expect(inMarker.markers.count == 2)
    }

    @Test("BEGIN BATCH … APPLY BATCH")
    func batch() throws {
        guard
            case .batch(let batch) = try parse(
                """
                BEGIN UNLOGGED BATCH USING TIMESTAMP 10
                  INSERT INTO t (k, v) VALUES (1, 'a');
                  UPDATE t SET v = 'b' WHERE k = 2;
                  DELETE FROM t WHERE k = 3;
                APPLY BATCH;
                """
            ).statement
        else { Issue.record("not BATCH"); return }
        #expect(batch.type == .unlogged)
        #expect(batch.statements.count == 3)
        guard case .batch(let logged) = try parse("BEGIN BATCH INSERT INTO t (k) VALUES (1) APPLY BATCH").statement
        else {
            Issue.record("not BATCH")
            return
        }
        #expect(logged.type == .logged)
        guard
            case .batch(let counter) = try parse("BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1 APPLY BATCH")
                .statement
        else { Issue.record("not BATCH"); return }
        #expect(counter.type == .counter)
    }

    @Test("DESCRIBE forms")
    func describe() throws {
        func describe(_ text: String) throws -> CQLDescribe {
            guard case .describe(let describe) = try parse(text).statement else { throw TestFailure("not DESCRIBE") }
            return describe
        }
        guard case .keyspaces = try describe("DESCRIBE KEYSPACES") else { Issue.record("KEYSPACES"); return }
        guard case .keyspace("ks", onlyKeyspace: false) = try describe("DESC KEYSPACE ks") else {
            Issue.record("KEYSPACE ks"); return
        }
        guard case .keyspace(nil, onlyKeyspace: false) = try describe("describe keyspace;") else {
            Issue.record("KEYSPACE"); return
        }
        guard case .keyspace("ks", onlyKeyspace: true) = try describe("DESCRIBE ONLY KEYSPACE ks") else {
            Issue.record("ONLY"); return
        }
        guard case .tables = try describe("DESCRIBE TABLES") else { Issue.record("TABLES"); return }
        guard case .table(let table) = try describe("DESCRIBE TABLE spark_streams.created_users"),
            table.name == "created_users"
        else { Issue.record("TABLE"); return }
        guard case .schema(full: false) = try describe("DESC SCHEMA") else { Issue.record("SCHEMA"); return }
        guard case .schema(full: true) = try describe("DESC FULL SCHEMA") else { Issue.record("FULL SCHEMA"); return }
        guard case .cluster = try describe("DESCRIBE CLUSTER") else { Issue.record("CLUSTER"); return }
        guard case .name(let name) = try describe("DESCRIBE spark_streams.created_users"),
            name.keyspace == "spark_streams"
        else { Issue.record("name"); return }
        guard case .keyspace("ks", _) = try describe("DESCRIBE KEYSPACE ks WITH INTERNALS") else {
            Issue.record("INTERNALS"); return
        }
    }

    @Test("syntax errors carry Cassandra-style positions and code 0x2000")
    func syntaxErrors() {
        let cases: [(String, String)] = [
            ("SELEC * FROM t", "line 1:0 no viable alternative at input 'SELEC'"),
            ("SELECT FROM t", "line 1:7 no viable alternative at input 'FROM'"),
            ("SELECT * FROM", "line 1:13 mismatched input '<EOF>' expecting IDENT"),
            ("SELECT * FROM t WHERE", "line 1:21 mismatched input '<EOF>' expecting IDENT"),
            ("SELECT * FROM t\nWHERE k == 1", "line 2:9 no viable alternative at input '='"),
            ("INSERT INTO t (a) VALUES ('x)", "line 1:26 mismatched character '<EOF>' expecting '''"),
            ("SELECT * FROM t extra", "line 1:16 extraneous input 'extra' expecting <EOF>"),
            ("SELECT * FROM t; SELECT 1", "line 1:17 extraneous input 'SELECT' expecting <EOF>"),
            ("CREATE TABLE t (k int PRIMARY KEY", "line 1:33 mismatched input '<EOF>' expecting ')'"),
            ("SELECT * FROM t WHERE k = #", "line 1:26 no viable alternative at character '#'"),
            ("UPDATE t SET WHERE k = 1", "line 1:13 no viable alternative at input 'WHERE'"),
            ("/* never closed", "line 1:0 unterminated comment"),
            ("", "line 1:0 mismatched input '<EOF>' expecting a statement"),
            (
                "CREATE TABLE t (k int, v int) WITH foo = 1",
                "No PRIMARY KEY specifed for table 't' (exactly one required)"
            ),
        ]
        for (text, message) in cases {
            let error = syntaxError(text)
            #expect(error?.message == message, "\(text)")
        }
        #expect(syntaxError("SELEC * FROM t")?.code == .syntaxError)
        #expect(syntaxError("CREATE TABLE t (k duration PRIMARY KEY)")?.code == .invalid)
    }

    @Test("types parse back from their canonical text")
    func typeRoundTrip() throws {
        for text in [
            "text", "ascii", "uuid", "timeuuid", "int", "bigint", "smallint", "tinyint", "boolean", "double", "float",
            "decimal", "varint", "timestamp", "date", "time", "blob", "inet", "counter", "list<int>", "set<text>",
            "map<text, frozen<list<int>>>", "frozen<set<uuid>>", "frozen<tuple<int, text>>",
        ] {
            #expect(try CQLTypeExpression(parsing: text).description == text)
        }
        #expect(try CQLTypeExpression(parsing: "varchar").description == "text")
        #expect(try CQLTypeExpression(parsing: "tuple<int, text>").description == "frozen<tuple<int, text>>")
        #expect(try CQLTypeExpression(parsing: "frozen<list<int>>").cqlType == .list(.int))
    }
}
