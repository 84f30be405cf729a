import Foundation
import Pipeline
import SQLiteStore
import UserStreamCore

/// Reads everything the dashboard shows from the store (read-only statements through `SQLiteStore.query`), the
/// scheduler and the log's offsets.
struct DashboardData: Sendable {
    let store: SQLiteStore
    let scheduler: JobScheduler?
    let logOffsets: (@Sendable () async throws -> [TopicPartition: ClosedOffsetRange])?
    let deadLetters: DeadLetterMonitor?
    let recentRuns: Int

    var keyspace: String { store.configuration.keyspace }

    /// Rows of a read-only statement as text cells.
    func rows(_ sql: String, limit: Int = 10_000) async throws -> [[String?]] {
        try await store.query(sql, limit: limit).rows
    }

    func int(_ sql: String) async throws -> Int {
        let rows = try await rows(sql, limit: 1)
        return rows.first?.first.flatMap { $0 }.flatMap { Int($0) } ?? 0
    }

    var schedulerState: DashboardModels.SchedulerState {
        guard let scheduler else { return .init(available: false) }
        return .init(
            available: true,
            paused: scheduler.isPaused,
            running: scheduler.isRunning,
            lastRunID: scheduler.lastRun?.runID
        )
    }

    func runs(limit: Int) async throws -> [DashboardModels.Run] {
        try await store.runs(limit: limit).map(Self.run)
    }

    static func run(_ report: JobRunReport) -> DashboardModels.Run {
        let run = report.run
        let duration = run.endedAt.map { $0.timeIntervalSince(run.startedAt) }
        return .init(
            runID: run.runID,
            job: run.job,
            trigger: run.trigger,
            source: run.source,
            state: run.state.rawValue,
            startedAt: iso(run.startedAt),
            endedAt: run.endedAt.map(iso),
            durationSeconds: duration.map { ($0 * 1000).rounded() / 1000 },
            requests: run.requests,
            fetched: report.fetched,
            produced: report.produced,
            deadLettered: max(run.deadLettered, report.processed.deadLettered),
            stored: report.processed.stored,
            duplicates: report.processed.duplicates,
            errors: run.errors,
            message: run.message,
            zeroRows: run.state != .running && report.produced == 0
        )
    }

    static func iso(_ date: Date) -> String {
        JobRunText.timestamp(date)
    }

