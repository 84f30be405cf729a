import CQLWire
import SQLiteStore
import Testing
import UserStreamCore

@testable import CQLEngine

@Suite("CQL engine: the pipeline's tables")
struct NativeTableTests {
    @Test("rows the pipeline commits show through CQL")
    func committedRowsAreVisible() async throws {
        try await withEngineHarness { h in
            try await h.store.commit(Users.batch(0..<250))
            #expect(try await h.rows("SELECT count(*) FROM spark_streams.created_users") == [[.bigint(250)]])
            let user = Users.record(7)
            let rows = try await h.rows(
                "SELECT id, first_name, email, age, latitude, ingested_at FROM spark_streams.created_users WHERE id = \(user.id)"
            )
            #expect(
                rows == [
                    [
                        .uuid(CQLUUID(string: user.id)!), .text(user.firstName), .text(user.email),
                        .int(Int32(user.age!)),
                        .double(user.latitude!), .text(user.ingestedAt!),
                    ]
                ]
            )
            // cqlsh's page size over the whole table.
            var seen = 0
            var state: [UInt8]?
            repeat {
                guard
                    case .rows(let columns, let page, let next) = try await h.run(
                        "SELECT * FROM spark_streams.created_users",
                        pageSize: 100,
                        pagingState: state
                    )
                else {
                    Issue.record("not rows")
                    return
                }
                #expect(columns.count == 21)
                #expect(columns.first?.name == "id")
                seen += page.count
                state = next
            } while state != nil
            #expect(seen == 250)
            #expect(try await h.rows("SELECT * FROM spark_streams.created_users LIMIT 10").count == 10)
            let offsets = try await h.rows(
                "SELECT group_id, topic, partition, next_offset FROM spark_streams.consumer_offsets WHERE group_id = 'userstream'"
            )
            #expect(offsets == [[.text("userstream"), .text("users_created"), .int(0), .bigint(250)]])
            let stats = try await h.rows(
                "SELECT stored, duplicates FROM spark_streams.run_stats WHERE run_id = 'run-1'"
            )
            #expect(stats == [[.bigint(250), .bigint(0)]])
            let counts = try await h.rows(
                "SELECT minute, dimension, value, count FROM spark_streams.user_counts LIMIT 3"
            )
            #expect(counts.count == 3)
        }
    }

    @Test("CQL writes to created_users are what the store reads")
    func cqlWritesAreVisibleToTheStore() async throws {
        try await withEngineHarness { h in
            let id = "6f0a7d3e-1c2b-4e5f-8a9b-0c1d2e3f4a5b"
            try await h.run(
                """
                INSERT INTO spark_streams.created_users (id, first_name, last_name, gender, address, post_code, email, username,
                    dob, registered_date, phone, picture, age, latitude)
                VALUES (\(id), 'Ada', 'Lovelace', 'female', '12 St James''s Square, London, England, UK', 'SW1Y 4JH',
                    'ada@example.com', 'ada', '1815-12-10T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '555', 'https://p/1.jpg',
                    36, 51.5)
                """
            )
            let user = try await h.store.user(id: id)
            #expect(user?.firstName == "Ada")
            #expect(user?.address == "12 St James's Square, London, England, UK")
            #expect(user?.age == 36)
            #expect(user?.latitude == 51.5)
            #expect(user?.nat == nil)
            #expect(user?.ingestedAt?.hasSuffix("Z") == true)
            #expect(try await h.store.userCount() == 1)
            // A partial update of an existing user is fine: NOT NULL only matters for new rows.
            try await h.run(
                "UPDATE spark_streams.created_users SET email = 'ada@lovelace.org', nat = 'GB' WHERE id = \(id)"
            )
            try await h.run("INSERT INTO spark_streams.created_users (id, city) VALUES (\(id), 'London')")
            let updated = try await h.store.user(id: id)
            #expect(updated?.email == "ada@lovelace.org")
            #expect(updated?.nat == "GB")
            #expect(updated?.city == "London")
            #expect(updated?.firstName == "Ada")

            let missing = await h.error(
                "INSERT INTO spark_streams.created_users (id, first_name) VALUES (uuid(), 'Bob')"
            )
            #expect(missing?.code == .invalid)
            #expect(
                missing?.message
                    == "Missing mandatory column last_name: spark_streams.created_users stores it NOT NULL, so an INSERT of a new row must give it"
            )
            let nulled = await h.error("UPDATE spark_streams.created_users SET email = null WHERE id = \(id)")
            #expect(
                nulled?.message
                    == "Column email of spark_streams.created_users cannot be null: the store keeps it NOT NULL"
            )
            let deleted = await h.error("DELETE email FROM spark_streams.created_users WHERE id = \(id)")
            #expect(
                deleted?.message
                    == "Column email of spark_streams.created_users cannot be deleted: the store keeps it NOT NULL"
            )
            #expect(
                await h.error(
                    "INSERT INTO spark_streams.consumer_offsets (group_id, topic, partition, next_offset, batch_id) VALUES ('g', 't', 0, 5, 'b')"
                )?.message
                    == "Missing mandatory column committed_at: spark_streams.consumer_offsets stores it NOT NULL, so an INSERT of a new row must give it"
            )
            // run_stats counters default to 0 in the store.
            try await h.run("INSERT INTO spark_streams.run_stats (run_id) VALUES ('manual')")
            #expect(
                try await h.rows(
                    "SELECT stored, duplicates, dead_lettered FROM spark_streams.run_stats WHERE run_id = 'manual'"
                ) == [[.bigint(0), .bigint(0), .bigint(0)]]
            )

            try await h.run("DELETE FROM spark_streams.created_users WHERE id = \(id)")
            #expect(try await h.store.user(id: id) == nil)
            // The pipeline keeps committing while CQL reads.
            try await h.store.commit(Users.batch(0..<10))
            #expect(try await h.rows("SELECT count(*) FROM spark_streams.created_users") == [[.bigint(10)]])
        }
    }
}
