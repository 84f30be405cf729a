import UserStreamCore

/// What this server shows Trino clients: catalog `cassandra` whose schemas are the store's keyspaces (the keyspace,
/// `spark_streams`, and `information_schema`), plus Trino's `system` catalog with an empty
/// `system.metadata.table_comments` (SQLAlchemy's dialect reads table comments there).
///
/// Column types follow what Trino's Cassandra connector reports for the Cassandra store's schema (`id uuid`,
/// `age int`, text → `varchar`), so that SQL written against Trino on a real Cassandra cluster types the same here.
/// `dob` and `registered_date` stay ISO-8601 text (`varchar`), as in the seeds' table (use
/// `from_iso8601_timestamp(dob)` for time arithmetic). `ingested_at`, the pipeline's own column, is
/// `timestamp(3) with time zone` (values in UTC), so that BI tools find a time column and compare times: the store
/// keeps ISO-8601 text, which the translator shows as Trino timestamps (docs/superset.md).
public struct TrinoCatalog: Sendable, Hashable {
    public struct Table: Sendable, Hashable {
        public var name: String
        public var columns: [(name: String, type: TrinoType)]

        public static func == (lhs: Table, rhs: Table) -> Bool {
            lhs.name == rhs.name && lhs.columns.map(\.name) == rhs.columns.map(\.name)
                && lhs.columns.map(\.type) == rhs.columns.map(\.type)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            for column in columns {
                hasher.combine(column.name)
                hasher.combine(column.type)
            }
        }
    }

    /// `cassandra`.
    public var catalogName: String
    /// The store's keyspace, `spark_streams`: the SQLite schema name too.
    public var keyspace: String
    /// Tables of the keyspace that clients see.
    public var tables: [Table]

    public static let informationSchema = "information_schema"
    public static let systemCatalog = "system"

    public init(catalogName: String = "cassandra", keyspace: String = "spark_streams") {
        self.catalogName = catalogName
        self.keyspace = keyspace
        self.tables = [
            Table(
                name: UserTable.name,
                columns: UserTable.columns.map { ($0.name, Self.type(of: $0)) }
            ),
            Table(
                name: "user_counts",
                columns: [("minute", .bigint), ("dimension", .varchar), ("value", .varchar), ("count", .bigint)]
            ),
        ]
    }

    /// The Trino type of a `created_users` column.
    static func type(of column: UserColumn) -> TrinoType {
        switch column.kind {
        case .uuid: .uuid
        case .text: .varchar
        // Stored as ISO-8601 text; the view converts it (see the type comment above).
        case .ingestionTime: .timestamp3WithTimeZone
        case .int: .integer
        case .double: .double
        }
    }

    /// Schemas of catalog `cassandra`, sorted as Trino lists them.
    public var schemas: [String] { [Self.informationSchema, keyspace].sorted() }

    /// Catalogs, sorted.
    public var catalogs: [String] { [catalogName, Self.systemCatalog].sorted() }

    /// The virtual tables of `information_schema`.
    static let informationSchemaTables: [Table] = [
        Table(
            name: "columns",
            columns: [
                ("table_catalog", .varchar), ("table_schema", .varchar), ("table_name", .varchar),
                ("column_name", .varchar), ("ordinal_position", .bigint), ("column_default", .varchar),
                ("is_nullable", .varchar), ("data_type", .varchar),
                // Trino's column comment; the trino SQLAlchemy dialect (0.33x+) selects it in get_columns().
                ("comment", .varchar),
            ]
        ),
        Table(name: "schemata", columns: [("catalog_name", .varchar), ("schema_name", .varchar)]),
        Table(
            name: "tables",
            columns: [
                ("table_catalog", .varchar), ("table_schema", .varchar), ("table_name", .varchar),
                ("table_type", .varchar),
            ]
        ),
        Table(
            name: "views",
            columns: [
                ("table_catalog", .varchar), ("table_schema", .varchar), ("table_name", .varchar),
                ("view_owner", .varchar), ("view_definition", .varchar),
            ]
        ),
    ]

    static let tableComments = Table(
        name: "table_comments",
        columns: [
            ("catalog_name", .varchar), ("schema_name", .varchar), ("table_name", .varchar), ("comment", .varchar),
        ]
    )

    /// Tables of `schema` in catalog `cassandra`, or `nil` if there is no such schema.
    public func tables(inSchema schema: String) -> [Table]? {
        switch schema {
        case keyspace: tables
        case Self.informationSchema: Self.informationSchemaTables
        default: nil
        }
    }

    /// Rows of `information_schema.<table>`.
    func informationSchemaRows(_ table: String) -> [[TrinoValue]] {
        var rows: [[TrinoValue]] = []
        switch table {
        case "schemata":
            for schema in schemas { rows.append([.string(catalogName), .string(schema)]) }
        case "tables":
            for schema in schemas {
                for table in self.tables(inSchema: schema) ?? [] {
                    rows.append([.string(catalogName), .string(schema), .string(table.name), .string("BASE TABLE")])
                }
            }
        case "columns":
            for schema in schemas {
                for table in self.tables(inSchema: schema) ?? [] {
                    for (index, column) in table.columns.enumerated() {
                        rows.append([
                            .string(catalogName), .string(schema), .string(table.name), .string(column.name),
                            .integer(Int64(index + 1)), .null, .string("YES"), .string(column.type.name), .null,
                        ])
                    }
                }
            }
        default:
            break
        }
        return rows
    }
}
