import UserStreamCore

/// When the `user_automation` job fires: a five-field cron expression (minute hour day-of-month month
/// day-of-week, evaluated in UTC), one of the macros `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`, or
/// `@every <duration>` (e.g. `@every 30s`) for intervals finer than a minute.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case fields(
            minutes: Set<Int>,
            hours: Set<Int>,
            days: Set<Int>,
            months: Set<Int>,
            weekdays: Set<Int>,
            daysRestricted: Bool,
            weekdaysRestricted: Bool
        )
        case every(milliseconds: Int64)
    }

    let kind: Kind
    public let description: String

    /// The seeds' schedule: every minute.
    public static let everyMinute = try! CronSchedule(parsing: "* * * * *")

    public init(parsing text: String) throws {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        description = trimmed
        let macros: [String: String] = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        if trimmed.hasPrefix("@every") {
            let rest = trimmed.dropFirst("@every".count).filter { !$0.isWhitespace }
            guard let duration = DurationText.parse(String(rest)), duration.milliseconds >= 100 else {
                throw CronScheduleError(
                    text: text,
                    reason: "@every needs a duration of at least 100ms, like @every 30s"
                )
            }
            kind = .every(milliseconds: duration.milliseconds)
            return
        }
        let expanded = macros[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(separator: " ").map(String.init)
        guard fields.count == 5 else {
            throw CronScheduleError(
                text: text,
                reason: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)"
            )
        }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let minute = try Self.parseField(fields[0], name: "minute", range: 0...59, names: [], text: text)
        let hour = try Self.parseField(fields[1], name: "hour", range: 0...23, names: [], text: text)
        let day = try Self.parseField(fields[2], name: "day-of-month", range: 1...31, names: [], text: text)
        let month = try Self.parseField(fields[3], name: "month", range: 1...12, names: months, nameBase: 1, text: text)
        var weekday = try Self.parseField(fields[4], name: "day-of-week", range: 0...7, names: weekdays, text: text)
        if weekday.contains(7) {
            weekday.remove(7)
            weekday.insert(0)
        }
        kind = .fields(
            minutes: minute,
            hours: hour,
            days: day,
            months: month,
            weekdays: weekday,
            daysRestricted: !fields[2].hasPrefix("*"),
            weekdaysRestricted: !fields[4].hasPrefix("*")
        )
    }

    private static func parseField(
        _ field: String,
        name: String,
        range: ClosedRange<Int>,
        names: [String],
        nameBase: Int = 0,
        text: String
    ) throws -> Set<Int> {
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token), range.contains(number) { return number }
            if let index = names.firstIndex(of: token.lowercased()) { return index + nameBase }
            throw CronScheduleError(
                text: text,
                reason: "\(name): '\(token)' is not in \(range.lowerBound)-\(range.upperBound)"
            )
        }
        var result = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            var base = part
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                base = part[..<slash]
                guard let parsed = Int(part[part.index(after: slash)...]), parsed > 0 else {
                    throw CronScheduleError(text: text, reason: "\(name): bad step in '\(part)'")
                }
                step = parsed
            }
            let lower: Int
            let upper: Int
            if base == "*" {
                lower = range.lowerBound
                upper = range.upperBound
            } else if let dash = base.firstIndex(of: "-") {
                lower = try value(base[..<dash])
                upper = try value(base[base.index(after: dash)...])
                guard lower <= upper else {
                    throw CronScheduleError(text: text, reason: "\(name): range '\(base)' runs backwards")
                }
            } else {
                lower = try value(base)
                upper = part.contains("/") ? range.upperBound : lower
            }
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }

    /// The first fire time strictly after `milliseconds` (Unix epoch ms, UTC).
    public func nextFire(after milliseconds: Int64) -> Int64? {
        switch kind {
        case .every(let interval):
            return (milliseconds / interval + 1) * interval
        case .fields(
            let minutes,
            let hours,
            let days,
            let months,
            let weekdays,
            let daysRestricted,
            let weekdaysRestricted
        ):
            var minute = milliseconds / 60_000 + 1
            let limit = minute + 60 * 24 * 366 * 5
            while minute < limit {
                let dayNumber = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440
                let civil = Timestamp.civil(fromDays: dayNumber)
                let weekday = Int(((dayNumber % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
                let dayMatches: Bool
                switch (daysRestricted, weekdaysRestricted) {
                case (true, true): dayMatches = days.contains(Int(civil.day)) || weekdays.contains(weekday)
                case (true, false): dayMatches = days.contains(Int(civil.day))
                case (false, true): dayMatches = weekdays.contains(weekday)
                case (false, false): dayMatches = true
                }
                guard months.contains(Int(civil.month)), dayMatches else {
                    minute = (dayNumber + 1) * 1440
                    continue
                }
                let minuteOfDay = minute - dayNumber * 1440
                guard hours.contains(Int(minuteOfDay / 60)) else {
                    minute = dayNumber * 1440 + (minuteOfDay / 60 + 1) * 60
                    continue
                }
                if minutes.contains(Int(minuteOfDay % 60)) { return minute * 60_000 }
                minute += 1
            }
            return nil
        }
    }
}

/// A schedule that does not parse.
public struct CronScheduleError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid schedule '\(text)': \(reason)" }
}
