import Foundation
import SQLiteStore
import Testing

@testable import TrinoFrontEnd

@Suite("Trino SQL on the store: what clients and Superset send")
struct TranslationTests {
    @Test("GROUP BY with the session schema (the trino client's first query)")
    func groupByGender() async throws {
        try await withTrinoTestStore { fixture in
            let result = try await fixture.manager().run(
                "SELECT gender, count(*) FROM created_users GROUP BY gender ORDER BY gender"
            )
            #expect(result.error == nil)
            #expect(result.columnNames == ["gender", "_col1"])
            #expect(result.columnTypes == ["varchar", "bigint"])
            #expect(result.rows == [[.string("female"), .integer(3)], [.string("male"), .integer(2)]])
        }
    }

    @Test("fully qualified, schema-qualified and double-quoted names all reach the same table")
    func names() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            for sql in [
                "SELECT count(*) AS n FROM cassandra.spark_streams.created_users",
                #"SELECT count(*) AS "N" FROM "cassandra"."spark_streams"."created_users""#,
                "SELECT count(*) n FROM spark_streams.created_users u",
            ] {
                let result = try await manager.run(sql, session: TrinoSession(user: "trino", catalog: "cassandra"))
                #expect(result.error == nil, "\(sql)")
                #expect(result.columnNames == ["n"], "\(sql)")
                #expect(result.rows == [[.integer(5)]], "\(sql)")
            }
            let unqualified = try await manager.run(
                "SELECT count(*) FROM created_users",
                session: TrinoSession(user: "trino", catalog: "cassandra")
            )
            #expect(unqualified.error?.errorName == "MISSING_SCHEMA_NAME")
            // Like Trino: a schema-qualified name needs the session's catalog.
            let noCatalog = try await manager.run(
                "SELECT count(*) FROM spark_streams.created_users",
                session: TrinoSession()
            )
            #expect(noCatalog.error?.message == "line 1:22: Catalog must be specified when session catalog is not set")
        }
    }

    @Test("columns carry Trino types and values Trino's JSON encoding")
    func types() async throws {
        try await withTrinoTestStore { fixture in
            let result = try await fixture.manager().run(
                "SELECT id, age, latitude, ingested_at, nat FROM created_users WHERE username = 'user3'"
            )
            #expect(result.columnTypes == ["uuid", "integer", "double", "timestamp(3) with time zone", "varchar"])
            #expect(
                result.rows == [
                    [
                        .string(TrinoTestStore.userID(3)), .null, .double(13.5), .string("2024-05-01 12:02:00.000 UTC"),
                        .null,
                    ]
                ]
            )
            let star = try await fixture.manager().run("SELECT * FROM created_users LIMIT 1")
            #expect(star.columnNames.count == 21)
            #expect(star.columnNames.first == "id")
            #expect(star.columns?.first { $0.name == "age" }?.type == "integer")
            #expect(star.columns?.first { $0.name == "id" }?.type == "uuid")
        }
    }

    @Test("SELECT version(), SELECT 1, EXECUTE IMMEDIATE 'SELECT 1' (the client's probe)")
    func scalars() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let version = try await manager.run("SELECT version()")
            #expect(version.columnNames == ["_col0"])
            #expect(version.columnTypes == ["varchar"])
            #expect(version.rows == [[.string(manager.configuration.serverVersion)]])
            let one = try await manager.run("SELECT 1")
            #expect(one.columnTypes == ["integer"])
            #expect(one.rows == [[.integer(1)]])
            let probe = try await manager.run("EXECUTE IMMEDIATE 'SELECT 1'")
            #expect(probe.error == nil)
            #expect(probe.rows == [[.integer(1)]])
            let semicolon = try await manager.run("select 1;")
            #expect(semicolon.rows == [[.integer(1)]])
        }
    }

    @Test("SHOW CATALOGS, SHOW SCHEMAS [FROM], SHOW TABLES [FROM], SHOW COLUMNS, DESCRIBE")
    func show() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let catalogs = try await manager.run("SHOW CATALOGS")
            #expect(catalogs.columnNames == ["Catalog"])
            #expect(catalogs.rows == [[.string("cassandra")], [.string("system")]])

            for sql in ["SHOW SCHEMAS", "SHOW SCHEMAS FROM cassandra", "show schemas in \"cassandra\""] {
                let schemas = try await manager.run(sql)
                #expect(schemas.columnNames == ["Schema"], "\(sql)")
                #expect(schemas.rows == [[.string("information_schema")], [.string("spark_streams")]], "\(sql)")
            }
            let like = try await manager.run("SHOW SCHEMAS LIKE 'spark%'")
            #expect(like.rows == [[.string("spark_streams")]])

            for sql in ["SHOW TABLES", "SHOW TABLES FROM spark_streams", "SHOW TABLES IN cassandra.spark_streams"] {
                let tables = try await manager.run(sql)
                #expect(tables.columnNames == ["Table"], "\(sql)")
                #expect(tables.rows == [[.string("created_users")], [.string("user_counts")]], "\(sql)")
            }
            let missing = try await manager.run("SHOW TABLES FROM nowhere")
            #expect(missing.error?.errorName == "SCHEMA_NOT_FOUND")

            for sql in [
                "SHOW COLUMNS FROM created_users", "DESCRIBE cassandra.spark_streams.created_users",
                "DESC spark_streams.created_users",
            ] {
                let columns = try await manager.run(sql)
                #expect(columns.columnNames == ["Column", "Type", "Extra", "Comment"], "\(sql)")
                #expect(columns.rows.count == 21, "\(sql)")
                #expect(columns.rows.first == [.string("id"), .string("uuid"), .string(""), .string("")], "\(sql)")
                #expect(
                    columns.rows.contains([.string("age"), .string("integer"), .string(""), .string("")]),
                    "\(sql)"
                )
            }
            let noTable = try await manager.run("DESCRIBE nope")
            #expect(noTable.error?.errorName == "TABLE_NOT_FOUND")
            #expect(noTable.error?.message == "line 1:10: Table 'cassandra.spark_streams.nope' does not exist")
        }
    }

    @Test("SQLAlchemy's inspect(): schemata, tables, columns, table comments — bound with EXECUTE IMMEDIATE")
    func sqlalchemyInspection() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            // What the trino DBAPI sends for get_schema_names (no parameters).
            let schemas = try await manager.run(#"SELECT "schema_name" FROM "information_schema"."schemata""#)
            #expect(schemas.error == nil)
            #expect(schemas.columnNames == ["schema_name"])
            #expect(Set(schemas.rows) == [[.string("information_schema")], [.string("spark_streams")]])

            // get_table_names / has_table: parameters bound by EXECUTE IMMEDIATE … USING.
            let tables = try await manager.run(
                """
                EXECUTE IMMEDIATE 'SELECT "table_name"
                FROM "information_schema"."tables"
                WHERE "table_schema" = ?
                  AND "table_type" = ''BASE TABLE''' USING 'spark_streams'
                """
            )
            #expect(tables.error == nil)
            #expect(Set(tables.rows) == [[.string("created_users")], [.string("user_counts")]])

            // get_columns.
            let columns = try await manager.run(
                """
                EXECUTE IMMEDIATE 'SELECT
                    "column_name",
                    "data_type",
                    "column_default",
                    UPPER("is_nullable") AS "is_nullable"
                FROM "information_schema"."columns"
                WHERE "table_schema" = ?
                  AND "table_name" = ?
                ORDER BY "ordinal_position" ASC' USING 'spark_streams', 'created_users'
                """
            )
            #expect(columns.error == nil)
            #expect(columns.columnNames == ["column_name", "data_type", "column_default", "is_nullable"])
            #expect(columns.columnTypes == ["varchar", "varchar", "varchar", "varchar"])
            #expect(columns.rows.count == 21)
            #expect(columns.rows.first == [.string("id"), .string("uuid"), .null, .string("YES")])
            #expect(
                columns.rows.last == [
                    .string("ingested_at"), .string("timestamp(3) with time zone"), .null, .string("YES"),
                ]
            )

            // Partitions "table" for get_indexes: no such table, no columns.
            let partitions = try await manager.run(
                #"EXECUTE IMMEDIATE 'SELECT "column_name" FROM "information_schema"."columns" WHERE "table_schema" = ? AND "table_name" = ?' USING 'spark_streams', 'created_users$partitions'"#
            )
            #expect(partitions.error == nil)
            #expect(partitions.rows.isEmpty)
            #expect(partitions.columnNames == ["column_name"])

            // get_table_comment.
            let comment = try await manager.run(
                #"EXECUTE IMMEDIATE 'SELECT "comment" FROM "system"."metadata"."table_comments" WHERE "catalog_name" = ? AND "schema_name" = ? AND "table_name" = ?' USING 'cassandra', 'spark_streams', 'created_users'"#
            )
            #expect(comment.error == nil)
            #expect(comment.rows.isEmpty)

            // The views query of get_view_names.
            let views = try await manager.run(
                #"SELECT "table_name" FROM "information_schema"."views" WHERE "table_schema" = 'spark_streams'"#
            )
            #expect(views.error == nil)
            #expect(views.rows.isEmpty)
        }
    }

    @Test("legacy prepared statements: PREPARE answers X-Trino-Added-Prepare, EXECUTE uses the session's statement")
    func legacyPreparedStatements() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let prepare = try await manager.run(
                #"PREPARE st_1 FROM SELECT "table_name" FROM "information_schema"."tables" WHERE "table_schema" = ?"#
            )
            #expect(prepare.error == nil)
            #expect(prepare.updateType == "PREPARE")
            let header = try #require(prepare.responses.first?.headers.first)
            #expect(header.name == "X-Trino-Added-Prepare")
            #expect(header.value.hasPrefix("st_1="))

            var session = sparkStreams
            session = TrinoSession(headers: [
                (name: "X-Trino-User", value: "trino"), (name: "X-Trino-Catalog", value: "cassandra"),
                (name: "X-Trino-Schema", value: "spark_streams"),
                (name: "X-Trino-Prepared-Statement", value: header.value),
            ])
            let executed = try await manager.run("EXECUTE st_1 USING 'spark_streams'", session: session)
            #expect(executed.error == nil)
            #expect(Set(executed.rows) == [[.string("created_users")], [.string("user_counts")]])

            let deallocate = try await manager.run("DEALLOCATE PREPARE st_1", session: session)
            #expect(deallocate.responses.first?.headers == [TrinoHeader("X-Trino-Deallocated-Prepare", "st_1")])
            let unknown = try await manager.run("EXECUTE st_2 USING 1", session: session)
            #expect(unknown.error?.errorName == "NOT_FOUND")
            let wrongCount = try await manager.run("EXECUTE IMMEDIATE 'SELECT ?' USING 1, 2")
            #expect(wrongCount.error?.errorName == "INVALID_PARAMETER_USAGE")
        }
    }

    @Test("session statements answer with Trino's headers")
    func sessionStatements() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let set = try await manager.run("SET SESSION query_max_run_time = '10m'")
            #expect(set.updateType == "SET SESSION")
            #expect(set.responses.first?.headers == [TrinoHeader("X-Trino-Set-Session", "query_max_run_time=10m")])
            let use = try await manager.run("USE cassandra.spark_streams")
            #expect(
                use.responses.first?.headers
                    == [
                        TrinoHeader("X-Trino-Set-Catalog", "cassandra"),
                        TrinoHeader("X-Trino-Set-Schema", "spark_streams"),
                    ]
            )
            let reset = try await manager.run("RESET SESSION query_max_run_time")
            #expect(reset.responses.first?.headers == [TrinoHeader("X-Trino-Clear-Session", "query_max_run_time")])
        }
    }

    @Test("Superset's time series: date_trunc over from_iso8601_timestamp and CAST(… AS TIMESTAMP)")
    func timeSeries() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let byMinute = try await manager.run(
                """
                SELECT date_trunc('minute', from_iso8601_timestamp(ingested_at)) AS __timestamp, count(*) AS count
                FROM created_users
                WHERE from_iso8601_timestamp(ingested_at) >= TIMESTAMP '2024-05-01 12:00:00.000000'
                  AND from_iso8601_timestamp(ingested_at) < TIMESTAMP '2024-05-02 00:00:00.000000'
                GROUP BY date_trunc('minute', from_iso8601_timestamp(ingested_at))
                ORDER BY __timestamp
                LIMIT 10000
                """
            )
            #expect(byMinute.error == nil)
            #expect(byMinute.columnNames == ["__timestamp", "count"])
            // from_iso8601_timestamp() is zoned in Trino, and date_trunc() keeps its argument's type.
            #expect(byMinute.columnTypes == ["timestamp(3) with time zone", "bigint"])
            #expect(
                byMinute.rows == [
                    [.string("2024-05-01 12:00:00.000 UTC"), .integer(2)],
                    [.string("2024-05-01 12:01:00.000 UTC"), .integer(1)],
                    [.string("2024-05-01 12:02:00.000 UTC"), .integer(1)],
                ]
            )

            func truncated(_ unit: String) async throws -> [[TrinoValue]] {
                let result = try await manager.run(
                    "SELECT DISTINCT date_trunc('\(unit)', CAST(ingested_at AS TIMESTAMP)) AS t FROM created_users ORDER BY t"
                )
                #expect(result.error == nil, "\(unit)")
                #expect(result.columnTypes == ["timestamp(3)"], "\(unit)")
                return result.rows
            }
            #expect(
                try await truncated("second")
                    == [
                        "2024-05-01 12:00:05.000", "2024-05-01 12:00:40.000", "2024-05-01 12:01:10.000",
                        "2024-05-01 12:02:00.000", "2024-05-06 13:00:00.000",
                    ].map { [.string($0)] }
            )
            #expect(
                try await truncated("hour") == [
                    [.string("2024-05-01 12:00:00.000")], [.string("2024-05-06 13:00:00.000")],
                ]
            )
            #expect(
                try await truncated("day") == [
                    [.string("2024-05-01 00:00:00.000")], [.string("2024-05-06 00:00:00.000")],
                ]
            )
            // 2024-05-01 is a Wednesday, 2024-05-06 a Monday: ISO weeks start on Monday.
            #expect(
                try await truncated("week") == [
                    [.string("2024-04-29 00:00:00.000")], [.string("2024-05-06 00:00:00.000")],
                ]
            )
            #expect(try await truncated("month") == [[.string("2024-05-01 00:00:00.000")]])
            #expect(try await truncated("quarter") == [[.string("2024-04-01 00:00:00.000")]])
            #expect(try await truncated("year") == [[.string("2024-01-01 00:00:00.000")]])

            let badUnit = try await manager.run(
                "SELECT date_trunc('fortnight', CAST(ingested_at AS TIMESTAMP)) FROM created_users"
            )
            #expect(badUnit.error?.errorName == "INVALID_FUNCTION_ARGUMENT")
        }
    }

    @Test("casts, date_format, date_add, current_timestamp, count(DISTINCT), approx_distinct")
    func functions() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let casts = try await manager.run(
                """
                SELECT CAST(ingested_at AS DATE), CAST(age AS VARCHAR), CAST(post_code AS BIGINT), CAST(age AS DOUBLE),
                       date_format(from_iso8601_timestamp(ingested_at), '%Y-%m-%d %H:%i'),
                       date_add('day', 1, CAST(ingested_at AS TIMESTAMP)), year(CAST(dob AS TIMESTAMP))
                FROM created_users WHERE username = 'user1'
                """
            )
            #expect(casts.error == nil)
            #expect(casts.columnTypes == ["date", "varchar", "bigint", "double", "varchar", "timestamp(3)", "bigint"])
            #expect(
                casts.rows == [
                    [
                        .string("2024-05-01"), .string("41"), .integer(10001), .double(41), .string("2024-05-01 12:00"),
                        .string("2024-05-02 12:00:40.500"), .integer(1990),
                    ]
                ]
            )
            let distinct = try await manager.run(
                "SELECT count(DISTINCT nat), approx_distinct(gender), count(nat) FROM created_users"
            )
            #expect(distinct.columnTypes == ["bigint", "bigint", "bigint"])
            #expect(distinct.rows == [[.integer(3), .integer(2), .integer(4)]])

            let now = try await manager.run("SELECT current_timestamp, now() AS n")
            #expect(now.columnTypes == ["timestamp(3) with time zone", "timestamp(3) with time zone"])
            if case .string(let text) = now.rows.first?.first {
                #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/) != nil)
            } else {
                Issue.record("current_timestamp is not a string: \(now.rows)")
            }
        }
    }

    @Test("LIMIT, OFFSET … FETCH FIRST, subqueries (Superset's virtual datasets), CTEs")
    func limitsAndSubqueries() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let limited = try await manager.run("SELECT username FROM created_users ORDER BY username LIMIT 2")
            #expect(limited.rows == [[.string("user0")], [.string("user1")]])
            let fetched = try await manager.run(
                "SELECT username FROM created_users ORDER BY username OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY"
            )
            #expect(fetched.rows == [[.string("user1")], [.string("user2")]])
            let offsetOnly = try await manager.run("SELECT username FROM created_users ORDER BY username OFFSET 4")
            #expect(offsetOnly.rows == [[.string("user4")]])
            let virtual = try await manager.run(
                """
                SELECT gender AS gender, count(*) AS count FROM (SELECT * FROM spark_streams.created_users WHERE age > 26)
                AS virtual_table GROUP BY gender ORDER BY count DESC LIMIT 1000
                """
            )
            #expect(virtual.error == nil)
            #expect(virtual.rows == [[.string("male"), .integer(2)], [.string("female"), .integer(1)]])
            let cte = try await manager.run(
                "WITH fr AS (SELECT * FROM created_users WHERE nat = 'FR') SELECT count(*) AS n FROM fr"
            )
            #expect(cte.error == nil)
            #expect(cte.rows == [[.integer(2)]])
            let aggregates = try await manager.run(
                "SELECT dimension, sum(count) AS total FROM user_counts WHERE dimension = 'gender' GROUP BY dimension"
            )
            #expect(aggregates.error == nil)
            #expect(aggregates.columnTypes == ["varchar", "bigint"])
            #expect(aggregates.rows == [[.string("gender"), .integer(5)]])
        }
    }

    @Test("writes are refused with NOT_SUPPORTED")
    func writesRefused() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            for sql in [
                "INSERT INTO created_users (id) VALUES ('x')", "UPDATE created_users SET age = 1",
                "DELETE FROM created_users", "CREATE TABLE t (a bigint)", "DROP TABLE created_users",
                "ALTER TABLE created_users ADD COLUMN x varchar", "TRUNCATE TABLE created_users",
                "MERGE INTO created_users USING x ON true WHEN MATCHED THEN DELETE",
            ] {
                let result = try await manager.run(sql)
                #expect(result.error?.errorName == "NOT_SUPPORTED", "\(sql)")
                #expect(result.error?.errorCode == 13, "\(sql)")
                #expect(result.responses.count == 1, "\(sql)")
                #expect(result.responses.first?.results.nextUri == nil, "\(sql)")
            }
            #expect(try await fixture.store.userCount() == 5)
        }
    }

    @Test("syntax errors are SYNTAX_ERROR with a line and column")
    func syntaxErrors() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let typo = try await manager.run("SELEC gender FROM created_users")
            #expect(typo.error?.errorName == "SYNTAX_ERROR")
            #expect(typo.error?.errorType == "USER_ERROR")
            #expect(typo.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 1))
            #expect(typo.error?.message.hasPrefix("line 1:1: mismatched input 'SELEC'") == true)

            let unterminated = try await manager.run("SELECT gender\nFROM created_users\nWHERE nat = 'FR")
            #expect(unterminated.error?.errorName == "SYNTAX_ERROR")
            #expect(unterminated.error?.errorLocation == ErrorLocation(lineNumber: 3, columnNumber: 13))

            let sqliteSyntax = try await manager.run("SELECT gender FROM created_users WHERE ORDER BY gender")
            #expect(sqliteSyntax.error?.errorName == "SYNTAX_ERROR")
            #expect(sqliteSyntax.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 40))

            let parentheses = try await manager.run("SELECT count(* FROM created_users")
            #expect(parentheses.error?.errorName == "SYNTAX_ERROR")
            #expect(parentheses.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 13))

            let twoStatements = try await manager.run("SELECT 1; SELECT 2")
            #expect(twoStatements.error?.errorName == "SYNTAX_ERROR")
            #expect(twoStatements.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 9))
        }
    }

    @Test("unknown tables, schemas, catalogs, columns and functions get Trino's error names")
    func resolutionErrors() async throws {
        try await withTrinoTestStore { fixture in
            let manager = fixture.manager()
            let table = try await manager.run("SELECT * FROM job_runs")
            #expect(table.error?.errorName == "TABLE_NOT_FOUND")
            #expect(table.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 15))
            #expect(try await manager.run("SELECT * FROM main.job_runs").error?.errorName == "SCHEMA_NOT_FOUND")
            #expect(try await manager.run("SELECT * FROM hive.default.t").error?.errorName == "CATALOG_NOT_FOUND")
            let column = try await manager.run("SELECT nope FROM created_users")
            #expect(column.error?.errorName == "COLUMN_NOT_FOUND")
            #expect(column.error?.errorLocation == ErrorLocation(lineNumber: 1, columnNumber: 8))
            let function = try await manager.run("SELECT frobnicate(age) FROM created_users")
            #expect(function.error?.errorName == "FUNCTION_NOT_FOUND")
        }
    }

    @Test("the catalog's tables match the store's schema, column for column")
    func catalogMatchesStore() async throws {
        try await withTrinoTestStore { fixture in
            let catalog = TrinoCatalog()
            for table in catalog.tables {
                let info = try await fixture.store.query(
                    "SELECT name, type FROM pragma_table_info('\(table.name)', 'spark_streams')",
                    limit: 100
                )
                #expect(info.rows.map { $0[0] } == table.columns.map(\.name), "\(table.name)")
                for (row, column) in zip(info.rows, table.columns) {
                    let expected: Set<TrinoType> =
                        switch row[1] {
                        case "TEXT": [.varchar, .uuid, .timestamp3WithTimeZone]
                        case "INTEGER": [.bigint, .integer]
                        case "REAL": [.double]
                        default: []
                        }
                    #expect(expected.contains(column.type), "\(table.name).\(column.name)")
                }
            }
        }
    }
}
