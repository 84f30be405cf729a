import Foundation
import Logging
import SQLiteStore
import Synchronization
import Testing
import UserStreamCore

@testable import TrinoFrontEnd

/// A real `SQLiteStore` in a temporary directory holding five known users, and a query manager over it.
struct TrinoTestStore {
    let directory: String
    let store: SQLiteStore

    static let baseURL = "http://localhost:8080"

    /// `(gender, nat, age, ingested_at)` of the five users.
    static let users: [(String, String?, Int?, String)] = [
        ("female", "FR", 30, "2024-05-01T12:00:05.000Z"),
        ("male", "DE", 41, "2024-05-01T12:00:40.500Z"),
        ("female", "FR", 25, "2024-05-01T12:01:10.000Z"),
        ("female", nil, nil, "2024-05-01T12:02:00.000Z"),
        ("male", "US", 60, "2024-05-06T13:00:00.000Z"),
    ]

    static func userID(_ index: Int) -> String {
        "00000000-0000-4000-a000-00000000000\(index)"
    }

    init() async throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("userstream-trino-tests-\(UUID().uuidString)").path
        var logger = Logger(label: "userstream.trino.tests")
        logger.logLevel = .warning
        store = try SQLiteStore(configuration: SQLiteStoreConfiguration(directory: directory), logger: logger)
        let records = Self.users.enumerated().map { index, user in
            IncomingUser(
                record: UserRecord(
                    id: Self.userID(index),
                    firstName: "First\(index)",
                    lastName: "O'Last\(index)",
                    gender: user.0,
                    address: "\(index) Main Street, City, State, Country",
                    postCode: "1000\(index)",
                    email: "user\(index)@example.com",
                    username: "user\(index)",
                    dob: "1990-01-0\(index + 1)T00:00:00.000Z",
                    registeredDate: "2015-06-0\(index + 1)T10:20:30.000Z",
                    phone: "01-234-\(index)",
                    picture: "https://randomuser.me/api/portraits/med/women/\(index).jpg",
                    nat: user.1,
                    country: user.1.map { "Country \($0)" },
                    city: "City",
                    state: "State",
                    age: user.2,
                    latitude: 10.5 + Double(index),
                    longitude: -20.25,
                    cell: "07\(index)",
                    ingestedAt: user.3
                ),
                runID: "manual__2024-05-01T12:00:00+00:00"
            )
        }
        try await store.commit(
            StoreBatch(
                group: "userstream",
                topic: "users_created",
                users: records,
                deadLetteredByRun: [:],
                nextOffsets: [0: Int64(records.count)],
                batchID: "userstream/users_created/0:0-\(records.count)"
            )
        )
    }

    func manager(
        _ configuration: TrinoQueryManagerConfiguration = TrinoQueryManagerConfiguration(),
        now: (@Sendable () -> Duration)? = nil
    ) -> TrinoQueryManager {
        var logger = Logger(label: "userstream.trino.tests")
        logger.logLevel = .warning
        return TrinoQueryManager(executor: store, configuration: configuration, logger: logger, now: now)
    }

    func remove() async {
        try? await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Runs `body` with a fresh ``TrinoTestStore`` and removes it (store, directory) before returning, also when `body`
/// throws; the body's error is rethrown.
func withTrinoTestStore<Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TrinoTestStore) async throws -> Result
) async throws -> Result {
    let fixture = try await TrinoTestStore()
    let result: Result
    do {
        result = try await body(fixture)
    } catch {
        await fixture.remove()
        throw error
    }
    await fixture.remove()
    return result
}

/// The session Superset and the seeds use: `trino://trino@host:8080/cassandra/spark_streams`.
let sparkStreams = TrinoSession(user: "trino", catalog: "cassandra", schema: "spark_streams", source: "tests")

/// A whole query as a client sees it: every page followed to the end.
struct ClientResult {
    var columns: [Column]?
    var rows: [[TrinoValue]] = []
    var error: QueryError?
    var responses: [TrinoResponse] = []
    var updateType: String?

    var columnNames: [String] { columns?.map(\.name) ?? [] }
    var columnTypes: [String] { columns?.map(\.type) ?? [] }
}

extension TrinoQueryManager {
    /// Submits `sql` and follows `nextUri` until the last page, like the `trino` Python client does.
    func run(_ sql: String, session: TrinoSession = sparkStreams) async throws -> ClientResult {
        var result = ClientResult()
        var response = submit(sql: sql, session: session, baseURL: TrinoTestStore.baseURL)
        while true {
            result.responses.append(response)
            let page = response.results
            if let columns = page.columns { result.columns = columns }
            result.rows += page.data ?? []
            if let error = page.error { result.error = error }
            if let updateType = page.updateType { result.updateType = updateType }
            guard let nextUri = page.nextUri else { break }
            let path = try #require(TrinoStatementPath(path: String(nextUri.dropFirst(TrinoTestStore.baseURL.count))))
            response = try await next(
                queryID: path.queryID,
                slug: path.slug,
                token: path.token,
                baseURL: TrinoTestStore.baseURL
            )
        }
        return result
    }
}

/// A clock the tests move by hand.
final class ManualClock: Sendable {
    private let time = Mutex<Duration>(.zero)

    var now: @Sendable () -> Duration { { [self] in time.withLock { $0 } } }

    func advance(_ duration: Duration) {
        time.withLock { $0 += duration }
    }
}

/// Parses JSON text or data into Foundation objects, for comparisons that ignore key order and whitespace.
func jsonObject(_ data: Data) throws -> NSObject {
    try #require(JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? NSObject)
}

func jsonObject(_ text: String) throws -> NSObject {
    try jsonObject(Data(text.utf8))
}
