import Dispatch

/// Runs blocking calls (fsync, atomic file replacement, librdkafka's metadata, admin, commit, poll and flush calls)
/// on a dispatch queue, off the Swift concurrency pool, so a slow disk or broker never starves the cooperative
/// threads.
public struct BlockingQueue: Sendable {
    private let queue: DispatchQueue

    /// A serial queue (jobs run one at a time, in submission order) or a concurrent one.
    public init(label: String, concurrent: Bool = false) {
        self.queue = DispatchQueue(label: label, attributes: concurrent ? .concurrent : [])
    }

    /// Runs `body` on the queue and returns its result or rethrows its error.
    public func run<Result: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let result: Swift.Result<Result, Failure> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(Failure) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// On a concurrent queue, a barrier runs alone: after every job submitted before it, before any submitted after.
    public func perform<Result: Sendable>(
        barrier: Bool = false,
        _ body: @escaping @Sendable () -> Result
    ) async -> Result {
        await withCheckedContinuation { continuation in
            queue.async(flags: barrier ? .barrier : []) { continuation.resume(returning: body()) }
        }
    }
}
