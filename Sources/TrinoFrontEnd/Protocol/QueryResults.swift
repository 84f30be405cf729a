/// The JSON document of every response to `POST /v1/statement` and to `GET`s of its `nextUri`
/// (Trino's `io.trino.client.QueryResults`).
///
/// Encoded like Trino's server encodes it: camelCase keys, absent optional members omitted, `warnings` always
/// present. A response without `nextUri` is the last one: the query finished (or failed, when `error` is set).
public struct QueryResults: Codable, Sendable, Hashable {
    public var id: String
    public var infoUri: String
    public var partialCancelUri: String?
    public var nextUri: String?
    /// Set once the query's columns are known (from the first page of data on), and with every page that has `data`.
    public var columns: [Column]?
    /// Rows of this page, each an array with one JSON value per column; omitted when the page has no rows.
    public var data: [[TrinoValue]]?
    public var stats: StatementStats
    public var error: QueryError?
    public var warnings: [TrinoWarning]
    /// For statements that are not queries: `SET SESSION`, `USE`, `PREPARE`, … (Trino's statement type name).
    public var updateType: String?
    public var updateCount: Int64?

    public init(
        id: String,
        infoUri: String,
        partialCancelUri: String? = nil,
        nextUri: String? = nil,
        columns: [Column]? = nil,
        data: [[TrinoValue]]? = nil,
        stats: StatementStats,
        error: QueryError? = nil,
        warnings: [TrinoWarning] = [],
        updateType: String? = nil,
        updateCount: Int64? = nil
    ) {
        self.id = id
        self.infoUri = infoUri
        self.partialCancelUri = partialCancelUri
        self.nextUri = nextUri
        self.columns = columns
        self.data = data
        self.stats = stats
        self.error = error
        self.warnings = warnings
        self.updateType = updateType
        self.updateCount = updateCount
    }
}

/// A result column: its name, its type as text (`varchar`, `timestamp(3)`) and the parsed type signature.
public struct Column: Codable, Sendable, Hashable {
    public var name: String
    public var type: String
    public var typeSignature: ClientTypeSignature

    public init(name: String, type: TrinoType) {
        self.name = name
        self.type = type.name
        self.typeSignature = type.signature
    }
}

/// `{"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]}`.
public struct ClientTypeSignature: Codable, Sendable, Hashable {
    public var rawType: String
    public var arguments: [ClientTypeSignatureParameter]

    public init(rawType: String, arguments: [ClientTypeSignatureParameter] = []) {
        self.rawType = rawType
        self.arguments = arguments
    }
}

/// A type parameter. Only numeric (`LONG`) parameters are needed for the types this server returns.
public struct ClientTypeSignatureParameter: Codable, Sendable, Hashable {
    /// `LONG` (also `TYPE`, `NAMED_TYPE`, `VARIABLE` in Trino).
    public var kind: String
    public var value: Int64

    public static func long(_ value: Int64) -> ClientTypeSignatureParameter {
        ClientTypeSignatureParameter(kind: "LONG", value: value)
    }
}

/// Progress of the query (`io.trino.client.StatementStats`). Clients show it; they must not use `state` to decide
/// whether the query is over (that is what a missing `nextUri` says).
public struct StatementStats: Codable, Sendable, Hashable {
    /// `QUEUED`, `RUNNING`, `FINISHED`, `FAILED`.
    public var state: String
    public var queued: Bool
    public var scheduled: Bool
    /// Omitted until the query is scheduled.
    public var progressPercentage: Double?
    public var nodes: Int
    public var totalSplits: Int
    public var queuedSplits: Int
    public var runningSplits: Int
    public var completedSplits: Int
    public var cpuTimeMillis: Int64
    public var wallTimeMillis: Int64
    public var queuedTimeMillis: Int64
    public var elapsedTimeMillis: Int64
    public var processedRows: Int64
    public var processedBytes: Int64
    public var physicalInputBytes: Int64
    public var peakMemoryBytes: Int64
    public var spilledBytes: Int64

    public init(
        state: String,
        queued: Bool = false,
        scheduled: Bool = false,
        progressPercentage: Double? = nil,
        nodes: Int = 0,
        totalSplits: Int = 0,
        queuedSplits: Int = 0,
        runningSplits: Int = 0,
        completedSplits: Int = 0,
        cpuTimeMillis: Int64 = 0,
        wallTimeMillis: Int64 = 0,
        queuedTimeMillis: Int64 = 0,
        elapsedTimeMillis: Int64 = 0,
        processedRows: Int64 = 0,
        processedBytes: Int64 = 0,
        physicalInputBytes: Int64 = 0,
        peakMemoryBytes: Int64 = 0,
        spilledBytes: Int64 = 0
    ) {
        self.state = state
        self.queued = queued
        self.scheduled = scheduled
        self.progressPercentage = progressPercentage
        self.nodes = nodes
        self.totalSplits = totalSplits
        self.queuedSplits = queuedSplits
        self.runningSplits = runningSplits
        self.completedSplits = completedSplits
        self.cpuTimeMillis = cpuTimeMillis
        self.wallTimeMillis = wallTimeMillis
        self.queuedTimeMillis = queuedTimeMillis
        self.elapsedTimeMillis = elapsedTimeMillis
        self.processedRows = processedRows
        self.processedBytes = processedBytes
        self.physicalInputBytes = physicalInputBytes
        self.peakMemoryBytes = peakMemoryBytes
        self.spilledBytes = spilledBytes
    }
}

/// Why a query failed (`io.trino.client.QueryError`); its presence is what marks a failed query.
public struct QueryError: Codable, Sendable, Hashable {
    public var message: String
    public var sqlState: String?
    public var errorCode: Int
    public var errorName: String
    public var errorType: String
    public var errorLocation: ErrorLocation?
    public var failureInfo: FailureInfo?

    public init(
        message: String,
        errorCode: TrinoErrorCode,
        errorLocation: ErrorLocation? = nil,
        sqlState: String? = nil
    ) {
        self.message = message
        self.sqlState = sqlState
        self.errorCode = errorCode.code
        self.errorName = errorCode.name
        self.errorType = errorCode.type
        self.errorLocation = errorLocation
        self.failureInfo = FailureInfo(
            type: errorCode.exceptionType,
            message: message,
            suppressed: [],
            stack: [],
            errorLocation: errorLocation
        )
    }
}

/// 1-based line and column of the offending token in the statement text.
public struct ErrorLocation: Codable, Sendable, Hashable {
    public var lineNumber: Int
    public var columnNumber: Int

    public init(lineNumber: Int, columnNumber: Int) {
        self.lineNumber = lineNumber
        self.columnNumber = columnNumber
    }
}

/// Trino's serialised exception (`io.trino.client.FailureInfo`); clients print `type` and `message`.
public struct FailureInfo: Codable, Sendable, Hashable {
    public var type: String
    public var message: String?
    public var suppressed: [FailureInfo]
    public var stack: [String]
    public var errorLocation: ErrorLocation?
}

/// A query warning (`io.trino.client.Warning`). This server emits none, but the member is always present.
public struct TrinoWarning: Codable, Sendable, Hashable {
    public struct Code: Codable, Sendable, Hashable {
        public var code: Int
        public var name: String
    }

    public var warningCode: Code
    public var message: String
}
