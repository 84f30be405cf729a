import Logging
import ServiceLifecycle
import Synchronization
import UserStreamCore

/// Runs the `user_automation` job on a schedule: the first run starts right away, then the schedule takes over.
/// At most one run is active; a fire time that passes while a run is still going is skipped, not caught up (like
/// Airflow with `max_active_runs=1, catchup=False`). Manual runs can be requested with `trigger()`; the schedule
/// can be paused and resumed.
public final class JobScheduler: Service, Sendable {
    let ingestor: Ingestor
    let schedule: CronSchedule
    let logger: Logger
    let state: Mutex<State>

    struct State {
        var paused = false
        var manualRequests = 0
        var lastRun: JobRun?
        var running = false
        var serving = false
    }

    public init(ingestor: Ingestor, schedule: CronSchedule, logger: Logger) {
        self.ingestor = ingestor
        self.schedule = schedule
        self.logger = logger
        self.state = Mutex(State())
    }

    /// Requests a manual run as soon as no other run is active.
    public func trigger() {
        state.withLock { $0.manualRequests += 1 }
    }

    /// Pauses or resumes the schedule (manual triggers still run).
    public func setPaused(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    public var isPaused: Bool { state.withLock { $0.paused } }
    public var isRunning: Bool { state.withLock { $0.running } }
    public var lastRun: JobRun? { state.withLock { $0.lastRun } }
    /// Whether the scheduler's service loop is running (readiness), whether or not a job run is active.
    public var isServing: Bool { state.withLock { $0.serving } }

    public func run() async throws {
        state.withLock { $0.serving = true }
        defer { state.withLock { $0.serving = false } }
        var nextFire: Int64? = Timestamp.nowMilliseconds()  // the first run starts right away
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let now = Timestamp.nowMilliseconds()
            let manual = state.withLock { state -> Bool in
                guard state.manualRequests > 0 else { return false }
                state.manualRequests -= 1
                return true
            }
            let paused = state.withLock { $0.paused }
            if manual || (!paused && (nextFire.map { $0 <= now } ?? false)) {
                let trigger = manual ? "manual" : "scheduled"
                state.withLock { $0.running = true }
                do {
                    let run = try await ingestor.runOnce(trigger: trigger)
                    state.withLock { $0.lastRun = run }
                } catch is CancellationError {
                    state.withLock { $0.running = false }
                    break
                } catch {
                    logger.error("scheduler.run_failed", metadata: ["error": "\(error)"])
                }
                state.withLock { $0.running = false }
                if !manual || (nextFire.map { $0 <= Timestamp.nowMilliseconds() } ?? false) {
                    // Skip every fire time that passed during the run: missed runs are not caught up.
                    nextFire = schedule.nextFire(after: Timestamp.nowMilliseconds())
                    if let fire = nextFire {
                        logger.info(
                            "scheduler.next_run",
                            metadata: ["job.next_fire": "\(Timestamp.iso8601(milliseconds: fire))"]
                        )
                    }
                }
                continue
            }
            // Sleep until the next fire time in short steps, so manual triggers, pause/resume and shutdown are
            // noticed within a fifth of a second.
            let sleepMillis = paused ? 200 : min(200, max(1, (nextFire ?? (now + 200)) - now))
            do {
                try await Task.sleep(for: .milliseconds(sleepMillis))
            } catch {
                break
            }
        }
        logger.info("scheduler.stopped")
    }
}
