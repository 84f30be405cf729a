import ServiceLifecycle

/// Why `runUntilStopped` stopped an operation.
enum StopReason: Sendable, Equatable {
    case deadline
    case shutdown
}

/// An operation stopped by its deadline or by graceful shutdown, with the error it ended with once cancelled (a
/// source reports the requests and errors it met until then this way).
struct Stopped: Error {
    var reason: StopReason
    var operationError: (any Error)?
}

/// Runs `operation` until it finishes, the deadline passes, or graceful shutdown is triggered — whichever comes
/// first. Only the operation is cancelled when it loses; the caller keeps running, so it can still record what
/// happened. A value the operation delivers while being stopped is still returned, never dropped.
func runUntilStopped<T: Sendable>(
    deadline: ContinuousClock.Instant?,
    _ operation: @escaping @Sendable () async throws -> T
) async -> Result<T, any Error> {
    await withTaskGroup(of: StopOutcome<T>.self) { group in
        group.addTask {
            do {
                return .value(try await operation())
            } catch {
                return .failed(error)
            }
        }
        group.addTask {
            await withTaskGroup(of: StopReason?.self) { inner in
                if let deadline {
                    inner.addTask {
                        do {
                            try await Task.sleep(until: deadline, clock: .continuous)
                            return .deadline
                        } catch {
                            return nil
                        }
                    }
                }
                inner.addTask {
                    do {
                        try await gracefulShutdown()
                        return .shutdown
                    } catch {
                        return nil
                    }
                }
                let first = await inner.next() ?? nil
                inner.cancelAll()
                return first.map { .stopped($0) } ?? .cancelled
            }
        }
        var stop: StopReason?
        while let outcome = await group.next() {
            switch outcome {
            case .value(let value):
                group.cancelAll()
                return .success(value)
            case .failed(let error):
                group.cancelAll()
                if let stop { return .failure(Stopped(reason: stop, operationError: error)) }
                return .failure(error)
            case .stopped(let reason):
                // Cancel the operation and wait for how it ends.
                stop = reason
                group.cancelAll()
            case .cancelled:
                continue
            }
        }
        return .failure(CancellationError())
    }
}

private enum StopOutcome<T: Sendable>: Sendable {
    case value(T)
    case failed(any Error)
    case stopped(StopReason)
    case cancelled
}