    func summary() async throws -> DashboardModels.Summary {
        let ks = keyspace
        let stored = try await store.userCount()
        let produced = try await int("SELECT coalesce(sum(produced), 0) FROM main.job_runs")
        let processed = try await int(
            "SELECT coalesce(sum(stored + duplicates + dead_lettered), 0) FROM \"\(ks)\".run_stats"
        )
        let deadLettered = try await int("SELECT coalesce(sum(dead_lettered), 0) FROM \"\(ks)\".run_stats")
        let runCount = try await int("SELECT count(*) FROM main.job_runs")
        let recent = try await store.runs(limit: recentRuns)
        var errors: [String: Int] = [:]
        var requests = 0
        for report in recent {
            requests += report.run.requests
            for (kind, count) in report.run.errors { errors[kind, default: 0] += count }
        }
        let errorCount = errors.values.reduce(0, +)
        let (reasons, letters, source) = deadLetterReasons(recent)
        let lag = try await lag()
        return .init(
            generatedAt: Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds()),
            storedUsers: stored,
            producedTotal: produced,
            processedTotal: processed,
            deadLetteredTotal: deadLettered,
            deadLetterReasons: reasons,
            deadLetterSource: source,
            deadLetters: letters,
            runCount: runCount,
            apiErrors: errors,
            apiErrorRate: requests == 0 ? 0 : Double(errorCount) / Double(requests),
            totalLag: lag.total,
            scheduler: schedulerState
        )
    }

    /// The latest dead-letter reasons: the tail of `users_created.dlq` when this process follows it, else the runs
    /// that dead-lettered (their messages and error kinds).
    func deadLetterReasons(_ recent: [JobRunReport]) -> ([String], [DashboardModels.DeadLetter], String) {
        if let deadLetters {
            let letters = deadLetters.snapshot().latest.map { letter in
                DashboardModels.DeadLetter(
                    partition: letter.partition,
                    offset: letter.offset,
                    time: Timestamp.iso8601(milliseconds: letter.timestamp),
                    key: letter.key,
                    reason: letter.reason,
                    stage: letter.stage,
                    origin: letter.origin,
                    runID: letter.runID
                )
            }
            let reasons = letters.prefix(5).map { letter in
                let place = [
                    letter.stage, letter.origin ?? "\(Topics.usersCreatedDLQ)-\(letter.partition)@\(letter.offset)",
                ]
                .compactMap { $0 }.joined(separator: ", ")
                return "\(letter.reason) (\(place))"
            }
            return (reasons, letters, Topics.usersCreatedDLQ)
        }
        var reasons: [String] = []
        for report in recent where report.run.deadLettered > 0 || report.processed.deadLettered > 0 {
            let kinds = report.run.errors.keys.sorted().joined(separator: ", ")
            let reason = [report.run.message, kinds.isEmpty ? nil : kinds].compactMap { $0 }.joined(separator: ": ")
            reasons.append("\(report.run.runID): \(reason.isEmpty ? "invalid records" : reason)")
            if reasons.count == 5 { break }
        }
        return (reasons, [], "runs")
    }

    func lag() async throws -> DashboardModels.Lag {
        let committedRows = try await rows(
            "SELECT group_id, topic, partition, next_offset FROM \"\(keyspace)\".consumer_offsets "
                + "ORDER BY group_id, topic, partition"
        )
        var committed: [TopicPartition: (group: String, offset: Int64)] = [:]
        var order: [TopicPartition] = []
        for row in committedRows {
            guard let group = row[0], let topic = row[1], let partition = row[2].flatMap({ Int32($0) }),
                let offset = row[3].flatMap({ Int64($0) })
            else { continue }
            let key = TopicPartition(topic: topic, partition: partition)
            if committed[key] == nil { order.append(key) }
            committed[key] = (group, offset)
        }
        guard let logOffsets else {
            let partitions = order.map { key in
                DashboardModels.PartitionLag(
                    group: committed[key]?.group,
                    topic: key.topic,
                    partition: key.partition,
                    committed: committed[key]?.offset,
                    end: nil,
                    lag: nil
                )
            }
            return .init(known: false, partitions: partitions, total: nil)
        }
        let ends = try await logOffsets()
        let keys = Set(order).union(ends.keys).sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        var total: Int64 = 0
        let partitions = keys.map { key -> DashboardModels.PartitionLag in
            let range = ends[key]
            let next = committed[key]?.offset
            var lag: Int64? = nil
            if let range { lag = max(0, range.end - (next ?? range.earliest)) }
            total += lag ?? 0
            return .init(
                group: committed[key]?.group,
                topic: key.topic,
                partition: key.partition,
                committed: next,
                end: range?.end,
                lag: lag
            )
        }
        return .init(known: true, partitions: partitions, total: total)
    }

    func newestUsers(limit: Int) async throws -> [DashboardModels.User] {
        let sql = """
            SELECT id, first_name, last_name, gender, email, picture, nat, country, city, age, registered_date,
                ingested_at
            FROM "\(keyspace)".created_users ORDER BY rowid DESC
            """
        return try await rows(sql, limit: limit).map { row in
            .init(
                id: row[0] ?? "",
                firstName: row[1] ?? "",
                lastName: row[2] ?? "",
                gender: row[3] ?? "",
                email: row[4] ?? "",
                picture: row[5] ?? "",
                nat: row[6],
                country: row[7],
                city: row[8],
                age: row[9].flatMap { Int($0) },
                registeredDate: row[10] ?? "",
                ingestedAt: row[11] ?? ""
            )
        }
    }

    /// Users per minute from `user_counts` (dimension `total`), the latest `minutes` minutes that have users, oldest
    /// first.
    func usersPerMinute(minutes: Int) async throws -> [DashboardModels.MinutePoint] {
        let sql = """
            SELECT minute, sum(count) FROM "\(keyspace)".user_counts WHERE dimension = 'total'
            GROUP BY minute HAVING sum(count) != 0 ORDER BY minute DESC
            """
        return try await rows(sql, limit: minutes).compactMap { row -> DashboardModels.MinutePoint? in
            guard let minute = row[0].flatMap({ Int64($0) }), let count = row[1].flatMap({ Int($0) }) else {
                return nil
            }
            return .init(minute: Timestamp.iso8601(milliseconds: minute * 60_000), epochMinute: minute, count: count)
        }.reversed()
    }

    func buckets(_ dimension: AggregateDimension) async throws -> [DashboardModels.Bucket] {
        try await store.aggregateTotals(dimension)
            .map { DashboardModels.Bucket(label: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.label) < ($0.count, $1.label) }
    }

    /// Age buckets in age order.
    func ages() async throws -> [DashboardModels.Bucket] {
        let order = ["<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+", "unknown"]
        return try await buckets(.ageBucket).sorted {
            (order.firstIndex(of: $0.label) ?? order.count, $0.label)
                < (order.firstIndex(of: $1.label) ?? order.count, $1.label)
        }
    }

    func registrationYears() async throws -> [DashboardModels.Bucket] {
        let sql = """
            SELECT substr(registered_date, 1, 4) AS year, count(*) FROM "\(keyspace)".created_users
            GROUP BY year ORDER BY year
            """
        return try await rows(sql, limit: 500).compactMap { row in
            guard let year = row[0], let count = row[1].flatMap({ Int($0) }) else { return nil }
            return .init(label: year, count: count)
        }
    }
}
