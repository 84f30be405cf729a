import CQLWire
import GRDB
import Logging
import SQLiteStore
import Synchronization

/// The CQL engine over the embedded store: parses CQL, runs it on SQLite, answers the system tables drivers and
/// cqlsh read, and DESCRIBE. The CQL server owns the connections and the wire format; it calls ``execute(_:values:names:session:options:)``,
/// ``prepare(_:session:)``, ``execute(prepared:values:names:session:options:)`` and ``batch(_:type:session:options:)``.
///
/// - The store's keyspace (`spark_streams`) always exists, with the pipeline's tables mapped onto the store's SQLite
///   tables; other tables are real SQLite tables (see ``CQLCatalogStore``).
/// - The catalog lives in `cql_keyspaces.sqlite` and survives restarts. It is cached in memory and reloaded after
///   each DDL statement of this engine (DDL from another process is seen after a restart).
/// - SQLite work runs through GRDB's async `read`/`write`, off Swift's cooperative pool; writes serialise with the
///   pipeline's commits on the store's one writer connection.
public final class CQLEngine: Sendable {
    public let configuration: CQLEngineConfiguration
    let store: SQLiteStore
    let database: DatabasePool
    let logger: Logger
    let catalogStore: CQLCatalogStore
    private let catalogState: Mutex<CQLCatalog>
    private let preparedState: Mutex<PreparedCache>
    /// Concurrent writes share transactions (one fsync for many statements).
    let groupCommit = CQLGroupCommit()
    /// The server's write timestamps (strictly increasing microseconds).
    let clock = CQLWriteClock()
    /// Per table (SQLite name): the earliest expiry (seconds) of a TTL'd cell; absent: not read yet.
    let expiryState = Mutex<[String: Int64]>([:])

    struct PreparedEntry: Sendable {
        var query: String
        var keyspace: String?
        var parsed: CQLParsedStatement
        var statement: CQLPreparedStatement
        /// The binding analysis, valid while the catalog has this schema version (DDL changes it).
        var analysis: CQLBindAnalysis
        var schemaVersion: CQLUUID
    }

    /// The prepared statement's binding analysis: cached with the entry, redone only after a schema change.
    func analysis(of entry: PreparedEntry, catalog: CQLCatalog) throws(CQLEngineError) -> CQLBindAnalysis {
        if entry.schemaVersion == catalog.schemaVersion { return entry.analysis }
        return try CQLBindAnalysis(entry.parsed, keyspace: entry.keyspace, catalog: catalog)
    }

    struct PreparedCache: Sendable {
        var entries: [[UInt8]: PreparedEntry] = [:]
        var order: [[UInt8]] = []
    }

    /// The engine's own file beside the store's: its catalog (keyspaces, tables, columns) and the tables of
    /// keyspaces other than the store's, attached on every connection as `cqlks`. Register it on the store's
    /// configuration (`configuration.attaching(CQLEngine.storeAttachment)`) before opening a store for the engine.
    public static let storeAttachment = SQLiteAttachment(schema: "cqlks", fileName: "cql_keyspaces.sqlite")

