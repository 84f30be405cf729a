import Foundation
import Logging
import Metrics
import UserStreamCore

/// Runs the `user_automation` job: fetches users from a source, flattens them into the seeds' record and produces
/// them to `users_created` (key = id, headers: schema version, source, run id). A user object that cannot be
/// decoded or flattened goes to `users_created.dlq` with the reason. Every run is recorded in the store.
public struct Ingestor: Sendable {
    let log: any Log
    let store: any UserStore
    let source: any UserSource
    let configuration: IngestConfiguration
    let logger: Logger

    public init(
        log: any Log,
        store: any UserStore,
        source: any UserSource,
        configuration: IngestConfiguration,
        logger: Logger
    ) {
        self.log = log
        self.store = store
        self.source = source
        self.configuration = configuration
        self.logger = logger
    }

    /// A new Airflow-style run id: `<trigger>__<UTC time with milliseconds>`.
    public static func makeRunID(trigger: String, at milliseconds: Int64 = Timestamp.nowMilliseconds()) -> String {
        "\(trigger)__\(Timestamp.iso8601(milliseconds: milliseconds))"
    }

    /// Runs the job once and returns the final run record (also saved in the store). The run stops when its
    /// duration elapses, its count is reached, the source is exhausted, the source gives up, or graceful shutdown
    /// is triggered; what was produced until then is kept and recorded.
    public func runOnce(trigger: String = "manual", runID: String? = nil) async throws -> JobRun {
        let startMillis = Timestamp.nowMilliseconds()
        let clock = ContinuousClock()
        let started = clock.now
        var run = JobRun(
            runID: runID ?? Self.makeRunID(trigger: trigger, at: startMillis),
            trigger: trigger,
            source: source.name,
            startedAt: Self.date(startMillis)
        )
        var logger = logger
        logger[metadataKey: "job.run_id"] = "\(run.runID)"
        logger.info("job.run.started", metadata: ["job.source": "\(source.name)"])
        try await log.createTopic(Topics.usersCreated, partitions: configuration.partitions)
        try await log.createTopic(Topics.usersCreatedDLQ, partitions: 1)
        try await store.saveRun(run)
        Counter(label: "userstream_job_runs_started_total").increment()

        let deadline = configuration.duration.map { started + $0 }
        var lastSave = started
        var stopReason: String?
        var backpressureUnknown = false
        loop: while true {
            if let count = configuration.count, run.usersFetched >= count { break }
            if let deadline, clock.now >= deadline { break }
            let wanted = min(
                max(1, min(configuration.batchSize, IngestConfiguration.maxBatchSize)),
                configuration.count.map { $0 - run.usersFetched } ?? Int.max
            )
            if let backpressure = configuration.backpressure {
                let waited = await runUntilStopped(deadline: deadline) {
                    try await StageProfile.measure(.heldBack) { try await backpressure.wait() }
                }
                if case .failure(let error) = waited {
                    if let stopped = error as? Stopped {
                        if stopped.reason == .shutdown { stopReason = "stopped by shutdown" }
                        break loop
                    }
                    if error is CancellationError {
                        stopReason = "cancelled"
                        break loop
                    }
                    // How far processing is behind cannot be told (the store is down, say): the log is durable, so
                    // the run goes on without holding back rather than failing on a measurement. Said once a run.
                    if !backpressureUnknown {
                        backpressureUnknown = true
                        logger.warning("job.run.backpressure_unknown", metadata: ["error": "\(error)"])
                    }
                }
            }
            let source = self.source
            let outcome = await runUntilStopped(deadline: deadline) {
                try await source.nextBatch(maxUsers: wanted)
            }
            let batch: SourceBatch
            switch consume outcome {
            case .success(nil):
                logger.info("job.run.source_exhausted")
                break loop
            case .success(let value?):
                batch = value
            case .failure(let error):
                // Whatever ended the fetch, keep the requests and errors the source met until then.
                var sourceError = error as? UserSourceError
                if let stopped = error as? Stopped {
                    sourceError = stopped.operationError as? UserSourceError
                    if stopped.reason == .shutdown { stopReason = "stopped by shutdown" }
                } else if error is CancellationError || sourceError?.code == .cancelled {
                    stopReason = "cancelled"
                } else if let sourceError {
                    run.message = sourceError.description
                    run.state = .failed
                    logger.error("job.run.source_failed", metadata: ["error": "\(sourceError)"])
                } else {
                    run.message = "\(error)"
                    run.state = .failed
                    logger.error("job.run.source_failed", metadata: ["error": "\(error)"])
                }
                if let sourceError {
                    run.requests += sourceError.requests
                    run.errors.merge(sourceError.errors, uniquingKeysWith: +)
                    Self.recordAPIMetrics(requests: sourceError.requests, errors: sourceError.errors)
                }
                break loop
            }
            run.requests += batch.requests
            run.errors.merge(batch.errors, uniquingKeysWith: +)
            Self.recordAPIMetrics(requests: batch.requests, errors: batch.errors)
            do {
                try await produce(consume batch, into: &run)
                if clock.now - lastSave >= configuration.progressInterval {
                    try await store.saveRun(run)
                    lastSave = clock.now
                }
            } catch {
                // The log or the store refused: record the failure in the run rather than leave it 'running'.
                run.state = .failed
                run.message = "\(error)"
                logger.error("job.run.produce_failed", metadata: ["error": "\(error)"])
                break loop
            }
            if configuration.usersPerSecond > 0 {
                let due = started + .milliseconds(Int64(Double(run.usersFetched) / configuration.usersPerSecond * 1000))
                let wake = deadline.map { min($0, due) } ?? due
                if wake > clock.now {
                    let slept = await runUntilStopped(deadline: nil) {
                        try await Task.sleep(until: wake, clock: .continuous)
                    }
                    if case .failure(let error) = slept {
                        stopReason = (error as? Stopped)?.reason == .shutdown ? "stopped by shutdown" : "cancelled"
                        break loop
                    }
                }
            }
        }

        run.endedAt = Self.date(Timestamp.nowMilliseconds())
        if run.state == .running {
            if let stopReason {
                run.state = .interrupted
                run.message = stopReason
            } else {
                run.state = run.produced > 0 ? .success : .failed
            }
        }
        if run.produced == 0 {
            // The seeds' DAG reported success while producing nothing; we do not.
            run.state = .failed
            run.message = run.message ?? "the run delivered zero users"
        }
        // Record how the run ended even when the task running it was cancelled.
        let finished = run
        let store = self.store
        try await Task { try await store.saveRun(finished) }.value
        Counter(label: "userstream_job_runs_total", dimensions: [("state", run.state.rawValue)]).increment()
        logger.info(
            "job.run.finished",
            metadata: [
                "job.state": "\(run.state.rawValue)", "job.fetched": "\(run.usersFetched)",
                "job.produced": "\(run.produced)", "job.dead_lettered": "\(run.deadLettered)",
                "job.requests": "\(run.requests)",
            ]
        )
        if run.produced == 0, run.errors["connection", default: 0] + run.errors["timeout", default: 0] > 0 {
            logger.warning(
                "job.run.source_unreachable",
                metadata: [
                    "hint":
                        "the source could not be reached: check --api-url and the network, or run offline with --source synthetic"
                ]
            )
        }
        return run
    }

