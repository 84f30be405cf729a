extension Timestamp {
    /// The UTC calendar date of a time in milliseconds since the epoch.
    public static func civilDate(milliseconds: Int64) -> (year: Int, month: Int, day: Int) {
        let (year, month, day) = civil(fromDays: days(milliseconds: milliseconds))
        return (Int(year), Int(month), Int(day))
    }

    /// Whole days since 1970-01-01 (floored), for a time in milliseconds since the epoch.
    public static func days(milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 86_400_000 : -((-milliseconds + 86_400_000 - 1) / 86_400_000)
    }
}
