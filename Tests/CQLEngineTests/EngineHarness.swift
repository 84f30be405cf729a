import CQLWire
import Foundation
import Logging
import SQLiteStore
import UserStreamCore

@testable import CQLEngine

/// A store in a fresh temporary directory with an engine on it; `close()` removes everything.
final class EngineHarness: @unchecked Sendable {
    let directory: String
    private(set) var store: SQLiteStore
    private(set) var engine: CQLEngine
    var session = CQLSession()
    let configuration: CQLEngineConfiguration

    static let logger: Logger = {
        var logger = Logger(label: "userstream.cql.tests")
        logger.logLevel = .warning
        return logger
    }()

    init(configuration: CQLEngineConfiguration = CQLEngineConfiguration()) throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("userstream-cql-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.configuration = configuration
        store = try SQLiteStore(configuration: Self.storeConfiguration(directory), logger: Self.logger)
        engine = try CQLEngine(store: store, configuration: configuration, logger: Self.logger)
    }

    /// Closes and reopens the store and the engine on the same directory.
    static func storeConfiguration(_ directory: String) -> SQLiteStoreConfiguration {
        SQLiteStoreConfiguration(directory: directory).attaching(CQLEngine.storeAttachment)
    }

    func restart() async throws {
        try await store.close()
        store = try SQLiteStore(configuration: Self.storeConfiguration(directory), logger: Self.logger)
        engine = try CQLEngine(store: store, configuration: configuration, logger: Self.logger)
        session = CQLSession()
    }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    func run(
        _ query: String,
        _ values: [CQLBoundValue] = [],
        names: [String]? = nil,
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil
    ) async throws -> CQLEngineResult {
        try await engine.execute(
            query,
            values: values,
            names: names,
            session: &session,
            options: CQLExecutionOptions(pageSize: pageSize, pagingState: pagingState)
        )
    }

    /// The rows of a SELECT (all pages unless `pageSize` is given: then only the first).
    func rows(_ query: String, _ values: [CQLBoundValue] = []) async throws -> [[CQLValue]] {
        guard case .rows(_, let rows, _) = try await run(query, values) else {
            throw TestFailure("not rows: \(query)")
        }
        return rows
    }

    func columns(_ query: String) async throws -> [CQLColumnSpec] {
        guard case .rows(let columns, _, _) = try await run(query) else { throw TestFailure("not rows: \(query)") }
        return columns
    }

    /// The CQL error a statement fails with.
    func error(_ query: String, _ values: [CQLBoundValue] = []) async -> CQLEngineError? {
        do {
            _ = try await run(query, values)
            return nil
        } catch let error as CQLEngineError {
            return error
        } catch {
            return CQLEngineError(.serverError, "unexpected \(error)")
        }
    }
}

/// Runs `body` with a fresh ``EngineHarness`` and closes it (store, directory) before returning, also when `body`
/// throws; the body's error is rethrown.
func withEngineHarness<Result>(
    configuration: CQLEngineConfiguration = CQLEngineConfiguration(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (EngineHarness) async throws -> Result
) async throws -> Result {
    let harness = try EngineHarness(configuration: configuration)
    let result: Result
    do {
        result = try await body(harness)
    } catch {
        await harness.close()
        throw error
    }
    await harness.close()
    return result
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Bound values as a client encodes them.
func bound(_ value: CQLValue, _ type: CQLType) -> CQLBoundValue {
    try! CQLBoundValue(encoding: value, as: type)
}

/// Test users for the native table, as the pipeline's commit writes them.
enum Users {
    static func id(_ i: Int) -> String {
        let hex = String(i, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    static func record(_ i: Int) -> UserRecord {
        UserRecord(
            id: id(i),
            firstName: "First\(i)",
            lastName: "Last\(i)",
            gender: i % 2 == 0 ? "female" : "male",
            address: "\(i) Main Street, Lyon, Rhône, France",
            postCode: "690\(i % 100)",
            email: "user\(i)@example.com",
            username: "user\(i)",
            dob: "1990-01-01T00:00:00.000Z",
            registeredDate: "2020-01-01T00:00:00.000Z",
            phone: "01-23-45-67-\(i % 100)",
            picture: "https://randomuser.me/api/portraits/med/women/\(i % 100).jpg",
            nat: "FR",
            country: "France",
            city: "Lyon",
            state: "Rhône",
            age: 30 + i % 40,
            latitude: 45.75,
            longitude: 4.85,
            cell: "06-\(i)",
            ingestedAt: "2024-05-01T12:00:00.000Z"
        )
    }

    static func batch(_ range: Range<Int>) -> StoreBatch {
        StoreBatch(
            group: "userstream",
            topic: "users_created",
            users: range.map { IncomingUser(record: record($0), runID: "run-1") },
            deadLetteredByRun: [:],
            nextOffsets: [0: Int64(range.upperBound)],
            batchID: "userstream/users_created/0:\(range.lowerBound)-\(range.upperBound)"
        )
    }
}
