import CQLWire

/// A QUERY/EXECUTE/BATCH message's parameters (native_protocol_v4.spec §4.1.4) that the engine looks at.
public struct CQLExecutionOptions: Sendable, Hashable {
    /// Rows per page; nil or ≤ 0: all rows (up to ``CQLEngineConfiguration/maxResultRows``). Clamped to
    /// ``CQLEngineConfiguration/maxPageSize``.
    public var pageSize: Int32?
    /// The `paging_state` a previous page returned, to resume the same query (same text and values).
    public var pagingState: [UInt8]?
    /// Accepted and ignored: one node answers every level.
    public var consistency: CQLConsistency
    /// Accepted and ignored.
    public var serialConsistency: CQLConsistency?
    /// Accepted and ignored (writes have no cell timestamps here).
    public var defaultTimestamp: Int64?
    /// The client asked for rows without metadata; the engine returns the columns anyway (the server decides what
    /// to encode).
    public var skipMetadata: Bool

    public init(
        pageSize: Int32? = nil,
        pagingState: [UInt8]? = nil,
        consistency: CQLConsistency = .one,
        serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil,
        skipMetadata: Bool = false
    ) {
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
        self.skipMetadata = skipMetadata
    }
}
