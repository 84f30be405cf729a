import Dispatch

/// Runs blocking librdkafka calls (metadata, admin requests, commits, consumer polls, flush) on a dispatch queue, off
/// the Swift concurrency pool, so a slow broker never starves the cooperative threads.
struct BlockingQueue: Sendable {
    private let queue: DispatchQueue

    /// A serial queue (jobs run one at a time, in order) or a concurrent one.
    init(label: String, concurrent: Bool = false) {
        self.queue = DispatchQueue(label: label, attributes: concurrent ? .concurrent : [])
    }

    func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(KafkaLogError) -> Result
    ) async throws(KafkaLogError) -> Result {
        let result: Swift.Result<Result, KafkaLogError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(KafkaLogError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// On a concurrent queue, a barrier runs alone: after every job submitted before it, before any submitted after.
    func perform<Result: Sendable>(barrier: Bool = false, _ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            queue.async(flags: barrier ? .barrier : []) { continuation.resume(returning: body()) }
        }
    }
}
