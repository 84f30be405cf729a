import Foundation
import SQLiteStore

/// Where translated queries run: the embedded store (`SQLiteStore` conforms), or a test double.
public protocol TrinoSQLExecutor: Sendable {
    /// Runs one read-only SQLite statement, stopping after `maxRows` rows or `maxBytes` of cells (reporting
    /// `isComplete == false`), and throwing `StoreError.Code.interrupted` when `interrupter` fires.
    func typedQuery(
        _ text: String,
        maxRows: Int,
        maxBytes: Int,
        interrupter: QueryInterrupter?
    ) async throws
        -> TypedQueryResult
}

extension SQLiteStore: TrinoSQLExecutor {}

/// Turns a SQLite result into Trino columns and JSON values, and SQLite errors into Trino errors.
enum TrinoResultMapping {
    static func columns(_ result: TypedQueryResult, query: TranslatedQuery) -> [Column] {
        result.columns.enumerated().map { index, column in
            let hint = query.columns.flatMap { $0.indices.contains(index) ? $0[index] : nil }
            let name = hint?.name ?? column.name.lowercased()
            // Without a select list (`SELECT *`) the columns are the tables' own, typed by the catalog even where
            // the view computes them (the timestamps).
            let type =
                hint?.type
                ?? (column.declaredType != nil || query.columns == nil ? catalogType(name, query.tables) : nil)
                ?? declaredType(column.declaredType)
                ?? inferredType(result.rows, column: index)
            return Column(name: name, type: type)
        }
    }

    private static func catalogType(_ name: String, _ tables: [TrinoCatalog.Table]) -> TrinoType? {
        for table in tables {
            if let column = table.columns.first(where: { $0.name == name }) { return column.type }
        }
        return nil
    }

    private static func declaredType(_ declared: String?) -> TrinoType? {
        guard let declared = declared?.uppercased() else { return nil }
        if declared.contains("INT") { return .bigint }
        if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") { return .double }
        if declared.contains("TEXT") || declared.contains("CHAR") || declared.contains("CLOB") { return .varchar }
        return nil
    }

    private static func inferredType(_ rows: [[SQLiteValue]], column: Int) -> TrinoType {
        var sawInteger = false
        for row in rows {
            switch row[column] {
            case .null: continue
            case .integer: sawInteger = true
            case .real: return .double
            case .text, .blob: return .varchar
            }
        }
        return sawInteger ? .bigint : .varchar
    }

    static func value(_ value: SQLiteValue, as type: TrinoType) -> TrinoValue {
        switch (value, type) {
        case (.null, _): return .null
        case (.integer(let number), .bigint), (.integer(let number), .integer): return .integer(number)
        case (.integer(let number), .double): return .double(Double(number))
        case (.integer(let number), .boolean): return .boolean(number != 0)
        case (.real(let number), .double): return .double(number)
        case (.real(let number), .bigint), (.real(let number), .integer):
            return number == number.rounded() && abs(number) < 9e18 ? .integer(Int64(number)) : .double(number)
        case (.text(let text), .bigint), (.text(let text), .integer):
            return Int64(text).map(TrinoValue.integer) ?? .string(text)
        case (.text(let text), .double): return Double(text).map(TrinoValue.double) ?? .string(text)
        case (.text(let text), .boolean): return .boolean(text.lowercased() == "true" || text == "1")
        // Timestamps are UTC text without a zone in SQLite (`TrinoSQLTranslator.timestamp`); Trino renders the zone.
        case (.text(let text), .timestamp3WithTimeZone): return .string(text + " UTC")
        case (.text(let text), _): return .string(text)
        case (.integer(let number), _): return .string(String(number))
        case (.real(let number), _): return .string(String(number))
        case (.blob(let bytes), _):
            return .string(
                bytes.map { byte in
                    String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
                }.joined()
            )
        }
    }

    /// A Trino error for a store error, located at the token SQLite names when it names one.
    static func failure(
        _ error: any Error,
        query: TranslatedQuery,
        interrupter: QueryInterrupter,
        timeLimit: Duration
    )
        -> TrinoQueryFailure
    {
        guard let error = error as? StoreError else {
            return TrinoQueryFailure(.genericInternalError, "\(error)")
        }
        if error.code == .interrupted {
            if interrupter.isCancelled { return TrinoQueryFailure(.userCanceled, "Query was canceled") }
            let seconds = Double(timeLimit.components.seconds) + Double(timeLimit.components.attoseconds) / 1e18
            return TrinoQueryFailure(
                .exceededTimeLimit,
                "Query exceeded the maximum execution time limit of \(String(format: "%.2f", seconds))s"
            )
        }
        if error.code == .readOnlyQuery {
            return TrinoQueryFailure(.notSupported, "Only read-only queries are supported by this server")
        }
        var message = error.message
        if message.hasPrefix("query: ") { message.removeFirst("query: ".count) }
        func located(_ code: TrinoErrorCode, _ name: String, _ text: String) -> TrinoQueryFailure {
            let lowered = name.lowercased()
            if let token = query.sourceTokens.first(where: {
                $0.value.lowercased() == lowered || $0.identifier == lowered.split(separator: ".").last.map(String.init)
            }) {
                return TrinoQueryFailure.at(token, code, text)
            }
            return TrinoQueryFailure(code, text)
        }
        if let name = suffix(of: message, after: "no such column: ") {
            return located(.columnNotFound, name, "Column '\(name)' cannot be resolved")
        }
        if let name = suffix(of: message, after: "no such function: ") {
            return located(.functionNotFound, name, "Function '\(name.lowercased())' not registered")
        }
        if let name = suffix(of: message, after: "no such table: ") {
            return located(.tableNotFound, name, "Table '\(name)' does not exist")
        }
        if message.contains("syntax error") || message.contains("incomplete input") {
            if let start = message.range(of: "near \""), let end = message[start.upperBound...].firstIndex(of: "\"") {
                let near = String(message[start.upperBound..<end])
                return located(.syntaxError, near, "mismatched input '\(near)'")
            }
            return TrinoQueryFailure(.syntaxError, message)
        }
        return TrinoQueryFailure(.genericUserError, message)
    }

    private static func suffix(of message: String, after prefix: String) -> String? {
        guard let range = message.range(of: prefix) else { return nil }
        return String(message[range.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
}
