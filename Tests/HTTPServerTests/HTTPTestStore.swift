import Foundation
import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import SQLiteStore
import UserStreamContracts
import UserStreamCore
import UserStreamTestSupport

/// A real `SQLiteStore` in a temporary directory holding `users` fixture users, and the server context over it.
struct HTTPTestStore {
    let directory: TemporaryDirectory
    let store: SQLiteStore
    let context: HTTPServerContext

    /// - Parameter keyspace: the store's keyspace (the schema Trino clients see).
    init(users: Int = 40, keyspace: String = SQLiteStoreConfiguration.defaultKeyspace) async throws {
        directory = try TemporaryDirectory()
        var logger = Logger(label: "userstream.http.tests")
        logger.logLevel = .warning
        var configuration = SQLiteStoreConfiguration(directory: directory.path + "/store")
        configuration.keyspace = keyspace
        store = try SQLiteStore(configuration: configuration, logger: logger)
        if users > 0 { try await store.commit(StoreFixtures.batch(0..<users)) }
        context = HTTPServerContext(store: store)
    }

    func application() -> some ApplicationProtocol {
        var logger = Logger(label: "userstream.http.tests")
        logger.logLevel = .warning
        return buildApplication(context, configuration: HTTPServerConfiguration(port: 0), logger: logger)
    }

    func remove() async {
        try? await store.close()
        directory.remove()
    }
}

/// Runs `body` with a fresh ``HTTPTestStore`` and removes it (store, directory) before returning, also when `body`
/// throws; the body's error is rethrown.
func withHTTPTestStore<Result>(
    users: Int = 40,
    keyspace: String = SQLiteStoreConfiguration.defaultKeyspace,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (HTTPTestStore) async throws -> Result
) async throws -> Result {
    let fixture = try await HTTPTestStore(users: users, keyspace: keyspace)
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

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
