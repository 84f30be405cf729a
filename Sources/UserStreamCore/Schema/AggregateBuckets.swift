/// The values the aggregate dimensions of `user_counts` take, and the minute a user counts in: one copy of the
/// rules for every store.
public enum AggregateBuckets {
    /// The value of the `total` dimension.
    public static let total = "all"
    /// The `nat` value of users without one, and the age bucket of users without an age.
    public static let unknown = "unknown"
    /// Age buckets in display order.
    public static let ageBuckets = ["<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+", "unknown"]

    /// The value a user with these fields counts under in `dimension`.
    public static func value(_ dimension: AggregateDimension, gender: String, nat: String?, age: Int?) -> String {
        switch dimension {
        case .total: total
        case .gender: gender
        case .nat: self.nat(nat)
        case .ageBucket: ageBucket(age)
        }
    }

    public static func nat(_ nat: String?) -> String {
        nat ?? unknown
    }

    public static func ageBucket(_ age: Int?) -> String {
        ageBuckets[ageBucketIndex(age)]
    }

    /// Index in `ageBuckets`.
    public static func ageBucketIndex(_ age: Int?) -> Int {
        guard let age else { return 7 }
        if age < 20 { return 0 }
        if age >= 70 { return 6 }
        return age / 10 - 1
    }

    /// The same bucketing in SQL over a column named `age`, for queries and checks.
    public static let ageBucketSQL = """
        CASE WHEN age IS NULL THEN 'unknown' WHEN age < 20 THEN '<20' WHEN age < 30 THEN '20-29' \
        WHEN age < 40 THEN '30-39' WHEN age < 50 THEN '40-49' WHEN age < 60 THEN '50-59' \
        WHEN age < 70 THEN '60-69' ELSE '70+' END
        """

    /// Epoch minutes of a timestamp in milliseconds.
    public static func minute(milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 60_000 : -((-milliseconds + 59_999) / 60_000)
    }

    /// The minute of a stored `ingested_at` (the commit time's when it does not parse).
    public static func minute(ingestedAt: String, nowMilliseconds: Int64) -> Int64 {
        minute(milliseconds: Timestamp.milliseconds(iso8601: ingestedAt) ?? nowMilliseconds)
    }
}
