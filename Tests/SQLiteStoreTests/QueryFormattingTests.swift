import SQLiteStore
import Testing
import UserStreamCore

@Suite("QueryResult formatting")
struct QueryFormattingTests {
    let result = QueryResult(
        columns: ["id", "name", "age"],
        rows: [
            ["1", "Zoé", "31"],
            ["22", nil, "7"],
            ["3", "O\"Brien, Jr.", nil],
        ]
    )

    @Test("table: aligned columns, header rule, NULL, footer")
    func table() {
        #expect(
            result.formatted(as: .table) == """
                id | name         | age
                ---+--------------+-----
                1  | Zoé          | 31
                22 | NULL         | 7
                3  | O"Brien, Jr. | NULL
                (3 rows)

                """
        )
    }

    @Test("table: one row, no rows, control characters escaped")
    func tableEdges() {
        #expect(QueryResult(columns: ["n"], rows: [["a\nb"]]).formatted(as: .table) == "n\n----\na\\nb\n(1 row)\n")
        #expect(QueryResult(columns: ["count"], rows: []).formatted(as: .table) == "count\n-----\n(0 rows)\n")
    }

    @Test("json: array of objects, NULL is null, strings escaped")
    func json() {
        #expect(
            result.formatted(as: .json) == """
                [
                  {"id": "1", "name": "Zoé", "age": "31"},
                  {"id": "22", "name": null, "age": "7"},
                  {"id": "3", "name": "O\\"Brien, Jr.", "age": null}
                ]

                """
        )
        #expect(QueryResult(columns: ["a"], rows: []).formatted(as: .json) == "[]\n")
        #expect(
            QueryResult(columns: ["a\tb"], rows: [["\u{01}\\\n"]]).formatted(as: .json)
                == "[\n  {\"a\\tb\": \"\\u0001\\\\\\n\"}\n]\n"
        )
    }

    @Test("json: numbers and booleans unquoted where the engine typed them; a numeric-looking text stays a string")
    func jsonTypes() {
        let typed = QueryResult(
            columns: ["post_code", "age", "latitude", "big", "inf", "ok"],
            rows: [["01234", "31", "-39.7575", "1.0e+20", "Inf", "true"]],
            kinds: [[.text, .number, .number, .number, .number, .boolean]]
        )
        #expect(
            typed.formatted(as: .json)
                == "[\n  {\"post_code\": \"01234\", \"age\": 31, \"latitude\": -39.7575, \"big\": 1.0e+20, "
                + "\"inf\": \"Inf\", \"ok\": true}\n]\n"
        )
        for number in ["0", "-0", "12", "1.5", "-2.5E-3", "1e9"] {
            #expect(QueryResult.isJSONNumber(number), "\(number)")
        }
        for text in ["", "-", "01", "1.", ".5", "1e", "NaN", "0x10", "1 ", "+1"] {
            #expect(!QueryResult.isJSONNumber(text), "\(text)")
        }
    }

    @Test("a query on the store types its cells: integers and reals as numbers, text as text")
    func storeQueryKinds() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        let result = try await store.query("SELECT '7' AS t, 7 AS i, 7.5 AS r, NULL AS n", limit: 10)
        try await store.close()
        #expect(result.kinds == [[.text, .number, .number, .text]])
        #expect(result.formatted(as: .json) == "[\n  {\"t\": \"7\", \"i\": 7, \"r\": 7.5, \"n\": null}\n]\n")
    }

    @Test("csv: RFC 4180 quoting, CRLF, NULL empty and empty string quoted")
    func csv() {
        #expect(result.formatted(as: .csv) == "id,name,age\r\n1,Zoé,31\r\n22,,7\r\n3,\"O\"\"Brien, Jr.\",\r\n")
        #expect(
            QueryResult(columns: ["a", "b"], rows: [["line\nbreak", ""]]).formatted(as: .csv)
                == "a,b\r\n\"line\nbreak\",\"\"\r\n"
        )
    }
}
