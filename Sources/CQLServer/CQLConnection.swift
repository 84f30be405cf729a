import CQLEngine
import CQLWire
import Logging
import NIOCore
import Synchronization

/// One client connection. Frames are read in order; connection-level messages (OPTIONS, STARTUP, AUTH_RESPONSE,
/// REGISTER) are answered at once, statements run concurrently per stream (bounded), and every answer carries its
/// request's stream id.
struct CQLConnection {
    let channel: NIOAsyncChannel<CQLFrame, ByteBuffer>
    let engine: CQLEngine
    let configuration: CQLServerConfiguration
    let logger: Logger

    static let supported = CQLSupported(options: [
        "CQL_VERSION": ["3.4.6"],
        "COMPRESSION": [],
        "PROTOCOL_VERSIONS": ["4/v4"],
    ])

    /// The connection's keyspace (USE), shared by its concurrent streams.
    final class Session: Sendable {
        let state = Mutex(CQLSession())
    }

    func run() async {
        let logger = {
            var logger = self.logger
            logger[metadataKey: "cql.client"] = "\(channel.channel.remoteAddress?.description ?? "unknown")"
            return logger
        }()
        let session = Session()
        var machine = CQLConnectionStateMachine(credentials: configuration.authentication)
        let limit = configuration.maxConcurrentRequestsPerConnection
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var running = 0
                    for try await frame in inbound {
                        let stream = frame.header.stream
                        let received = machine.received(frame)
                        switch received.action {
                        case .unsupportedVersion(let version):
                            try await outbound.write(
                                Self.frame(stream: stream, CQLError.unsupportedProtocolVersion(version))
                            )
                            logger.debug("cql.unsupported_version", metadata: ["cql.version": "\(version)"])
                        case .supported:
                            try await outbound.write(Self.frame(stream: stream, Self.supported))
                        case .ready:
                            try await outbound.write(Self.frame(stream: stream, CQLReady()))
                        case .authenticate:
                            try await outbound.write(
                                Self.frame(
                                    stream: stream,
                                    CQLAuthenticate(authenticator: CQLConnectionStateMachine.authenticator)
                                )
                            )
                        case .authSuccess(let user):
                            session.state.withLock { $0.user = user }
                            logger.debug("cql.authenticated", metadata: ["cql.user": "\(user)"])
                            try await outbound.write(Self.frame(stream: stream, CQLAuthSuccess(token: nil)))
                        case .error(let code, let message, let close):
                            try await outbound.write(Self.frame(stream: stream, CQLError(code: code, message: message)))
                            if close { return }
                        case .execute:
                            // The machine only runs a decoded request.
                            guard let request = received.request else { continue }
                            if running >= limit {
                                try await group.next()
                                running -= 1
                            }
                            running += 1
                            group.addTask {
                                let response = await Self.execute(
                                    request,
                                    engine: engine,
                                    session: session,
                                    logger: logger
                                )
                                try await outbound.write(Self.frame(stream: stream, response))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        } catch let error as CQLWireError {
            logger.info("cql.bad_frame", metadata: ["error": "\(error)"])
        } catch is CancellationError {
        } catch {
            logger.debug("cql.connection_error", metadata: ["error": "\(error)"])
        }
    }

    static func frame(stream: Int16, _ message: some CQLMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        do {
            try buffer.writeCQLFrame(version: 0x80 | CQLFrameHeader.v4, stream: stream, message: message)
        } catch {
            // A value that does not fit its column type: answer the stream with the reason instead.
            buffer.clear()
            try? buffer.writeCQLFrame(
                version: 0x80 | CQLFrameHeader.v4,
                stream: stream,
                message: CQLError(code: .serverError, message: "cannot encode the result: \(error)")
            )
        }
        return buffer
    }

    /// Runs a statement and turns the outcome into the response message.
    static func execute(
        _ request: CQLRequest,
        engine: CQLEngine,
        session: Session,
        logger: Logger
    ) async -> any CQLMessage {
        var current = session.state.withLock { $0 }
        do {
            let result: CQLEngineResult
            var skipMetadata = false
            switch request {
            case .query(let query):
                skipMetadata = query.parameters.skipMetadata
                result = try await engine.execute(
                    query.query,
                    values: query.parameters.values,
                    names: query.parameters.names,
                    session: &current,
                    options: options(query.parameters)
                )
            case .prepare(let prepare):
                let prepared = try engine.prepare(prepare.query, session: current)
                return CQLResult.prepared(
                    CQLPrepared(
                        id: prepared.id,
                        metadata: CQLPreparedMetadata(
                            columns: prepared.boundColumns,
                            partitionKeyIndexes: prepared.partitionKeyIndexes
                        ),
                        resultMetadata: prepared.resultColumns.isEmpty
                            ? .empty : CQLRowsMetadata(columns: prepared.resultColumns)
                    )
                )
            case .execute(let execute):
                skipMetadata = execute.parameters.skipMetadata
                result = try await engine.execute(
                    prepared: execute.id,
                    values: execute.parameters.values,
                    names: execute.parameters.names,
                    session: &current,
                    options: options(execute.parameters)
                )
            case .batch(let batch):
                result = try await engine.batch(
                    batch.statements.map { statement in
                        switch statement.kind {
                        case .query(let text): .query(text, statement.values)
                        case .prepared(let id): .prepared(id, statement.values)
                        }
                    },
                    type: batch.type == .unlogged ? .unlogged : batch.type == .counter ? .counter : .logged,
                    session: &current,
                    options: CQLExecutionOptions(
                        consistency: batch.consistency,
                        serialConsistency: batch.serialConsistency,
                        defaultTimestamp: batch.defaultTimestamp
                    )
                )
            default:
                return CQLError(code: .protocolError, message: "not a statement")
            }
            switch result {
            case .void:
                return CQLResult.void
            case .rows(let columns, let rows, let pagingState):
                return CQLResult.rows(
                    CQLRows(
                        metadata: CQLRowsMetadata(columns: columns, pagingState: pagingState, noMetadata: skipMetadata),
                        rows: rows
                    )
                )
            case .setKeyspace(let keyspace):
                session.state.withLock { $0.keyspace = keyspace }
                return CQLResult.setKeyspace(keyspace)
            case .schemaChange(let change):
                return CQLResult.schemaChange(change)
            }
        } catch let error as CQLEngineError {
            logger.debug("cql.statement_failed", metadata: ["cql.code": "\(error.code)", "error": "\(error.message)"])
            return error.wireError
        } catch {
            logger.warning("cql.statement_failed", metadata: ["error": "\(error)"])
            return CQLError(code: .serverError, message: "\(error)")
        }
    }

    static func options(_ parameters: CQLQueryParameters) -> CQLExecutionOptions {
        CQLExecutionOptions(
            pageSize: parameters.pageSize,
            pagingState: parameters.pagingState,
            consistency: parameters.consistency,
            serialConsistency: parameters.serialConsistency,
            defaultTimestamp: parameters.defaultTimestamp,
            skipMetadata: parameters.skipMetadata
        )
    }
}
