import CQLWire
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// Connections to the contact points: `connectionsPerHost` slots per node, opened lazily, replaced when they close.
///
/// `connection(avoiding:)` picks nodes round-robin, preferring nodes not in `avoiding` (those a retry wants to
/// leave) and nodes whose last connection attempt did not fail recently; within a node, the least loaded ready
/// connection. A slot without a connection starts opening one when it is needed — when the node has no ready
/// connection, or its ready connections all carry requests — so a node gets its second connection under load only.
/// No background task: connection attempts are NIO futures whose completion updates the pool.
final class CQLConnectionPool: Sendable {
    private struct Slot {
        var connection: CQLConnection?
        var connecting: EventLoopFuture<CQLConnection>?
    }

    private struct Host {
        var endpoint: CQLEndpoint
        var slots: [Slot]
        /// Until when the node sorts last, after a failed connection attempt.
        var downUntil: ContinuousClock.Instant?
        var failures = 0
    }

    private struct State {
        var hosts: [Host]
        var nextHost = 0
        var closed = false
    }

    private enum Pick {
        case ready(CQLConnection)
        case wait(EventLoopFuture<CQLConnection>)
        case failed
    }

    let configuration: CQLClientConfiguration
    private let state: Mutex<State>
    private let eventLoopGroup: any EventLoopGroup
    private let sslContext: NIOSSLContext?
    private let logger: Logger

    init(
        configuration: CQLClientConfiguration,
        eventLoopGroup: any EventLoopGroup,
        sslContext: NIOSSLContext?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.sslContext = sslContext
        self.logger = logger
        let slots = max(1, configuration.connectionsPerHost)
        self.state = Mutex(
            State(
                hosts: configuration.contactPoints.map {
                    Host(endpoint: $0, slots: Array(repeating: Slot(), count: slots))
                }
            )
        )
    }

    /// A ready connection, opening one if needed.
    ///
    /// - Throws: `CQLClientError` `.noHostAvailable` when no node could be connected to (with the last node's error
    ///   in the message; an authentication failure is thrown as is, since other nodes would refuse it too), `.closed`
    ///   after `close()`.
    func connection(avoiding: Set<CQLEndpoint> = []) async throws -> CQLConnection {
        let order = try hostOrder(avoiding: avoiding)
        var lastError: CQLClientError?
        for hostIndex in order {
            switch pick(hostIndex) {
            case .ready(let connection):
                return connection
            case .wait(let future):
                do {
                    return try await future.get()
                } catch let error as CQLClientError {
                    if error.code == .authentication || error.code == .closed { throw error }
                    lastError = error
                }
            case .failed:
                continue
            }
        }
        let endpoints = configuration.contactPoints.map(\.description).joined(separator: ", ")
        throw CQLClientError(
            .noHostAvailable,
            "no node could be connected to (\(endpoints))" + (lastError.map { ": \($0.message)" } ?? ""),
            endpoint: lastError?.endpoint,
            mayHaveBeenSent: false
        )
    }

    /// Host indexes in the order to try: round-robin, then nodes to avoid, then nodes that failed recently.
    private func hostOrder(avoiding: Set<CQLEndpoint>) throws(CQLClientError) -> [Int] {
        let now = ContinuousClock.now
        return try state.withLock { state throws(CQLClientError) -> [Int] in
            guard !state.closed else {
                throw CQLClientError(.closed, "the client is closed", mayHaveBeenSent: false)
            }
            let count = state.hosts.count
            guard count > 0 else {
                throw CQLClientError(.invalidArgument, "no contact points are configured", mayHaveBeenSent: false)
            }
            let start = state.nextHost
            state.nextHost = (state.nextHost + 1) % count
            let rotated = (0..<count).map { (start + $0) % count }
            func rank(_ index: Int) -> Int {
                let host = state.hosts[index]
                let down = host.downUntil.map { $0 > now } ?? false
                return (down ? 2 : 0) + (avoiding.contains(host.endpoint) ? 1 : 0)
            }
            return rotated.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
                .map(\.element)
        }
    }

