import Foundation
import HTTPServer
import Hummingbird
import HummingbirdTesting
import Logging
import SQLiteStore
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

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
