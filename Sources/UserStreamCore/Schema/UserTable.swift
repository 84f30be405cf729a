/// The `created_users` table, defined once.
///
/// Every place that states the table's columns derives them from here: the embedded store's `CREATE TABLE`
/// (SQLite types), the CQL engine's catalog and the Cassandra store's `CREATE TABLE` (CQL types), the Cassandra
/// snapshot's copy, the Trino catalog, and the record's column order (`UserRecord.columnNames`). A column added
/// here appears in all of them (`UserTableTests` checks it does).
public enum UserTable {
    /// The table's name, in keyspace `spark_streams` by default.
    public static let name = "created_users"

    /// The columns in table order: the seeds' twelve first, then the extras.
    public static let columns: [UserColumn] = [
        UserColumn("id", .uuid, role: .key, "randomuser's login.uuid, lower-case canonical"),
        UserColumn("first_name", .text, role: .seed, "given name"),
        UserColumn("last_name", .text, role: .seed, "family name"),
        UserColumn("gender", .text, role: .seed, "as randomuser reports it: male or female"),
        UserColumn("address", .text, role: .seed, "\"<number> <street>, <city>, <state>, <country>\""),
        UserColumn("post_code", .text, role: .seed, "postal code, as text (some countries use letters)"),
        UserColumn("email", .text, role: .seed, "e-mail address"),
        UserColumn("username", .text, role: .seed, "login name"),
        UserColumn("dob", .text, role: .seed, "date of birth, ISO-8601 text as randomuser sends it"),
        UserColumn("registered_date", .text, role: .seed, "registration time, ISO-8601 text as randomuser sends it"),
        UserColumn("phone", .text, role: .seed, "phone number, as formatted by randomuser"),
        UserColumn("picture", .text, role: .seed, "URL of the medium-size portrait"),
        UserColumn("nat", .text, role: .extra, "nationality code (randomuser's nat), when known"),
        UserColumn("country", .text, role: .extra, "country of the address"),
        UserColumn("city", .text, role: .extra, "city of the address"),
        UserColumn("state", .text, role: .extra, "state or region of the address"),
        UserColumn("age", .int, role: .extra, "age in years (randomuser's dob.age)"),
        UserColumn("latitude", .double, role: .extra, "coordinates of the address"),
        UserColumn("longitude", .double, role: .extra, "coordinates of the address"),
        UserColumn("cell", .text, role: .extra, "mobile phone number"),
        UserColumn(
            "ingested_at",
            .ingestionTime,
            role: .extra,
            "when the ingestor produced the record, ISO-8601 UTC with milliseconds (write time when absent)"
        ),
    ]

    /// Column names in table order.
    public static let columnNames: [String] = columns.map(\.name)

    /// The column with this name.
    public static func column(_ name: String) -> UserColumn? {
        columns.first { $0.name == name }
    }
}

/// A column of `created_users`: its name, what it means, and its type in each engine.
public struct UserColumn: Sendable, Hashable {
    /// What a column holds, from which each engine's type follows.
    public enum Kind: Sendable, Hashable {
        /// A UUID: CQL `uuid`, SQLite text in the canonical lower-case form.
        case uuid
        /// Text: CQL `text`, SQLite `TEXT`.
        case text
        /// A 32-bit integer: CQL `int`, SQLite `INTEGER`.
        case int
        /// A double: CQL `double`, SQLite `REAL`.
        case double
        /// The ingestion time: CQL `text` holding ISO-8601 UTC with milliseconds (as the seeds' schema keeps times
        /// as text), SQLite `TEXT`. Front ends that have a time type may present it as a timestamp.
        case ingestionTime
    }

    /// The column's place in the record.
    public enum Role: Sendable, Hashable {
        /// The primary key.
        case key
        /// One of the seeds' columns: required in every message and NOT NULL in the store.
        case seed
        /// One of our extra columns: optional in a message.
        case extra
    }

    public let name: String
    public let kind: Kind
    public let role: Role
    /// What the column means, for documentation and `DESCRIBE` comments.
    public let meaning: String

    init(_ name: String, _ kind: Kind, role: Role, _ meaning: String) {
        self.name = name
        self.kind = kind
        self.role = role
        self.meaning = meaning
    }

    /// The column's CQL type.
    public var cqlType: String {
        switch kind {
        case .uuid: "uuid"
        case .text, .ingestionTime: "text"
        case .int: "int"
        case .double: "double"
        }
    }

    /// The column's SQLite type (the embedded store's tables are `STRICT`).
    public var sqlType: String {
        switch kind {
        case .uuid, .text, .ingestionTime: "TEXT"
        case .int: "INTEGER"
        case .double: "REAL"
        }
    }

    /// Whether the embedded store keeps the column NOT NULL: the key, the seeds' columns, and the ingestion time
    /// (which the store fills in when a record carries none).
    public var notNullInStore: Bool {
        role != .extra || kind == .ingestionTime
    }

    /// Whether a CQL INSERT must give the column a value (the key aside): the seeds' columns.
    public var requiredInCQL: Bool {
        role == .seed
    }

    /// Whether a write that leaves the column out gets the write time (`ingested_at`).
    public var filledInAtWrite: Bool {
        kind == .ingestionTime
    }
}
