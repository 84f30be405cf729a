import Foundation

/// How a ``JobRun``'s times and error counts are kept as text in a store's `job_runs` table, the same in every store:
/// times as ISO-8601 UTC with milliseconds, errors as a JSON object of counts with sorted keys.
public enum JobRunText {
    public static func timestamp(_ date: Date) -> String {
        Timestamp.iso8601(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// The date of an ISO-8601 timestamp, or nil when the text is not one.
    public static func date(_ text: String) -> Date? {
        Timestamp.milliseconds(iso8601: text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    public static func errors(_ errors: [String: Int]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(errors), as: UTF8.self)
    }

    /// The counts of a JSON object of counts, or nil when the text is not one.
    public static func errors(parsing text: String) -> [String: Int]? {
        try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8))
    }
}
