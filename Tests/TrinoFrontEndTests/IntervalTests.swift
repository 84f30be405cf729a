import Testing

@testable import TrinoFrontEnd

/// Interval literals, their arithmetic with timestamps and dates, and `ingested_at` as
/// `timestamp(3) with time zone`: what Superset's Trino engine emits for its time grains and time-range filters.
@Suite struct IntervalTests {
    private func values(
        _ sql: String
    ) async throws -> (types: [String], rows: [[TrinoValue]], error: String?, columnNames: [String]) {
        let fixture = try await TrinoTestStore()
        defer { Task { await fixture.remove() } }
        let result = try await fixture.manager().run(sql)
        return (
            result.columnTypes, result.rows, result.error.map { "\($0.errorName): \($0.message)" }, result.columnNames
        )
    }

    @Test("interval literals parse: day-time in milliseconds, year-month in months, signs, TO qualifiers")
    func literals() throws {
        func parse(_ sql: String) throws -> TrinoInterval {
            try TrinoInterval.parse(try SQLLexer.tokenize(sql), at: 0).0
        }
        #expect(try parse("INTERVAL '5' MINUTE") == TrinoInterval(kind: .dayToSecond, amount: 300_000))
        #expect(try parse("interval '1.5' second") == TrinoInterval(kind: .dayToSecond, amount: 1500))
        #expect(try parse("INTERVAL -'2' DAY") == TrinoInterval(kind: .dayToSecond, amount: -172_800_000))
        #expect(try parse("INTERVAL '-6' HOUR") == TrinoInterval(kind: .dayToSecond, amount: -21_600_000))
        #expect(
            try parse("INTERVAL '1 02:03:04.5' DAY TO SECOND")
                == TrinoInterval(kind: .dayToSecond, amount: 86_400_000 + 7_384_500)
        )
        #expect(try parse("INTERVAL '3' MONTH") == TrinoInterval(kind: .yearToMonth, amount: 3))
        #expect(try parse("INTERVAL '1-6' YEAR TO MONTH") == TrinoInterval(kind: .yearToMonth, amount: 18))
        #expect(throws: TrinoQueryFailure.self) { try parse("INTERVAL 'five' MINUTE") }
        #expect(throws: TrinoQueryFailure.self) { try parse("INTERVAL '5' WEEK") }
        #expect(throws: TrinoQueryFailure.self) { try parse("INTERVAL '1 02' DAY TO SECOND") }
    }

    @Test("timestamp ± interval, interval * n, and the results' types")
    func arithmetic() async throws {
        let result = try await values(
            """
            SELECT TIMESTAMP '2024-05-01 12:07:33.250' - INTERVAL '5' MINUTE,
                   TIMESTAMP '2024-05-01 12:07:33.250' + interval '1' minute * (minute(TIMESTAMP '2024-05-01 12:07:00') % 5),
                   2 * INTERVAL '1' HOUR + TIMESTAMP '2024-05-01 23:30:00',
                   TIMESTAMP '2024-05-01 12:00:00' + INTERVAL '1.5' SECOND,
                   DATE '2024-05-01' + INTERVAL '3' DAY,
                   TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '1 02:00:00' DAY TO SECOND - INTERVAL '30' MINUTE
            """
        )
        #expect(result.error == nil)
        #expect(
            result.types == ["timestamp(3)", "timestamp(3)", "timestamp(3)", "timestamp(3)", "date", "timestamp(3)"]
        )
        #expect(
            result.rows == [
                [
                    .string("2024-05-01 12:02:33.250"), .string("2024-05-01 12:09:33.250"),
                    .string("2024-05-02 01:30:00.000"), .string("2024-05-01 12:00:01.500"), .string("2024-05-04"),
                    .string("2024-05-02 01:30:00.000"),
                ]
            ]
        )
    }

    @Test("interval / n, chained intervals, intervals in WHERE, BETWEEN and ORDER BY, aliases after an interval")
    func positions() async throws {
        let result = try await values(
            """
            SELECT TIMESTAMP '2024-05-01 12:00:00' + INTERVAL '1' HOUR / 4 AS quarter_hour,
                   TIMESTAMP '2024-05-01 12:00:00' + INTERVAL '1' DAY - INTERVAL '2' HOUR + INTERVAL '1' MONTH next,
                   count(*) AS n
            FROM created_users
            WHERE CAST(ingested_at AS TIMESTAMP) BETWEEN TIMESTAMP '2024-05-06 13:00:00' - INTERVAL '6' DAY
                AND TIMESTAMP '2024-05-01 12:00:00' + INTERVAL '1' MINUTE
              AND ingested_at < TIMESTAMP '2024-05-01 12:00:00' + interval '40' second
            ORDER BY TIMESTAMP '2024-05-01 12:00:00' - INTERVAL '1' DAY
            """
        )
        #expect(result.error == nil)
        #expect(result.columnNames == ["quarter_hour", "next", "n"])
        #expect(result.types == ["timestamp(3)", "timestamp(3)", "bigint"])
        #expect(
            result.rows == [[.string("2024-05-01 12:15:00.000"), .string("2024-06-02 10:00:00.000"), .integer(1)]]
        )
    }

    @Test("year-month intervals and date_add clamp to the month's last day, like Trino")
    func months() async throws {
        let result = try await values(
            """
            SELECT TIMESTAMP '2024-01-31 10:00:00' + INTERVAL '1' MONTH,
                   DATE '2024-03-31' - INTERVAL '1' MONTH,
                   TIMESTAMP '2023-05-15 08:00:00' + INTERVAL '1-9' YEAR TO MONTH,
                   date_add('month', 1, TIMESTAMP '2023-01-31 00:00:00'),
                   date_add('quarter', -1, DATE '2024-05-31'),
                   date_diff('month', TIMESTAMP '2024-01-31 00:00:00', TIMESTAMP '2024-03-30 00:00:00'),
                   date_diff('year', DATE '2020-06-01', DATE '2024-05-31'),
                   date_diff('quarter', DATE '2024-12-31', DATE '2024-01-01')
            """
        )
        #expect(result.error == nil)
        #expect(
            result.rows == [
                [
                    .string("2024-02-29 10:00:00.000"), .string("2024-02-29"), .string("2025-02-15 08:00:00.000"),
                    .string("2023-02-28 00:00:00.000"), .string("2024-02-29"), .integer(1), .integer(3), .integer(-3),
                ]
            ]
        )
    }

    @Test("every Superset time grain for Trino (presto.py's _time_grain_expressions) on ingested_at")
    func supersetGrains() async throws {
        // The fixture's times: 12:00:05, 12:00:40.5, 12:01:10, 12:02:00 on Wednesday 2024-05-01, 13:00:00 on
        // Monday 2024-05-06.
        let column = "CAST(ingested_at AS TIMESTAMP)"
        let grains: [(String, [String])] = [
            (
                "date_trunc('second', \(column)) - interval '1' second * (second(\(column)) % 5)",
                [
                    "2024-05-01 12:00:05.000", "2024-05-01 12:00:40.000", "2024-05-01 12:01:10.000",
                    "2024-05-01 12:02:00.000", "2024-05-06 13:00:00.000",
                ]
            ),
            (
                "date_trunc('second', \(column)) - interval '1' second * (second(\(column)) % 30)",
                [
                    "2024-05-01 12:00:00.000", "2024-05-01 12:00:30.000", "2024-05-01 12:01:00.000",
                    "2024-05-01 12:02:00.000", "2024-05-06 13:00:00.000",
                ]
            ),
            (
                "date_trunc('minute', \(column)) - interval '1' minute * (minute(\(column)) % 5)",
                ["2024-05-01 12:00:00.000", "2024-05-06 13:00:00.000"]
            ),
            (
                "date_trunc('hour', \(column)) - interval '1' hour * (hour(\(column)) % 6)",
                ["2024-05-01 12:00:00.000", "2024-05-06 12:00:00.000"]
            ),
            (
                "date_trunc('week', \(column) + interval '1' day) - interval '1' day",
                ["2024-04-28 00:00:00.000", "2024-05-05 00:00:00.000"]
            ),
            (
                "date_trunc('week', \(column) + interval '1' day) + interval '5' day",
                ["2024-05-04 00:00:00.000", "2024-05-11 00:00:00.000"]
            ),
            (
                "date_trunc('week', \(column)) + interval '6' day",
                ["2024-05-05 00:00:00.000", "2024-05-12 00:00:00.000"]
            ),
        ]
        for (expression, expected) in grains {
            let result = try await values(
                "SELECT DISTINCT \(expression) AS __timestamp FROM created_users ORDER BY __timestamp"
            )
            #expect(result.error == nil, "\(expression)")
            #expect(result.types == ["timestamp(3)"], "\(expression)")
            #expect(result.rows == expected.map { [.string($0)] }, "\(expression)")
        }
    }

    @Test("ingested_at is timestamp(3) with time zone: rendered with its zone, compared as a time")
    func zonedIngestedAt() async throws {
        let fixture = try await TrinoTestStore()
        defer { Task { await fixture.remove() } }
        let manager = fixture.manager()
        let plain = try await manager.run(
            "SELECT ingested_at, ingested_at AS t FROM created_users WHERE username = 'user1'"
        )
        #expect(plain.columnTypes == ["timestamp(3) with time zone", "timestamp(3) with time zone"])
        #expect(plain.rows == [[.string("2024-05-01 12:00:40.500 UTC"), .string("2024-05-01 12:00:40.500 UTC")]])
        #expect(plain.columns?.first?.typeSignature.rawType == "timestamp with time zone")

        let star = try await manager.run("SELECT * FROM created_users WHERE username = 'user0'")
        #expect(star.columns?.last?.type == "timestamp(3) with time zone")
        #expect(star.rows.first?.last == .string("2024-05-01 12:00:05.000 UTC"))

        // Superset's time-range filter: TIMESTAMP literals with microseconds; the bounds are times, not strings
        // (`2024-05-01 12:00:40.500` sorts before `2024-05-01T12:00:40.5Z` as text but not as a time).
        let range = try await manager.run(
            """
            SELECT count(*) FROM created_users
            WHERE ingested_at >= TIMESTAMP '2024-05-01 12:00:40.500000' AND ingested_at < TIMESTAMP '2024-05-01 12:02:00.000000'
            """
        )
        #expect(range.rows == [[.integer(2)]])
        let between = try await manager.run(
            "SELECT count(*) FROM created_users WHERE ingested_at BETWEEN TIMESTAMP '2024-05-01 00:00:00 UTC' AND TIMESTAMP '2024-05-01 23:59:59 UTC'"
        )
        #expect(between.rows == [[.integer(4)]])
        // What Superset's SQL Lab sends after its SQL rewrite (upper-case units, zoned literals as casts).
        let rewritten = try await manager.run(
            """
            SELECT DATE_TRUNC('MINUTE', CAST(ingested_at AS TIMESTAMP)) - INTERVAL '1' MINUTE * (
                MINUTE(CAST(ingested_at AS TIMESTAMP)) % 15) AS t, COUNT(*) AS n
            FROM created_users
            WHERE ingested_at >= CAST('2024-05-01 12:00:40.500 UTC' AS TIMESTAMP WITH TIME ZONE)
              AND ingested_at < CAST(CAST('2024-05-06 13:00:00 UTC' AS VARCHAR) AS TIMESTAMP WITH TIME ZONE)
            GROUP BY 1
            """
        )
        #expect(rewritten.error == nil)
        #expect(rewritten.rows == [[.string("2024-05-01 12:00:00.000"), .integer(3)]])
        let zoned = try await manager.run(
            "SELECT date_trunc('hour', ingested_at), ingested_at + INTERVAL '1' DAY FROM created_users WHERE username = 'user4'"
        )
        #expect(zoned.columnTypes == ["timestamp(3) with time zone", "timestamp(3) with time zone"])
        #expect(zoned.rows == [[.string("2024-05-06 13:00:00.000 UTC"), .string("2024-05-07 13:00:00.000 UTC")]])

        let newest = try await manager.run("SELECT max(ingested_at), min(ingested_at) AS oldest FROM created_users")
        #expect(newest.columnTypes == ["timestamp(3) with time zone", "timestamp(3) with time zone"])
        #expect(newest.rows == [[.string("2024-05-06 13:00:00.000 UTC"), .string("2024-05-01 12:00:05.000 UTC")]])

        for sql in [
            "DESCRIBE created_users", "SHOW COLUMNS FROM created_users",
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'created_users'",
        ] {
            let described = try await manager.run(sql)
            #expect(described.error == nil, "\(sql)")
            let row = described.rows.first { $0.first == .string("ingested_at") }
            #expect(row?[1] == .string("timestamp(3) with time zone"), "\(sql)")
            let dob = described.rows.first { $0.first == .string("dob") }
            #expect(dob?[1] == .string("varchar"), "\(sql)")
        }
    }

    @Test("Superset's filters and metrics: IN, LIKE, IS NULL, BETWEEN, COUNT(DISTINCT), approx_distinct")
    func filtersAndMetrics() async throws {
        let result = try await values(
            """
            SELECT count(*), COUNT(DISTINCT gender), approx_distinct(nat)
            FROM created_users
            WHERE gender IN ('female', 'male') AND email LIKE 'user%' AND nat IS NOT NULL AND age BETWEEN 25 AND 60
            """
        )
        #expect(result.error == nil)
        #expect(result.types == ["bigint", "bigint", "bigint"])
        #expect(result.rows == [[.integer(4), .integer(2), .integer(3)]])
    }

    @Test("intervals that are not timestamp arithmetic fail with Trino's error names")
    func refusals() async throws {
        let alone = try await values("SELECT INTERVAL '1' DAY")
        #expect(alone.error?.hasPrefix("NOT_SUPPORTED: line 1:8:") == true)
        let reversed = try await values("SELECT INTERVAL '1' DAY - TIMESTAMP '2024-05-01 00:00:00'")
        #expect(reversed.error?.hasPrefix("TYPE_MISMATCH:") == true)
        let invalid = try await values("SELECT TIMESTAMP '2024-05-01 00:00:00' + INTERVAL 'x' DAY")
        #expect(invalid.error == "INVALID_LITERAL: line 1:42: 'x' is not a valid INTERVAL literal")
        let badTimestamp = try await values("SELECT TIMESTAMP '2024-05-01 noon'")
        #expect(badTimestamp.error == "INVALID_LITERAL: line 1:18: '2024-05-01 noon' is not a valid TIMESTAMP literal")
        let badDate = try await values("SELECT DATE 'May 1st'")
        #expect(badDate.error == "INVALID_LITERAL: line 1:13: 'May 1st' is not a valid DATE literal")
        let zone = try await values("SELECT CAST('2024-05-01 12:00:00 Europe/Paris' AS TIMESTAMP WITH TIME ZONE)")
        #expect(zone.error?.hasPrefix("NOT_SUPPORTED: line 1:13: Time zone names other than UTC") == true)
        let offsets = try await values(
            "SELECT TIMESTAMP '2024-05-01 12:00:00+02:00', TIMESTAMP '2024-05-01T12:00:00.5Z', TIMESTAMP '2024-05-01'"
        )
        #expect(
            offsets.rows == [
                [
                    .string("2024-05-01 10:00:00.000"), .string("2024-05-01 12:00:00.500"),
                    .string("2024-05-01 00:00:00.000"),
                ]
            ]
        )
        let unit = try await values("SELECT TIMESTAMP '2024-05-01 00:00:00' + INTERVAL '1' WEEK")
        #expect(unit.error?.hasPrefix("SYNTAX_ERROR: line 1:55:") == true)
    }
}
