import Foundation
import GRDB
import Testing
import UserStreamContracts
import UserStreamCore

@testable import SQLiteStore

@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test("WAL mode and synchronous=FULL on both schemas of the writer")
    func pragmas() async throws {
        try await withStore { store, _ in
            let values = try await store.pool.writeWithoutTransaction { db in
                try ["main", "spark_streams"].map { schema in
                    (
                        try String.fetchOne(db, sql: "PRAGMA \(schema).journal_mode"),
                        try Int.fetchOne(db, sql: "PRAGMA \(schema).synchronous")
                    )
                }
            }
            for (mode, synchronous) in values {
                #expect(mode == "wal")
                #expect(synchronous == 2)  // FULL
            }
        }
    }

    @Test("both files exist, with the keyspace's tables in the keyspace file")
    func files() async throws {
        try await withStore { store, directory in
            let configuration = store.configuration
            #expect(configuration.mainDatabasePath == directory + "/userstream.sqlite")
            #expect(configuration.keyspaceDatabasePath == directory + "/spark_streams.sqlite")
            let tables = try await store.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM spark_streams.sqlite_schema WHERE type = 'table' ORDER BY name"
                )
            }
            #expect(tables == ["consumer_offsets", "created_users", "run_stats", "user_counts"])
            let mainTables = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name")
            }
            #expect(mainTables.contains("job_runs"))
            #expect(!mainTables.contains("created_users"))
        }
    }

    @Test("spark_streams.created_users is a real SQL name, with the seeds' columns in order")
    func sqlName() async throws {
        try await withStore { store, _ in
            try await store.commit(StoreFixtures.batch(0..<3))
            let result = try await store.query("SELECT * FROM spark_streams.created_users ORDER BY rowid", limit: 10)
            #expect(result.columns == UserRecord.columnNames)
            #expect(result.rows.count == 3)
            #expect(result.rows.first?.first == StoreFixtures.id(0))
            let newest = try await store.query(
                "SELECT id FROM spark_streams.created_users ORDER BY rowid DESC LIMIT 1",
                limit: 10
            )
            #expect(newest.rows == [[StoreFixtures.id(2)]])
        }
    }

    @Test("aggregates equal GROUP BY over the rows after commits with changing duplicates")
    func aggregatesMatchGroupBy() async throws {
        try await withStore { store, _ in
            var random = SplitMix64(seed: 7)
            for round in 0..<30 {
                var users: [IncomingUser] = []
                for _ in 0..<(Int(random.next() % 200)) {
                    var user = StoreFixtures.user(Int(random.next() % 1_000))
                    if random.next() % 3 == 0 { user.gender = user.gender == "male" ? "female" : "male" }
                    if random.next() % 4 == 0 { user.age = Int(random.next() % 100) }
                    if random.next() % 9 == 0 { user.nat = nil }
                    users.append(IncomingUser(record: user, runID: "run\(round % 3)"))
                }
                try await store.commit(
                    StoreBatch(
                        group: "g",
                        topic: "users_created",
                        users: users,
                        deadLetteredByRun: [:],
                        nextOffsets: [0: Int64(round)],
                        batchID: "\(round)"
                    )
                )
            }
            let expressions: [(AggregateDimension, String)] = [
                (.total, "'all'"), (.gender, "gender"), (.nat, "coalesce(nat, 'unknown')"),
                (.ageBucket, AggregateBuckets.ageBucketSQL),
            ]
            for (dimension, expression) in expressions {
                let expected = try await store.pool.read { db in
                    let rows = try Row.fetchAll(
                        db,
                        sql: "SELECT \(expression), count(*) FROM spark_streams.created_users GROUP BY 1"
                    )
                    return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
                }
                #expect(try await store.aggregateTotals(dimension) == expected, "\(dimension)")
            }
            let perMinuteTotal = try await store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT sum(count) FROM spark_streams.user_counts WHERE dimension = 'total'")
            }
            #expect(perMinuteTotal == (try await store.userCount()))
            // Every row's minute comes from its ingested_at.
            let minutesMatch = try await store.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT CAST(strftime('%s', ingested_at) AS INTEGER) / 60 AS minute, count(*)
                        FROM spark_streams.created_users GROUP BY 1 ORDER BY 1
                        """
                ).map { [$0[0] as Int64, $0[1] as Int64] }
            }
            let counted = try await store.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT minute, count FROM spark_streams.user_counts WHERE dimension = 'total' AND count != 0
                        ORDER BY 1
                        """
                ).map { [$0[0] as Int64, $0[1] as Int64] }
            }
            #expect(minutesMatch == counted)
        }
    }

    @Test("a read-only store in the same process reads while a writer commits")
    func readerWhileWriting() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let writer = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        try await writer.commit(StoreFixtures.batch(0..<100))
        let reader = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path, readOnly: true),
            logger: quietLogger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for start in stride(from: 100, to: 2_100, by: 100) {
                    try await writer.commit(StoreFixtures.batch(start..<(start + 100)))
                }
            }
            group.addTask {
                var last = 0
                for _ in 0..<50 {
                    let count = try await reader.userCount()
                    #expect(count >= last && count % 100 == 0, "readers see whole commits only")
                    last = count
                    _ = try await reader.query("SELECT count(*) FROM spark_streams.created_users", limit: 1)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await reader.userCount() == 2_100)
        await #expect(throws: StoreError.self) { try await reader.commit(StoreFixtures.batch(5_000..<5_001)) }
        try await reader.close()
        try await writer.close()
    }

    @Test("two writer stores on the same directory both commit (busy timeout)")
    func twoWriters() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let first = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        let second = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask {
                    for round in 0..<20 {
                        let start = index * 100_000 + round * 500
                        try await store.commit(StoreFixtures.batch(start..<(start + 500), group: "g\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await first.userCount() == 20_000)
        #expect(try await second.aggregateTotals(.total) == ["all": 20_000])
        #expect(try await first.committedOffsets(group: "g1", topic: "users_created") == [0: 110_000])
        try await first.close()
        try await second.close()
    }

    @Test("opening read-only where nothing was written says there is no data yet")
    func readOnlyWithoutData() throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path + "/missing/store"
        let error = #expect(throws: StoreError.self) {
            try SQLiteStore(
                configuration: SQLiteStoreConfiguration(directory: path, readOnly: true),
                logger: quietLogger
            )
        }
        #expect(error?.code == .noData)
        #expect(error?.message.contains("no data yet at \(path)") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a writable store creates its directory")
    func createsDirectory() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path + "/data/store"
        let store = try SQLiteStore(configuration: SQLiteStoreConfiguration(directory: path), logger: quietLogger)
        #expect(FileManager.default.fileExists(atPath: path + "/spark_streams.sqlite"))
        #expect(FileManager.default.fileExists(atPath: path + "/userstream.sqlite"))
        try await store.close()
        let reopened = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: path, readOnly: true),
            logger: quietLogger
        )
        #expect(try await reopened.userCount() == 0)
        try await reopened.close()
    }

    @Test("query renders cells as SQLite does and refuses what is not a single read")
    func queryCells() async throws {
        try await withStore { store, _ in
            let result = try await store.query(
                "SELECT 1 AS i, 2.5 AS r, 1.0 AS whole, x'00ff10' AS b, NULL AS n, 'héllo' AS t, '' AS e",
                limit: 5
            )
            #expect(result.columns == ["i", "r", "whole", "b", "n", "t", "e"])
            #expect(result.rows == [["1", "2.5", "1.0", "00ff10", nil, "héllo", ""]])

            let refused: [(String, StoreError.Code)] = [
                ("", .invalidQuery),
                ("  -- nothing\n", .invalidQuery),
                ("SELECT 1; SELECT 2", .invalidQuery),
                ("INSERT INTO spark_streams.run_stats (run_id) VALUES ('x')", .readOnlyQuery),
                ("/* sneaky */ DELETE FROM spark_streams.created_users", .readOnlyQuery),
                ("WITH x AS (SELECT 1) DELETE FROM spark_streams.created_users", .readOnlyQuery),
                ("DETACH spark_streams", .readOnlyQuery),
                ("ATTACH '/tmp/x.sqlite' AS x", .readOnlyQuery),
                ("BEGIN", .readOnlyQuery),
                ("SELEKT 1", .readOnlyQuery),
                ("SELECT * FROM no_such_table", .invalidQuery),
            ]
            for (text, code) in refused {
                let error = await #expect(throws: StoreError.self, "\(text)") { try await store.query(text, limit: 5) }
                #expect(error?.code == code, "\(text): \(String(describing: error))")
            }
            // Empty is empty; a statement that does not start with a keyword says what it found.
            let empty = await #expect(throws: StoreError.self) { try await store.query("  -- nothing\n", limit: 5) }
            #expect(empty?.message == "query: empty statement")
            let numeric = await #expect(throws: StoreError.self) { try await store.query(" 00", limit: 5) }
            #expect(numeric?.code == .invalidQuery)
            #expect(numeric?.message == "query: a statement starts with a keyword such as SELECT, not '00'")
            // The reader connections still see the keyspace afterwards.
            #expect(try await store.query("SELECT count(*) FROM spark_streams.created_users", limit: 1).rows == [["0"]])
            #expect(try await store.query("PRAGMA spark_streams.table_info(user_counts)", limit: 10).rows.count == 4)
        }
    }

    @Test("errors carry SQLite's message; a closed store says so")
    func errors() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        let error = await #expect(throws: StoreError.self) {
            try await store.query("SELECT nope FROM spark_streams.created_users", limit: 1)
        }
        #expect(error?.message.contains("no such column: nope") == true)
        try await store.close()
        let closed = await #expect(throws: StoreError.self) { try await store.userCount() }
        #expect(closed?.code == .closed)
        #expect(throws: StoreError.self) {
            try SQLiteStore(configuration: SQLiteStoreConfiguration(directory: directory.path, keyspace: "bad name"))
        }
    }

    @Test("the schema rejects what the model forbids")
    func schemaConstraints() async throws {
        try await withStore { store, _ in
            try await store.pool.write { db in
                let columns = UserRecord.columnNames.joined(separator: ", ")
                let values = Array(repeating: "'x'", count: UserRecord.columnNames.count)
                var withNullPicture = values
                withNullPicture[11] = "NULL"
                #expect(throws: DatabaseError.self) {
                    try db.execute(
                        sql:
                            "INSERT INTO spark_streams.created_users (\(columns)) VALUES (\(withNullPicture.joined(separator: ", ")))"
                    )
                }
                var withTextAge = values
                withTextAge[16] = "'old'"
                #expect(throws: DatabaseError.self) {
                    try db.execute(
                        sql:
                            "INSERT INTO spark_streams.created_users (\(columns)) VALUES (\(withTextAge.joined(separator: ", ")))"
                    )
                }
            }
        }
    }

    @Test("a commit that fails part-way leaves nothing behind: rows, aggregates, stats and offsets roll back together")
    func commitIsAtomic() async throws {
        try await withStore { store, _ in
            try await store.commit(StoreFixtures.batch(0..<10, runID: "r"))
            // The offsets are written last; a negative offset violates their CHECK constraint.
            let failing = StoreFixtures.batch(5..<20, runID: "r", nextOffsets: [0: 20, 1: -1])
            let error = await #expect(throws: StoreError.self) { try await store.commit(failing) }
            #expect(error?.message.contains("CHECK constraint failed") == true)
            #expect(try await store.userCount() == 10)
            #expect(try await store.aggregateTotals(.total) == ["all": 10])
            #expect(try await store.committedOffsets(group: "userstream", topic: "users_created") == [0: 10])
            let stats = try await store.query(
                "SELECT stored, duplicates FROM spark_streams.run_stats WHERE run_id = 'r'",
                limit: 5
            )
            #expect(stats.rows == [["10", "0"]])
            // The store is still usable, and its cached statements too.
            #expect(
                try await store.commit(StoreFixtures.batch(5..<20, runID: "r"))
                    == StoreCommitResult(inserted: 10, duplicates: 5)
            )
        }
    }

    @Test("age buckets")
    func ageBuckets() {
        #expect(AggregateBuckets.ageBucket(nil) == "unknown")
        #expect(AggregateBuckets.ageBucket(0) == "<20")
        #expect(AggregateBuckets.ageBucket(19) == "<20")
        #expect(AggregateBuckets.ageBucket(20) == "20-29")
        #expect(AggregateBuckets.ageBucket(69) == "60-69")
        #expect(AggregateBuckets.ageBucket(70) == "70+")
        #expect(AggregateBuckets.ageBucket(120) == "70+")
        #expect(AggregateBuckets.minute(milliseconds: 119_999) == 1)
        #expect(AggregateBuckets.minute(milliseconds: -1) == -1)
    }

    private func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(
            configuration: SQLiteStoreConfiguration(directory: directory.path),
            logger: quietLogger
        )
        do {
            try await body(store, directory.path)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
