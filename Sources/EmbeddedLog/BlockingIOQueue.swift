import Dispatch

/// Runs blocking system calls (fsync, atomic file replacement) off the Swift concurrency pool, on a serial dispatch
/// queue, so a slow disk does not starve the cooperative threads. Serial: jobs run in submission order.
final class BlockingIOQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(EmbeddedLogError) -> Result
    ) async throws(EmbeddedLogError) -> Result {
        let result: Swift.Result<Result, EmbeddedLogError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(EmbeddedLogError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
