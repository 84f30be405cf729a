import SQLiteStore
import Testing
import UserStreamContracts

@Suite("SQLiteStore passes the UserStore contract")
struct SQLiteStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path + "/store"
        try await check.run {
            try SQLiteStore(configuration: SQLiteStoreConfiguration(directory: path), logger: quietLogger)
        }
    }
}
