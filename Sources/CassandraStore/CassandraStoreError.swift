/// An error from `CassandraStore` that is not the client's (those are `CQLClientError`s, thrown as they are).
public struct CassandraStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is. A struct rather than an enum so that codes can be added without breaking clients.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case invalidKeyspace = "invalid_keyspace"
            case readOnlyQuery = "read_only_query"
            case invalidQuery = "invalid_query"
            case corruptValue = "corrupt_value"
            case invalidUser = "invalid_user"
        }

        fileprivate let base: Base

        /// The keyspace name is not a plain identifier.
        public static let invalidKeyspace = Code(base: .invalidKeyspace)
        /// `query(_:limit:)` was given a statement other than SELECT.
        public static let readOnlyQuery = Code(base: .readOnlyQuery)
        /// `query(_:limit:)` was given a statement the cluster refused.
        public static let invalidQuery = Code(base: .invalidQuery)
        /// A stored value does not have the expected type or form (a row written by another tool, or a journal entry
        /// that does not decode).
        public static let corruptValue = Code(base: .corruptValue)
        /// A user cannot be stored (its id is not a UUID: `created_users.id` is a `uuid`).
        public static let invalidUser = Code(base: .invalidUser)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CassandraStoreError(\(code)): \(message)" }
}
