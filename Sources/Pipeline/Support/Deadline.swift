import ServiceLifecycle

/// Why `runUntilStopped` returned without a value.
enum StopReason: Error, Sendable, Equatable {
    case deadline
    case shutdown
}

/// Runs `operation` until it finishes, the deadline passes, or graceful shutdown is triggered — whichever comes
/// first. Only the operation is cancelled when it loses; the caller keeps running, so it can still record what
/// happened.
func runUntilStopped<T: Sendable>(
    deadline: ContinuousClock.Instant?,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> Result<T, StopReason>? {
    try await withThrowingTaskGroup(of: StopOutcome<T>.self) { group in
        group.addTask { StopOutcome<T>.value(try await operation()) }
        group.addTask {
            if let deadline {
                return try await withThrowingTaskGroup(of: StopReason.self) { inner in
                    inner.addTask {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        return .deadline
                    }
                    inner.addTask {
                        try await gracefulShutdown()
                        return .shutdown
                    }
                    let first = try await inner.next()!
                    inner.cancelAll()
                    return StopOutcome<T>.stopped(first)
                }
            } else {
                try await gracefulShutdown()
                return StopOutcome<T>.stopped(.shutdown)
            }
        }
        defer { group.cancelAll() }
        while let outcome = try await group.next() {
            switch outcome {
            case .value(let value):
                return .success(value)
            case .stopped(let reason):
                return .failure(reason)
            }
        }
        return nil
    }
}

private enum StopOutcome<T: Sendable>: Sendable {
    case value(T)
    case stopped(StopReason)
}
