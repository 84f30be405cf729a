import Synchronization

/// Wakes consumers waiting for new records. A generation counter closes the race between "nothing to read" and
/// "start waiting": a waiter passes the generation it read before looking, and returns at once if it moved.
final class AppendNotifier: Sendable {
    private enum Waiter {
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case signalled
    }

    private struct State {
        var generation: UInt64 = 0
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// The current generation; it moves on every ``notifyAll()``.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    func notifyAll() {
        let continuations = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            var continuations: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters {
                switch waiter {
                case .waiting(let continuation):
                    continuations.append(continuation)
                    state.waiters[id] = .signalled
                case .registered:
                    state.waiters[id] = .signalled
                case .signalled:
                    break
                }
            }
            return continuations
        }
        for continuation in continuations { continuation.resume() }
    }

    /// Waits until the generation moves past `generation`, `timeout` passes, or the task is cancelled. The timeout
    /// runs in a child task of a task group (structured: nothing outlives the call).
    func wait(after generation: UInt64, timeout: Duration) async {
        let id: UInt64? = state.withLock { state in
            guard state.generation == generation else { return nil }
            state.nextID &+= 1
            state.waiters[state.nextID] = .registered
            return state.nextID
        }
        guard let id else { return }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: id) } }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        guard case .registered = state.waiters[id] else { return true }
                        state.waiters[id] = .waiting(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.signal(id)
            }
            await group.next()
            group.cancelAll()
            // The sleeper, cancelled, signals the waiter if it is still waiting; the group then drains both.
            self.signal(id)
        }
    }

    private func signal(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state.waiters[id] {
            case .waiting(let continuation):
                state.waiters[id] = .signalled
                return continuation
            case .registered:
                state.waiters[id] = .signalled
                return nil
            case .signalled, nil:
                return nil
            }
        }
        continuation?.resume()
    }
}
