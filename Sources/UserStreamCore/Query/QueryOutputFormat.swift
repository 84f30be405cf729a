/// How `userstream query` prints a `QueryResult`.
public enum QueryOutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns with a header rule and a `(N rows)` footer; NULL shows as `NULL`.
    case table
    /// An array of objects keyed by column name; NULL is `null`, every other cell a string.
    case json
    /// RFC 4180: a header line, CRLF line ends, fields quoted when they contain `,`, `"`, CR or LF. NULL is an empty
    /// field and the empty string a quoted one (`""`), so the two stay distinct.
    case csv
}
