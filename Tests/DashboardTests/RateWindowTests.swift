import Testing

@testable import Dashboard

@Suite("Dashboard rates over a 10 s window")
struct RateWindowTests {
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant {
        start + .milliseconds(Int64(seconds * 1000))
    }

    @Test func stepCountersGiveTheSteadyRate() throws {
        // The pipeline runs at 500 users/s: the ingestor saves `produced` every 2 s (steps of 1,000), the processor
        // commits 100 users every 0.2 s. Snapshots every second.
        var window = RateWindow()
        var rates: [(ingested: Double, processed: Double)?] = []
        for second in 0...30 {
            let t = Double(second) + 0.05
            let produced = Int(t / 2) * 1_000
            let processed = Int(t / 0.2) * 100
            rates.append(window.add(.init(at: at(t), produced: produced, processed: processed)))
        }
        #expect(rates[0] == nil)
        // Per-second differences would swing between 0 and 1,000 ingested/s; over the window they stay near 500.
        for rate in rates[10...] {
            let rate = try #require(rate)
            #expect(abs(rate.ingested - 500) <= 100, "\(rate)")
            #expect(abs(rate.processed - 500) <= 50, "\(rate)")
        }
        #expect(window.samples.count <= 12)
    }

    @Test func idleAfterBurstDecaysToZero() throws {
        var window = RateWindow()
        _ = window.add(.init(at: at(0), produced: 0, processed: 0))
        _ = window.add(.init(at: at(1), produced: 1_000, processed: 1_000))
        var last: (ingested: Double, processed: Double)?
        for second in 2...13 {
            last = window.add(.init(at: at(Double(second)), produced: 1_000, processed: 1_000))
        }
        let rate = try #require(last)
        #expect(rate.ingested == 0 && rate.processed == 0)
    }

    @Test func counterGoingDownRestartsTheWindow() {
        var window = RateWindow()
        _ = window.add(.init(at: at(0), produced: 5_000, processed: 5_000))
        #expect(window.add(.init(at: at(2), produced: 7_000, processed: 7_000)) != nil)
        #expect(window.add(.init(at: at(3), produced: 10, processed: 10)) == nil)
        #expect(window.samples.count == 1)
    }
}
