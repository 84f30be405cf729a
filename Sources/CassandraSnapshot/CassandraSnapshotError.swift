/// An error refreshing a `CassandraSnapshot` that is neither the cluster's (`CQLClientError`) nor SQLite's.
public struct CassandraSnapshotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is. A struct rather than an enum so that codes can be added without breaking clients.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case tooManyRows = "too_many_rows"
        }

        fileprivate let base: Base

        /// A table has more rows than `CassandraSnapshotConfiguration.maxRowsPerTable`.
        public static let tooManyRows = Code(base: .tooManyRows)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CassandraSnapshotError(\(code)): \(message)" }
}
