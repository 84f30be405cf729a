import Foundation
import Testing

@testable import TrinoFrontEnd

@Suite("Protocol documents encode as Trino's")
struct QueryResultsJSONTests {
    @Test("a page with columns, data and stats")
    func page() throws {
        let results = QueryResults(
            id: "20240501_120000_00001_abcde",
            infoUri: "http://localhost:8080/ui/query.html?20240501_120000_00001_abcde",
            nextUri: "http://localhost:8080/v1/statement/executing/20240501_120000_00001_abcde/yabc/2",
            columns: [
                Column(name: "gender", type: .varchar),
                Column(name: "minute", type: .timestamp3),
                Column(name: "_col2", type: .bigint),
                Column(name: "id", type: .uuid),
                Column(name: "latitude", type: .double),
            ],
            data: [
                [
                    .string("female"), .string("2024-05-01 12:00:00.000"), .integer(3),
                    .string("00000000-0000-4000-a000-000000000000"), .double(10.5),
                ],
                [.null, .string("2024-05-01 12:01:00.000"), .integer(1), .null, .double(.nan)],
            ],
            stats: StatementStats(
                state: "RUNNING",
                scheduled: true,
                progressPercentage: 0,
                nodes: 1,
                totalSplits: 1,
                runningSplits: 1,
                elapsedTimeMillis: 12
            )
        )
        let expected = """
            {
              "id": "20240501_120000_00001_abcde",
              "infoUri": "http://localhost:8080/ui/query.html?20240501_120000_00001_abcde",
              "nextUri": "http://localhost:8080/v1/statement/executing/20240501_120000_00001_abcde/yabc/2",
              "columns": [
                {"name": "gender", "type": "varchar",
                 "typeSignature": {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}},
                {"name": "minute", "type": "timestamp(3)",
                 "typeSignature": {"rawType": "timestamp", "arguments": [{"kind": "LONG", "value": 3}]}},
                {"name": "_col2", "type": "bigint", "typeSignature": {"rawType": "bigint", "arguments": []}},
                {"name": "id", "type": "uuid", "typeSignature": {"rawType": "uuid", "arguments": []}},
                {"name": "latitude", "type": "double", "typeSignature": {"rawType": "double", "arguments": []}}
              ],
              "data": [
                ["female", "2024-05-01 12:00:00.000", 3, "00000000-0000-4000-a000-000000000000", 10.5],
                [null, "2024-05-01 12:01:00.000", 1, null, "NaN"]
              ],
              "stats": {
                "state": "RUNNING", "queued": false, "scheduled": true, "progressPercentage": 0,
                "nodes": 1, "totalSplits": 1, "queuedSplits": 0, "runningSplits": 1, "completedSplits": 0,
                "cpuTimeMillis": 0, "wallTimeMillis": 0, "queuedTimeMillis": 0, "elapsedTimeMillis": 12,
                "processedRows": 0, "processedBytes": 0, "physicalInputBytes": 0, "peakMemoryBytes": 0,
                "spilledBytes": 0
              },
              "warnings": []
            }
            """
        #expect(try jsonObject(TrinoResponse(results: results).jsonBody()) == jsonObject(expected))
    }

    @Test("a queued response omits columns, data, error and progress")
    func queued() throws {
        let results = QueryResults(
            id: "q",
            infoUri: "http://h/ui/query.html?q",
            nextUri: "http://h/v1/statement/queued/q/s/1",
            stats: StatementStats(state: "QUEUED", queued: true)
        )
        let expected = """
            {"id": "q", "infoUri": "http://h/ui/query.html?q", "nextUri": "http://h/v1/statement/queued/q/s/1",
             "stats": {"state": "QUEUED", "queued": true, "scheduled": false, "nodes": 0, "totalSplits": 0,
                       "queuedSplits": 0, "runningSplits": 0, "completedSplits": 0, "cpuTimeMillis": 0,
                       "wallTimeMillis": 0, "queuedTimeMillis": 0, "elapsedTimeMillis": 0, "processedRows": 0,
                       "processedBytes": 0, "physicalInputBytes": 0, "peakMemoryBytes": 0, "spilledBytes": 0},
             "warnings": []}
            """
        #expect(try jsonObject(TrinoJSON.encoder.encode(results)) == jsonObject(expected))
    }

