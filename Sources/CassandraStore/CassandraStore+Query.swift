import CQLClient
import CQLWire
import UserStreamCore

extension CassandraStore {
    /// Runs one SELECT (CQL) and returns at most `limit` rows, fetched page by page.
    ///
    /// Anything but SELECT is refused with `CassandraStoreError.Code.readOnlyQuery` before it reaches the cluster;
    /// a statement the cluster refuses is `.invalidQuery` with the cluster's message. Cells are text: integers in
    /// decimal, doubles as Swift prints them, uuids in canonical lower case, blobs as `0x…` hex, booleans as
    /// `true`/`false`, collections as CQL literals; null is `nil`.
    public func query(_ text: String, limit: Int) async throws -> QueryResult {
        let keyword = CQLStatementKind.leadingKeyword(text)
        guard !keyword.isEmpty else { throw CassandraStoreError(.invalidQuery, "query: empty statement") }
        guard keyword == "SELECT" else {
            throw CassandraStoreError(.readOnlyQuery, "query: only SELECT statements are allowed, not \(keyword)")
        }
        let limit = max(0, limit)
        var columns: [String] = []
        var rows: [[String?]] = []
        var kinds: [[QueryCellKind]] = []
        do {
            for try await page in client.queryPages(
                text,
                consistency: configuration.readConsistency,
                pageSize: Int32(min(max(limit, 1), 5000))
            ) {
                columns = page.columns.map(\.name)
                for row in page.rows where rows.count < limit {
                    rows.append(row.map(Self.render))
                    kinds.append(row.map(Self.kind))
                }
                if rows.count >= limit { break }
            }
        } catch let error as CQLClientError where error.code == .server {
            throw CassandraStoreError(.invalidQuery, "query: \(error.serverError?.message ?? error.message)")
        }
        return QueryResult(columns: columns, rows: rows, kinds: kinds)
    }

    /// What `render` writes for the value: numbers and booleans as such; decimals, varints and the rest as text.
    static func kind(_ value: CQLValue) -> QueryCellKind {
        switch value {
        case .bigint, .int, .smallint, .tinyint, .double, .float: .number
        case .boolean: .boolean
        default: .text
        }
    }

    /// The pages of a SELECT at the store's read consistency, fetched as they are iterated: for bulk reads such as a
    /// local snapshot of the keyspace. Anything but SELECT is refused like in ``query(_:limit:)``.
    public func selectPages(_ text: String, pageSize: Int32 = 5000) throws -> CQLPageSequence {
        let keyword = CQLStatementKind.leadingKeyword(text)
        guard keyword == "SELECT" else {
            throw CassandraStoreError(.readOnlyQuery, "query: only SELECT statements are allowed, not \(keyword)")
        }
        return client.queryPages(text, consistency: configuration.readConsistency, pageSize: pageSize)
    }

    /// A cell as text, as ``query(_:limit:)`` renders it.
    public static func text(of value: CQLValue) -> String? { render(value) }

    /// A cell as text.
    static func render(_ value: CQLValue) -> String? {
        switch value {
        case .null, .unset: return nil
        case .text(let text): return text
        case .bigint(let value), .timestamp(let value): return String(value)
        case .int(let value), .date(let value): return String(value)
        case .smallint(let value): return String(value)
        case .tinyint(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .double(let value): return "\(value)"
        case .float(let value): return "\(value)"
        case .uuid(let uuid): return uuid.description
        case .blob(let bytes), .inet(let bytes):
            return "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        case .varint: return value.varintInt64.map(String.init) ?? "varint"
        case .decimal(let scale, let unscaled):
            return "\(CQLValue.varint(unscaled).varintInt64.map(String.init) ?? "?")E-\(scale)"
        case .list(let values): return "[" + values.map { literal($0) }.joined(separator: ", ") + "]"
        case .set(let values): return "{" + values.map { literal($0) }.joined(separator: ", ") + "}"
        case .map(let pairs):
            return "{" + pairs.map { literal($0.0) + ": " + literal($0.1) }.joined(separator: ", ") + "}"
        case .tuple(let values): return "(" + values.map { literal($0) }.joined(separator: ", ") + ")"
        case .udt(let fields): return "{" + fields.map { $0.0 + ": " + literal($0.1) }.joined(separator: ", ") + "}"
        }
    }

    private static func literal(_ value: CQLValue) -> String {
        if case .text(let text) = value {
            return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        }
        return render(value) ?? "null"
    }
}
