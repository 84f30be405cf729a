import Foundation
import Synchronization
import UserStreamBench

/// One status line on standard error that rewrites itself in place (count, rate, and an ETA or the lag), for long
/// commands on a terminal. Made only when standard error is a terminal (and `TERM` is not `dumb`): piped or
/// redirected output keeps the log lines alone, with no carriage returns in it.
///
/// Redraws at most every 200 ms; `finish()` clears the line so that the command's summary starts on a clean line.
final class ProgressLine: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var shown = false
        var finished = false
    }

    private let state = Mutex(State())
    let started = ContinuousClock.now

    private init() {}

    /// A progress line, or `nil` when standard error is not a terminal.
    static func onTerminal() -> ProgressLine? {
        guard isatty(STDERR_FILENO) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        return ProgressLine()
    }

    /// Shows `text` unless the line was drawn less than 200 ms ago (`force` draws anyway).
    func show(_ text: String, force: Bool = false) {
        let now = ContinuousClock.now
        let draw = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            if !force, let last = state.lastDraw, now - last < .milliseconds(200) { return false }
            state.lastDraw = now
            state.shown = true
            return true
        }
        // Carriage return, erase the line, then the text.
        if draw { Self.write("\r\u{1B}[2K" + text) }
    }

    /// Clears the line; later `show` calls draw nothing.
    func finish() {
        let shown = state.withLock { state -> Bool in
            state.finished = true
            return state.shown
        }
        if shown { Self.write("\r\u{1B}[2K") }
    }

    /// Seconds since the line was made.
    var elapsedSeconds: Double { (ContinuousClock.now - started).secondsDouble }

    private static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    // MARK: - Formatting

    /// `1234567` → `1,234,567` (as `bench` prints figures).
    static func count(_ value: Int) -> String { PipelineBench.rate(Double(value)) }

    /// Items per second over `seconds`, as a whole number with separators.
    static func rate(_ items: Int, over seconds: Double) -> String {
        count(seconds > 0 ? Int((Double(items) / seconds).rounded()) : 0)
    }

    /// `75` → `1m15s`, `3725` → `1h02m`; `--` when unknown.
    static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m"
    }

    /// `done` of `total` at the rate so far: the time left.
    func eta(done: Int, total: Int) -> String {
        let seconds = elapsedSeconds
        guard done > 0, seconds > 0 else { return "--" }
        return Self.duration(seconds: Double(max(0, total - done)) / (Double(done) / seconds))
    }
}

/// A running total that callbacks on other tasks add to, for a `ProgressLine`.
final class ProgressCount: Sendable {
    private let total = Mutex(0)

    /// Adds `count` and returns the new total.
    @discardableResult
    func add(_ count: Int) -> Int {
        total.withLock { total in
            total += count
            return total
        }
    }

    var value: Int { total.withLock { $0 } }
}