    /// Flattens and produces one source batch, updating the run's counters.
    func produce(_ batch: consuming SourceBatch, into run: inout JobRun) async throws {
        let now = Timestamp.nowMilliseconds()
        let ingestedAt = Timestamp.iso8601(milliseconds: now)
        let baseHeaders = [
            LogHeader(key: RecordHeaders.schemaVersion, string: RecordHeaders.currentSchemaVersion),
            LogHeader(key: RecordHeaders.source, string: source.name),
            LogHeader(key: RecordHeaders.runID, string: run.runID),
        ]
        var records: [LogRecord] = []
        // Move the users out of the batch one by one from its end instead of copying each (and its thirty strings)
        // out of it; the records built come out last-first and are put back in order below.
        var pending = (consume batch).users
        let fetched = pending.count
        records.reserveCapacity(fetched)
        var deadLetters: [LogRecord] = []
        // `bench --profile`: flatten and encode time, read per user only when a profile is bound.
        let profile = StageProfile.current
        var flattening = Duration.zero
        var encoding = Duration.zero
        while let sourced = pending.popLast() {
            switch sourced {
            case .user(let user):
                do {
                    let started = profile == nil ? nil : ContinuousClock.now
                    let record = try UserRecord(flattening: user, ingestedAt: ingestedAt)
                    let flattened = started == nil ? nil : ContinuousClock.now
                    let value = record.jsonBytes()
                    if let started, let flattened {
                        flattening += flattened - started
                        encoding += ContinuousClock.now - flattened
                    }
                    records.append(
                        LogRecord(
                            key: Array(record.id.utf8),
                            value: value,
                            headers: baseHeaders,
                            timestamp: now
                        )
                    )
                } catch {
                    deadLetters.append(
                        Self.deadLetter(raw: user.apiJSONBytes(), reason: "\(error)", headers: baseHeaders, at: now)
                    )
                }
            case .rejected(let raw, let reason):
                deadLetters.append(Self.deadLetter(raw: raw, reason: reason, headers: baseHeaders, at: now))
            }
        }
        if let profile {
            profile.add(.flatten, flattening)
            profile.add(.encode, encoding)
        }
        records.reverse()
        deadLetters.reverse()
        run.usersFetched += fetched
        if !deadLetters.isEmpty {
            try await log.produce(deadLetters, to: Topics.usersCreatedDLQ)
            run.deadLettered += deadLetters.count
            Counter(label: "userstream_dead_letters_total", dimensions: [("stage", "ingest")]).increment(
                by: deadLetters.count
            )
            for letter in deadLetters.prefix(3) {
                logger.warning(
                    "ingest.dead_letter",
                    metadata: ["dlq.reason": "\(letter.headers.first?.stringValue ?? "")"]
                )
            }
        }
        if !records.isEmpty {
            try await StageProfile.measure(.logAppend) { try await log.produce(records, to: Topics.usersCreated) }
            run.produced += records.count
            Counter(label: "userstream_produced_total").increment(by: records.count)
            configuration.onProduced?(records.count)
        }
    }

    static func deadLetter(raw: [UInt8], reason: String, headers: [LogHeader], at timestamp: Int64) -> LogRecord {
        LogRecord(
            key: nil,
            value: raw,
            headers: [
                LogHeader(key: RecordHeaders.dlqReason, string: reason),
                LogHeader(key: RecordHeaders.dlqStage, string: "ingest"),
            ] + headers,
            timestamp: timestamp
        )
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `userstream_api_requests_total` and `userstream_api_errors_total{kind}`: the source's HTTP requests and their
    /// failures by kind (connection, timeout, http_5xx, …).
    static func recordAPIMetrics(requests: Int, errors: [String: Int]) {
        if requests > 0 { Counter(label: "userstream_api_requests_total").increment(by: requests) }
        for (kind, count) in errors where count > 0 {
            Counter(label: "userstream_api_errors_total", dimensions: [("kind", kind)]).increment(by: count)
        }
    }
}
