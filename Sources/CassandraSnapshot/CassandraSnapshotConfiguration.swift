import Foundation

/// Settings of a `CassandraSnapshot`, with documented defaults.
public struct CassandraSnapshotConfiguration: Sendable, Hashable {
    /// Time between the end of one refresh and the start of the next. Default 5 s.
    public var interval: Duration = .seconds(5)
    /// How old the copy of `created_users` may get while the pipeline's other tables do not change (nothing was
    /// committed): after that it is copied again anyway, to pick up writes made outside the pipeline. Default 60 s.
    public var usersRecopyInterval: Duration = .seconds(60)
    /// Rows per page read from Cassandra (the memory a refresh holds at once). Default 5000.
    public var pageSize: Int32 = 5000
    /// The most rows copied from one table; a larger table fails the refresh with `.tooManyRows` (the previous
    /// snapshot stays). Default 5,000,000.
    public var maxRowsPerTable: Int = 5_000_000
    /// Where the snapshot's directory is created (and removed on close). Default: the system's temporary directory
    /// (`TMPDIR`).
    public var parentDirectory: String = FileManager.default.temporaryDirectory.path

    public init() {}
}
