import CQLWire

/// One page of a result: the columns and the rows, and where the next page starts.
public struct CQLResultSet: Sendable, Hashable {
    /// The result's columns (empty for statements that return no rows).
    public var columns: [CQLColumnSpec]
    /// The rows, each one value per column.
    public var rows: [[CQLValue]]
    /// Where the next page starts; `nil` on the last page.
    public var pagingState: [UInt8]?
    /// For DDL statements: the change the node made.
    public var schemaChange: CQLSchemaChange?

    public init(
        columns: [CQLColumnSpec] = [],
        rows: [[CQLValue]] = [],
        pagingState: [UInt8]? = nil,
        schemaChange: CQLSchemaChange? = nil
    ) {
        self.columns = columns
        self.rows = rows
        self.pagingState = pagingState
        self.schemaChange = schemaChange
    }

    /// Whether more pages follow.
    public var hasMorePages: Bool { pagingState != nil }

    /// The index of the column named `name`, if any.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// For a conditional statement (`IF …`): the `[applied]` column of its one row.
    public var wasApplied: Bool? {
        guard let index = columnIndex("[applied]"), let row = rows.first, case .boolean(let applied) = row[index]
        else { return nil }
        return applied
    }

    /// The result of a RESULT message.
    init(_ result: CQLResult) {
        switch result {
        case .rows(let rows):
            self.init(columns: rows.metadata.columns, rows: rows.rows, pagingState: rows.metadata.pagingState)
        case .schemaChange(let change):
            self.init(schemaChange: change)
        case .void, .setKeyspace, .prepared:
            self.init()
        }
    }
}

/// The pages of a query, fetched one at a time as the sequence is iterated.
public struct CQLPageSequence: AsyncSequence, Sendable {
    public typealias Element = CQLResultSet

    let fetch: @Sendable (_ pagingState: [UInt8]?) async throws -> CQLResultSet

    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetch: @Sendable ([UInt8]?) async throws -> CQLResultSet
        var pagingState: [UInt8]?
        var done = false

        public mutating func next() async throws -> CQLResultSet? {
            guard !done else { return nil }
            let page = try await fetch(pagingState)
            pagingState = page.pagingState
            done = page.pagingState == nil
            return page
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetch: fetch) }

    /// The rows of every page.
    public var rows: CQLRowSequence { CQLRowSequence(pages: self) }
}

/// The rows of a query across its pages.
public struct CQLRowSequence: AsyncSequence, Sendable {
    public typealias Element = [CQLValue]

    let pages: CQLPageSequence

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: CQLPageSequence.AsyncIterator
        var rows: [[CQLValue]] = []
        var index = 0

        public mutating func next() async throws -> [CQLValue]? {
            while index == rows.count {
                guard let page = try await pages.next() else { return nil }
                rows = page.rows
                index = 0
            }
            defer { index += 1 }
            return rows[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: pages.makeAsyncIterator()) }
}
