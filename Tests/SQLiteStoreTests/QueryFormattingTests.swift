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

    @Test("csv: RFC 4180 quoting, CRLF, NULL empty and empty string quoted")
    func csv() {
        #expect(result.formatted(as: .csv) == "id,name,age\r\n1,Zoé,31\r\n22,,7\r\n3,\"O\"\"Brien, Jr.\",\r\n")
        #expect(
            QueryResult(columns: ["a", "b"], rows: [["line\nbreak", ""]]).formatted(as: .csv)
                == "a,b\r\n\"line\nbreak\",\"\"\r\n"
        )
    }
}
