import CQLWire

/// A statement prepared on the cluster (native_protocol_v4.spec §4.1.5, §4.2.5.4): its text, the id nodes know it by,
/// and the types of its bind markers, which `CQLClient.execute` uses to encode values.
public struct CQLPreparedStatement: Sendable, Hashable {
    /// The CQL text.
    public let query: String
    /// The id an EXECUTE carries. Updated by the client when a node makes it prepare the statement again.
    public internal(set) var id: [UInt8]
    /// One spec per bind marker, in marker order: the names and types values are encoded with.
    public let bindColumns: [CQLColumnSpec]
    /// For each partition key column, the index of the marker binding it (empty when not all are bound).
    public let partitionKeyIndexes: [UInt16]
    /// The columns an execution returns (empty for statements other than SELECT).
    public let resultColumns: [CQLColumnSpec]
    /// Whether running the statement twice has the same effect as running it once, so that the client may retry it
    /// after a connection loss or a timeout. Default: true for SELECT, false otherwise; set it for idempotent
    /// writes (an INSERT of fixed values is idempotent; a counter update or an `IF` condition is not).
    public var isIdempotent: Bool

    init(query: String, prepared: CQLPrepared, isIdempotent: Bool? = nil) {
        self.query = query
        self.id = prepared.id
        self.bindColumns = prepared.metadata.columns
        self.partitionKeyIndexes = prepared.metadata.partitionKeyIndexes
        self.resultColumns = prepared.resultMetadata.columns
        self.isIdempotent = isIdempotent ?? CQLStatementKind.isSelect(query)
    }

    /// Encodes values for this statement's markers.
    ///
    /// - Throws: `CQLClientError` `.invalidArgument` when the count differs from the markers' or a value does not
    ///   fit its marker's type.
    func bind(_ values: [CQLValue]) throws(CQLClientError) -> [CQLBoundValue] {
        guard values.count == bindColumns.count else {
            throw CQLClientError(
                .invalidArgument,
                "\(values.count) values for \(bindColumns.count) bind markers in: \(query)",
                mayHaveBeenSent: false
            )
        }
        var bound: [CQLBoundValue] = []
        bound.reserveCapacity(values.count)
        for (value, column) in zip(values, bindColumns) {
            do {
                bound.append(try CQLBoundValue(encoding: value, as: column.type))
            } catch {
                throw CQLClientError(
                    .invalidArgument,
                    "value for \(column.name) (\(column.type)): \(error.message)",
                    mayHaveBeenSent: false
                )
            }
        }
        return bound
    }
}

/// Classifies statement text.
public enum CQLStatementKind {
    /// The first keyword of a statement, upper-cased (comments and whitespace skipped).
    public static func leadingKeyword(_ text: String) -> String {
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0.isWhitespace })
            if rest.hasPrefix("--") || rest.hasPrefix("//") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*") {
                guard let end = rest.firstRange(of: "*/") else { return "" }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return String(rest.prefix(while: { $0.isLetter })).uppercased()
    }

    public static func isSelect(_ text: String) -> Bool { leadingKeyword(text) == "SELECT" }
}

/// One statement of a BATCH.
public enum CQLBatchStatement: Sendable {
    /// A CQL string with values, encoded by their own type (`.text` as text, `.bigint` as bigint, …).
    case query(String, [CQLValue])
    /// A prepared statement with values, encoded by its markers' types.
    case prepared(CQLPreparedStatement, [CQLValue])
}