    @Test("a failed query carries the error with code, name, type, location and failure info")
    func error() throws {
        let failure = TrinoQueryFailure(
            .syntaxError,
            "line 1:8: mismatched input 'FORM'",
            location: ErrorLocation(lineNumber: 1, columnNumber: 8)
        )
        let results = QueryResults(
            id: "q",
            infoUri: "http://h/ui/query.html?q",
            stats: StatementStats(state: "FAILED", scheduled: true, progressPercentage: 100, completedSplits: 1),
            error: failure.queryError
        )
        let encoded = try jsonObject(TrinoJSON.encoder.encode(results)) as? NSDictionary
        let expectedError = """
            {"message": "line 1:8: mismatched input 'FORM'", "errorCode": 1, "errorName": "SYNTAX_ERROR",
             "errorType": "USER_ERROR", "errorLocation": {"lineNumber": 1, "columnNumber": 8},
             "failureInfo": {"type": "io.trino.sql.parser.ParsingException",
                             "message": "line 1:8: mismatched input 'FORM'", "suppressed": [], "stack": [],
                             "errorLocation": {"lineNumber": 1, "columnNumber": 8}}}
            """
        #expect(encoded?["error"] as? NSObject == (try jsonObject(expectedError)))
        #expect(encoded?["nextUri"] == nil)
        #expect(encoded?["columns"] == nil)
    }

    @Test("error codes keep Trino's numbers, names and types")
    func errorCodes() {
        #expect(TrinoErrorCode.syntaxError == TrinoErrorCode(code: 1, name: "SYNTAX_ERROR", type: "USER_ERROR"))
        #expect(TrinoErrorCode.permissionDenied.code == 4)
        #expect(TrinoErrorCode.notSupported.code == 13)
        #expect(TrinoErrorCode.tableNotFound.code == 46)
        #expect(
            TrinoErrorCode.exceededTimeLimit
                == TrinoErrorCode(code: 131_075, name: "EXCEEDED_TIME_LIMIT", type: "INSUFFICIENT_RESOURCES")
        )
        #expect(TrinoErrorCode.queryQueueFull.code == 131_074)
    }

    @Test("values decode back from Trino's JSON")
    func valuesRoundTrip() throws {
        let row: [TrinoValue] = [.null, .boolean(true), .integer(42), .double(1.5), .string("x")]
        let data = try JSONEncoder().encode(row)
        #expect(String(decoding: data, as: UTF8.self) == #"[null,true,42,1.5,"x"]"#)
        #expect(try JSONDecoder().decode([TrinoValue].self, from: data) == row)
    }

    @Test("request headers make the session; statement paths parse")
    func sessionHeaders() {
        let session = TrinoSession(headers: [
            (name: "X-Trino-User", value: "superset"),
            (name: "x-trino-catalog", value: "cassandra"),
            (name: "X-Trino-Schema", value: "spark_streams"),
            (name: "X-Trino-Source", value: "Apache Superset"),
            (name: "X-Trino-Session", value: "query_max_run_time=10m,time_zone=Europe%2FParis"),
            (name: "X-Trino-Prepared-Statement", value: "st_1=SELECT+*+FROM+t+WHERE+a+%3D+%3F"),
        ])
        #expect(session.user == "superset")
        #expect(session.catalog == "cassandra")
        #expect(session.schema == "spark_streams")
        #expect(session.source == "Apache Superset")
        #expect(session.properties == ["query_max_run_time": "10m", "time_zone": "Europe/Paris"])
        #expect(session.preparedStatements == ["st_1": "SELECT * FROM t WHERE a = ?"])

        let path = TrinoStatementPath(path: "/v1/statement/executing/20240501_120000_00001_abcde/yslug/3")
        #expect(path == TrinoStatementPath(path: "/v1/statement/queued/20240501_120000_00001_abcde/yslug/3"))
        #expect(path?.queryID == "20240501_120000_00001_abcde")
        #expect(path?.slug == "yslug")
        #expect(path?.token == 3)
        #expect(TrinoStatementPath(path: "/v1/statement") == nil)
        #expect(TrinoStatementPath(path: "/v1/statement/executing/q/s/x") == nil)
    }
}