    public init(
        store: SQLiteStore,
        configuration: CQLEngineConfiguration = CQLEngineConfiguration(),
        logger: Logger
    ) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.database = try store.database(attachedAs: Self.storeAttachment)
        let catalogStore = CQLCatalogStore(nativeKeyspace: store.configuration.keyspace)
        self.catalogStore = catalogStore
        let catalog: CQLCatalog
        if store.configuration.readOnly {
            catalog = try database.read { db in try catalogStore.load(db) }
        } else {
            catalog = try database.write { db in
                try catalogStore.prepare(db)
                try CQLCellStore.prepare(schema: CQLCatalogStore.schema, db)
                try CQLCellStore.prepare(schema: store.configuration.keyspace, db)
                return try catalogStore.load(db)
            }
        }
        catalogState = Mutex(catalog)
        preparedState = Mutex(PreparedCache())
        logger.info(
            "cql.engine.started",
            metadata: [
                "cql.keyspaces": "\(catalog.keyspaces.count)",
                "cql.schema_version": "\(catalog.schemaVersion)",
            ]
        )
    }

    /// The current schema snapshot.
    var catalog: CQLCatalog { catalogState.withLock { $0 } }

    func replaceCatalog(_ catalog: CQLCatalog) {
        catalogState.withLock { $0 = catalog }
    }

    /// The schema version system.local reports (changes with every DDL statement that changes the schema).
    public var schemaVersion: CQLUUID { catalog.schemaVersion }

    /// The node's host id (system.local `host_id`), kept in the catalog across restarts.
    public var hostID: CQLUUID { catalog.hostID }

    // MARK: - QUERY

    /// Runs one CQL statement (QUERY message). `values` bind the markers in order, or by name when `names` is given.
    public func execute(
        _ query: String,
        values: [CQLBoundValue] = [],
        names: [String]? = nil,
        session: inout CQLSession,
        options: CQLExecutionOptions = CQLExecutionOptions()
    ) async throws -> CQLEngineResult {
        let parsed = try CQLParser.parse(query)
        let catalog = self.catalog
        let analysis = try CQLBindAnalysis(parsed, keyspace: session.keyspace, catalog: catalog)
        let bound = try Self.bind(values, names: names, analysis: analysis, markerNames: parsed.markers)
        let fingerprint =
            parsed.statement.pages
            ? CQLPagingState.fingerprint(keyspace: session.keyspace, query: query, values: values) : []
        let result = try await run(
            parsed.statement,
            bound: bound,
            keyspace: session.keyspace,
            options: options,
            fingerprint: fingerprint
        )
        if case .setKeyspace(let keyspace) = result { session.keyspace = keyspace }
        return result
    }

    // MARK: - PREPARE / EXECUTE

    /// Prepares a statement (PREPARE message): its id, bind variables and result columns. Unqualified table names
    /// resolve against the session's keyspace now, as in Cassandra.
    public func prepare(_ query: String, session: CQLSession) throws -> CQLPreparedStatement {
        let parsed = try CQLParser.parse(query)
        let catalog = self.catalog
        let analysis = try CQLBindAnalysis(parsed, keyspace: session.keyspace, catalog: catalog)
        let id = Self.preparedID(query: query, keyspace: session.keyspace)
        let statement = CQLPreparedStatement(
            id: id,
            boundColumns: try analysis.boundColumns(),
            partitionKeyIndexes: analysis.partitionKeyIndexes,
            resultColumns: analysis.resultColumns
        )
        let entry = PreparedEntry(
            query: query,
            keyspace: session.keyspace,
            parsed: parsed,
            statement: statement,
            analysis: analysis,
            schemaVersion: catalog.schemaVersion
        )
        let limit = max(1, configuration.maxPreparedStatements)
        preparedState.withLock { cache in
            if cache.entries.updateValue(entry, forKey: id) == nil { cache.order.append(id) }
            while cache.order.count > limit {
                cache.entries[cache.order.removeFirst()] = nil
            }
        }
        return statement
    }

    /// MD5 of the keyspace and the query text (Cassandra's `computeId`).
    static func preparedID(query: String, keyspace: String?) -> [UInt8] {
        MD5.digest(Array(((keyspace ?? "") + query).utf8))
    }

    func preparedEntry(_ id: [UInt8]) throws(CQLEngineError) -> PreparedEntry {
        guard let entry = preparedState.withLock({ $0.entries[id] }) else { throw CQLEngineError.unprepared(id: id) }
        return entry
    }

    /// Runs a prepared statement (EXECUTE message); an unknown id is Unprepared (0x2500) carrying the id.
    public func execute(
        prepared id: [UInt8],
        values: [CQLBoundValue] = [],
        names: [String]? = nil,
        session: inout CQLSession,
        options: CQLExecutionOptions = CQLExecutionOptions()
    ) async throws -> CQLEngineResult {
        let entry = try preparedEntry(id)
        let analysis = try self.analysis(of: entry, catalog: catalog)
        let bound = try Self.bind(values, names: names, analysis: analysis, markerNames: entry.parsed.markers)
        let fingerprint =
            entry.parsed.statement.pages
            ? CQLPagingState.fingerprint(keyspace: entry.keyspace, query: entry.query, values: values) : []
        let result = try await run(
            entry.parsed.statement,
            bound: bound,
            keyspace: entry.keyspace,
            options: options,
            fingerprint: fingerprint
        )
        if case .setKeyspace(let keyspace) = result { session.keyspace = keyspace }
        return result
    }

    // MARK: - BATCH

    /// Runs a BATCH message: every statement (INSERT, UPDATE, DELETE) applies in one SQLite transaction, or none does.
    public func batch(
        _ statements: [CQLBatchStatement],
        type: CQLBatchType = .logged,
        session: inout CQLSession,
        options: CQLExecutionOptions = CQLExecutionOptions()
    ) async throws -> CQLEngineResult {
        let catalog = self.catalog
        let defaults = CQLWrite.Defaults(timestamp: options.defaultTimestamp ?? clock.next())
        var writes: [CQLWrite] = []
        for statement in statements {
            let parsed: CQLParsedStatement
            let keyspace: String?
            let values: [CQLBoundValue]
            let analysis: CQLBindAnalysis
            switch statement {
            case .query(let query, let queryValues):
                parsed = try CQLParser.parse(query)
                keyspace = session.keyspace
                values = queryValues
                analysis = try CQLBindAnalysis(parsed, keyspace: keyspace, catalog: catalog)
            case .prepared(let id, let preparedValues):
                let entry = try preparedEntry(id)
                parsed = entry.parsed
                keyspace = entry.keyspace
                values = preparedValues
                analysis = try self.analysis(of: entry, catalog: catalog)
            }
            let bound = try Self.bind(values, names: nil, analysis: analysis, markerNames: parsed.markers)
            writes += try batchWrites(
                parsed.statement,
                bound: bound,
                keyspace: keyspace,
                catalog: catalog,
                defaults: defaults
            )
        }
        try Self.checkBatchKinds(writes, type: type)
        return try await applyBatch(writes)
    }

    // MARK: - Binding

    /// Decodes the client's values with their markers' types.
    static func bind(
        _ values: [CQLBoundValue],
        names: [String]?,
        analysis: CQLBindAnalysis,
        markerNames: [String?]
    ) throws(CQLEngineError) -> [CQLValue] {
        let markers = analysis.markers
        var ordered: [CQLBoundValue]
        if let names {
            guard names.count == values.count else {
                throw CQLEngineError.invalid("\(names.count) value names for \(values.count) values")
            }
            ordered = []
            for (index, marker) in markers.enumerated() {
                let name = markerNames[index] ?? marker?.name ?? ""
                if let position = names.firstIndex(of: name)
                    ?? names.firstIndex(where: { $0.lowercased() == name.lowercased() })
                {
                    ordered.append(values[position])
                } else {
                    ordered.append(.unset)
                }
            }
        } else {
            guard values.count == markers.count else {
                throw CQLEngineError.invalid(
                    "There were \(markers.count) markers(?) in CQL but \(values.count) bound variables"
                )
            }
            ordered = values
        }
        var decoded: [CQLValue] = []
        for (index, value) in ordered.enumerated() {
            guard let spec = markers[index] else {
                if case .unset = value {
                    decoded.append(.unset)
                    continue
                }
                throw CQLEngineError.invalid("Cannot infer the type of bind marker \(index)")
            }
            do {
                decoded.append(try CQLValue(decoding: value, as: spec.type))
            } catch {
                throw CQLEngineError.invalid("Invalid value for \(spec.name) of type \(spec.type): \(error.message)")
            }
        }
        return decoded
    }

    // MARK: - Dispatch

    func run(
        _ statement: CQLStatement,
        bound: [CQLValue],
        keyspace: String?,
        options: CQLExecutionOptions,
        fingerprint: [UInt8]
    ) async throws -> CQLEngineResult {
        do {
            let catalog = self.catalog
            let evaluator = CQLTermEvaluator(bound: bound)
            switch statement {
            case .use(let name):
                _ = try catalog.keyspace(name)
                return .setKeyspace(name)
            case .createKeyspace(let create):
                return try await createKeyspace(create, alter: false)
            case .alterKeyspace(let alter):
                return try await createKeyspace(alter, alter: true)
            case .dropKeyspace(let name, let ifExists):
                return try await dropKeyspace(name, ifExists: ifExists)
            case .createTable(let create):
                return try await createTable(create, keyspace: keyspace)
            case .dropTable(let name, let ifExists):
                return try await dropTable(name, ifExists: ifExists, keyspace: keyspace)
            case .truncate(let name):
                let table = try CQLBindAnalysis.resolve(name, keyspace: keyspace, catalog: catalog)
                try checkWritable(table, catalog: catalog)
                let sql = "DELETE FROM \(table.sqlName)"
                try await database.write { db in
                    try db.execute(sql: sql)
                    try CQLCellStore.forget(table, db)
                }
                expiryState.withLock { $0[table.sqlName] = nil }
                return .void
            case .insert, .update, .delete:
                let writes = try batchWrites(
                    statement,
                    bound: bound,
                    keyspace: keyspace,
                    catalog: catalog,
                    defaults: CQLWrite.Defaults(timestamp: options.defaultTimestamp ?? clock.next()),
                    allowConditions: true
                )
                if writes.count == 1, writes[0].isConditional { return try await applyConditional(writes[0]) }
                return try await applyBatch(writes)
            case .batch(let batch):
                if batch.statements.isEmpty { return .void }
                let writes = try batchWrites(
                    statement,
                    bound: bound,
                    keyspace: keyspace,
                    catalog: catalog,
                    defaults: CQLWrite.Defaults(timestamp: options.defaultTimestamp ?? clock.next())
                )
                return try await applyBatch(writes)
            case .select(let select):
                let table = try CQLBindAnalysis.resolve(select.table, keyspace: keyspace, catalog: catalog)
                return try await runSelect(
                    select,
                    table: table,
                    catalog: catalog,
                    evaluator: evaluator,
                    options: options,
                    fingerprint: fingerprint
                )
            case .describe(let describe):
                let (columns, rows) = try CQLDescriber.describe(
                    describe,
                    catalog: catalog,
                    sessionKeyspace: keyspace,
                    configuration: configuration
                )
                return try page(rows, columns: columns, options: options, fingerprint: fingerprint, limit: nil)
            }
        } catch let error as CQLEngineError {
            throw error
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// SQLite errors as CQL errors: constraint failures are the client's (Invalid), the rest the server's.
    static func translate(_ error: DatabaseError) -> CQLEngineError {
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            if let message = error.message, message.hasPrefix("NOT NULL constraint failed: ") {
                let column = message.dropFirst("NOT NULL constraint failed: ".count)
                return .invalid(
                    "Missing mandatory column \(column.split(separator: ".").last ?? column): the store keeps it NOT NULL"
                )
            }
            return .invalid("Constraint violated: \(error.message ?? "\(error)")")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CQLEngineError(.writeTimeout, "The store is busy: \(error.message ?? "\(error)")")
        default:
            return .server("SQLite error: \(error.message ?? "\(error)")")
        }
    }

    func checkWritable(_ table: CQLTableDefinition, catalog: CQLCatalog) throws(CQLEngineError) {
        guard let keyspace = catalog.keyspaces[table.keyspace], keyspace.isWritable, !table.isVirtual else {
            throw CQLEngineError.unauthorized("\(table.keyspace) keyspace is not user-modifiable.")
        }
        guard !store.configuration.readOnly else {
            throw CQLEngineError.unauthorized("The store at \(store.configuration.directory) is open read-only")
        }
    }
}