    private func pick(_ hostIndex: Int) -> Pick {
        // The connection attempt starts under the lock, so that concurrent callers see the slot as connecting; its
        // completion callback is registered after (it takes the lock itself).
        let (pick, started) = state.withLock { state -> (Pick, (slot: Int, future: EventLoopFuture<CQLConnection>)?) in
            guard !state.closed else { return (.failed, nil) }
            var host = state.hosts[hostIndex]
            defer { state.hosts[hostIndex] = host }
            // Forget connections that closed (their close callback may not have run yet).
            for index in host.slots.indices where host.slots[index].connection?.isActive == false {
                host.slots[index].connection = nil
            }
            let ready = host.slots.compactMap(\.connection).min { $0.load < $1.load }
            let emptySlot = host.slots.firstIndex { $0.connection == nil && $0.connecting == nil }
            if let ready, ready.load == 0 || emptySlot == nil {
                return (.ready(ready), nil)
            }
            if let emptySlot {
                // Open one more connection; use a ready one meanwhile.
                let future = CQLConnection.connect(
                    to: host.endpoint,
                    configuration: configuration,
                    sslContext: sslContext,
                    eventLoop: eventLoopGroup.next(),
                    logger: logger
                )
                host.slots[emptySlot].connecting = future
                return (ready.map { .ready($0) } ?? .wait(future), (emptySlot, future))
            }
            if let ready { return (.ready(ready), nil) }
            if let connecting = host.slots.compactMap(\.connecting).first { return (.wait(connecting), nil) }
            return (.failed, nil)
        }
        if let started {
            started.future.whenComplete { result in
                self.connectCompleted(hostIndex: hostIndex, slot: started.slot, future: started.future, result: result)
            }
        }
        return pick
    }

    private func connectCompleted(
        hostIndex: Int,
        slot: Int,
        future: EventLoopFuture<CQLConnection>,
        result: Result<CQLConnection, any Error>
    ) {
        let closeNow = state.withLock { state -> CQLConnection? in
            var host = state.hosts[hostIndex]
            defer { state.hosts[hostIndex] = host }
            guard host.slots[slot].connecting === future else { return nil }
            host.slots[slot].connecting = nil
            switch result {
            case .success(let connection):
                if state.closed { return connection }
                host.slots[slot].connection = connection
                host.downUntil = nil
                host.failures = 0
            case .failure:
                host.failures += 1
                host.downUntil = ContinuousClock.now + configuration.downHostDelay
            }
            return nil
        }
        switch result {
        case .success(let connection):
            if let closeNow {
                _ = closeNow.close()
                return
            }
            logger.debug("cql.connection.opened", metadata: ["cql.endpoint": "\(connection.endpoint)"])
            connection.closeFuture.whenComplete { _ in
                self.connectionClosed(hostIndex: hostIndex, slot: slot, connection: connection)
            }
        case .failure(let error):
            logger.debug(
                "cql.connection.failed",
                metadata: ["cql.endpoint": "\(configuration.contactPoints[hostIndex])", "cql.error": "\(error)"]
            )
        }
    }

    private func connectionClosed(hostIndex: Int, slot: Int, connection: CQLConnection) {
        state.withLock { state in
            if state.hosts[hostIndex].slots[slot].connection === connection {
                state.hosts[hostIndex].slots[slot].connection = nil
            }
        }
        logger.debug("cql.connection.closed", metadata: ["cql.endpoint": "\(connection.endpoint)"])
    }

    /// Closes every connection; later requests fail with `.closed`.
    func close() async {
        var (connections, connecting) = state.withLock { state -> ([CQLConnection], [EventLoopFuture<CQLConnection>]) in
            state.closed = true
            var connections: [CQLConnection] = []
            var connecting: [EventLoopFuture<CQLConnection>] = []
            for hostIndex in state.hosts.indices {
                for slot in state.hosts[hostIndex].slots.indices {
                    if let connection = state.hosts[hostIndex].slots[slot].connection { connections.append(connection) }
                    if let future = state.hosts[hostIndex].slots[slot].connecting { connecting.append(future) }
                    state.hosts[hostIndex].slots[slot] = Slot()
                }
            }
            return (connections, connecting)
        }
        for future in connecting {
            if let connection = try? await future.get() { connections.append(connection) }
        }
        for connection in connections {
            try? await connection.close().get()
        }
    }

    /// The ready connections, for tests.
    var readyConnectionCount: Int {
        state.withLock { state in
            state.hosts.reduce(0) { $0 + $1.slots.filter { $0.connection?.isActive == true }.count }
        }
    }
}
