import Pipeline
import Synchronization

/// Users per second over a sliding window of about 10 s, from two cumulative counters (users produced to the log,
/// users processed into the store).
///
/// The counters move in steps: the ingestor saves its run's `produced` count every few seconds and the processor
/// commits a batch at a time, so the difference between two snapshots one second apart swings between zero and
/// several seconds' worth of users. Over a window several steps wide the rate settles to what the pipeline does.
/// Samples come from the server-sent snapshots of every viewer, so a newly opened page sees the window at once.
struct RateWindow: Sendable {
    struct Sample: Sendable, Hashable {
        var at: ContinuousClock.Instant
        var produced: Int
        var processed: Int
    }

    /// The span the rates cover. Default 10 s.
    var window: Duration = .seconds(10)
    /// The shortest span that gives a rate (before that: nil): the interval between two snapshots. Default 1 s.
    var minimumSpan: Duration = .seconds(1)
    private(set) var samples: [Sample] = []

    /// Adds a sample and returns the rates over the window that ends with it; nil while the samples span less than
    /// `minimumSpan`. A counter that went down (a store replaced under `serve --cassandra`) restarts the window.
    mutating func add(_ sample: Sample) -> (ingested: Double, processed: Double)? {
        if let last = samples.last,
            sample.at < last.at || sample.produced < last.produced || sample.processed < last.processed
        {
            samples.removeAll()
        }
        samples.append(sample)
        // Keep the newest sample at or before the window's start, so the rates cover the whole window.
        let start = sample.at - window
        if let firstInside = samples.firstIndex(where: { $0.at > start }), firstInside > 1 {
            samples.removeFirst(firstInside - 1)
        }
        guard let first = samples.first else { return nil }
        let span = sample.at - first.at
        guard span >= minimumSpan else { return nil }
        let seconds = span.secondsDouble
        return (
            Double(sample.produced - first.produced) / seconds,
            Double(sample.processed - first.processed) / seconds
        )
    }
}

/// A `RateWindow` shared by every viewer of one dashboard.
final class RateMeter: Sendable {
    private let state: Mutex<RateWindow>

    init(minimumSpan: Duration) {
        var window = RateWindow()
        window.minimumSpan = minimumSpan
        state = Mutex(window)
    }

    func add(
        produced: Int,
        processed: Int,
        at: ContinuousClock.Instant = .now
    ) -> (
        ingested: Double, processed: Double
    )? {
        state.withLock { $0.add(.init(at: at, produced: produced, processed: processed)) }
    }
}
