import Pipeline
import Testing
import UserStreamCore

@Suite("Cron schedules")
struct CronScheduleTests {
    func ms(_ text: String) -> Int64 { Timestamp.milliseconds(iso8601: text)! }

    @Test func everyMinute() throws {
        let schedule = try CronSchedule(parsing: "* * * * *")
        #expect(schedule.nextFire(after: ms("2026-11-21T00:31:20.000Z")) == ms("2026-11-21T00:32:00.000Z"))
        #expect(schedule.nextFire(after: ms("2026-11-21T00:32:00.000Z")) == ms("2026-11-21T00:33:00.000Z"))
    }

    @Test func stepsRangesNamesAndLists() throws {
        let schedule = try CronSchedule(parsing: "*/15 9-17 * * mon-fri")
        // Saturday 2026-11-21 → Monday 2026-11-23 09:00.
        #expect(schedule.nextFire(after: ms("2026-11-21T10:00:00.000Z")) == ms("2026-11-23T09:00:00.000Z"))
        #expect(schedule.nextFire(after: ms("2026-11-23T09:00:00.000Z")) == ms("2026-11-23T09:15:00.000Z"))
        #expect(schedule.nextFire(after: ms("2026-11-23T17:45:00.000Z")) == ms("2026-11-24T09:00:00.000Z"))
        let lists = try CronSchedule(parsing: "0,30 0 1 jan,jul *")
        #expect(lists.nextFire(after: ms("2026-11-21T00:00:00.000Z")) == ms("2027-01-01T00:00:00.000Z"))
        let sunday = try CronSchedule(parsing: "0 12 * * 7")
        #expect(sunday.nextFire(after: ms("2026-11-21T00:00:00.000Z")) == ms("2026-11-22T12:00:00.000Z"))
    }

    @Test func macrosAndEvery() throws {
        #expect(
            try CronSchedule(parsing: "@hourly").nextFire(after: ms("2026-11-21T00:31:00.000Z"))
                == ms("2026-11-21T01:00:00.000Z")
        )
        #expect(
            try CronSchedule(parsing: "@daily").nextFire(after: ms("2026-11-21T00:31:00.000Z"))
                == ms("2026-11-22T00:00:00.000Z")
        )
        let every = try CronSchedule(parsing: "@every 30s")
        #expect(every.nextFire(after: ms("2026-11-21T00:31:10.000Z")) == ms("2026-11-21T00:31:30.000Z"))
    }

    @Test(arguments: [
        "", "* * * *", "61 * * * *", "* 24 * * *", "*/0 * * * *", "5-1 * * * *", "@every", "@every 10ms", "* * * foo *",
    ])
    func rejectsInvalid(_ text: String) {
        #expect(throws: CronScheduleError.self) { try CronSchedule(parsing: text) }
    }

    @Test func durations() {
        #expect(DurationText.parse("60s") == .seconds(60))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("7d") == .seconds(7 * 86400))
        #expect(DurationText.parse("2.5") == .milliseconds(2500))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.parse("10x") == nil)
        #expect(DurationText.parse("") == nil)
    }
}
