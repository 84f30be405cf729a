import UserStreamCore

/// Aggregate changes accumulated in memory during one commit, applied to `user_counts` once at its end.
struct AggregateDeltas {
    struct Key: Hashable {
        var minute: Int64
        var dimension: AggregateDimension
        var value: String
    }

    private(set) var counts: [Key: Int] = [:]

    /// Counts one stored user in every dimension.
    mutating func add(minute: Int64, gender: String, nat: String?, age: Int?, by amount: Int = 1) {
        counts[Key(minute: minute, dimension: .total, value: AggregateValues.total), default: 0] += amount
        counts[Key(minute: minute, dimension: .gender, value: gender), default: 0] += amount
        counts[Key(minute: minute, dimension: .nat, value: AggregateValues.nat(nat)), default: 0] += amount
        counts[Key(minute: minute, dimension: .ageBucket, value: AggregateValues.ageBucket(age)), default: 0] += amount
    }

    /// Moves a stored user from its old values to its new ones, at its (unchanged) minute. The total is unchanged.
    mutating func move(
        minute: Int64,
        from old: (gender: String, nat: String?, age: Int?),
        to new: (gender: String, nat: String?, age: Int?)
    ) {
        if old.gender != new.gender {
            counts[Key(minute: minute, dimension: .gender, value: old.gender), default: 0] -= 1
            counts[Key(minute: minute, dimension: .gender, value: new.gender), default: 0] += 1
        }
        let oldNat = AggregateValues.nat(old.nat)
        let newNat = AggregateValues.nat(new.nat)
        if oldNat != newNat {
            counts[Key(minute: minute, dimension: .nat, value: oldNat), default: 0] -= 1
            counts[Key(minute: minute, dimension: .nat, value: newNat), default: 0] += 1
        }
        let oldBucket = AggregateValues.ageBucket(old.age)
        let newBucket = AggregateValues.ageBucket(new.age)
        if oldBucket != newBucket {
            counts[Key(minute: minute, dimension: .ageBucket, value: oldBucket), default: 0] -= 1
            counts[Key(minute: minute, dimension: .ageBucket, value: newBucket), default: 0] += 1
        }
    }
}

/// The values the aggregate dimensions take.
public enum AggregateValues {
    /// The value of the `total` dimension.
    public static let total = "all"
    /// The `nat` value of users without one.
    public static let unknown = "unknown"
    /// Age buckets in display order.
    public static let ageBuckets = ["<20", "20-29", "30-39", "40-49", "50-59", "60-69", "70+", "unknown"]

    public static func nat(_ nat: String?) -> String {
        nat ?? unknown
    }

    public static func ageBucket(_ age: Int?) -> String {
        guard let age else { return unknown }
        switch age {
        case ..<20: return "<20"
        case 20..<30: return "20-29"
        case 30..<40: return "30-39"
        case 40..<50: return "40-49"
        case 50..<60: return "50-59"
        case 60..<70: return "60-69"
        default: return "70+"
        }
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
}
