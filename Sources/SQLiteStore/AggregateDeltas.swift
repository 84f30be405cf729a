import UserStreamCore

/// Aggregate changes accumulated in memory during one commit, applied to `user_counts` once at its end.
///
/// Users arrive in ingestion order, so consecutive users nearly always share a minute: the counts of the current minute
/// are kept aside and updated without hashing (small arrays searched linearly, ~2 genders and ~20 nationalities), and
/// only a change of minute touches the dictionary.
struct AggregateDeltas {
    struct MinuteCounts {
        var total = 0
        var genders: [(value: String, count: Int)] = []
        var nats: [(value: String, count: Int)] = []
        var ageBuckets = [Int](repeating: 0, count: AggregateBuckets.ageBuckets.count)

        static func bump(_ list: inout [(value: String, count: Int)], _ value: String, _ amount: Int) {
            for index in list.indices where list[index].value == value {
                list[index].count += amount
                return
            }
            list.append((value, amount))
        }
    }

    private var minutes: [Int64: MinuteCounts] = [:]
    private var currentMinute: Int64?
    private var current = MinuteCounts()

    private mutating func select(_ minute: Int64) {
        guard minute != currentMinute else { return }
        if let currentMinute { minutes[currentMinute] = current }
        current = minutes.removeValue(forKey: minute) ?? MinuteCounts()
        currentMinute = minute
    }

    /// Counts one stored user in every dimension.
    mutating func add(minute: Int64, gender: String, nat: String?, age: Int?) {
        select(minute)
        current.total += 1
        MinuteCounts.bump(&current.genders, gender, 1)
        MinuteCounts.bump(&current.nats, nat ?? AggregateBuckets.unknown, 1)
        current.ageBuckets[AggregateBuckets.ageBucketIndex(age)] += 1
    }

    /// Moves a stored user from its old values to its new ones, at its (unchanged) minute. The total is unchanged.
    mutating func move(
        minute: Int64,
        from old: (gender: String, nat: String?, age: Int?),
        to new: (gender: String, nat: String?, age: Int?)
    ) {
        let oldNat = old.nat ?? AggregateBuckets.unknown
        let newNat = new.nat ?? AggregateBuckets.unknown
        let oldBucket = AggregateBuckets.ageBucketIndex(old.age)
        let newBucket = AggregateBuckets.ageBucketIndex(new.age)
        guard old.gender != new.gender || oldNat != newNat || oldBucket != newBucket else { return }
        select(minute)
        if old.gender != new.gender {
            MinuteCounts.bump(&current.genders, old.gender, -1)
            MinuteCounts.bump(&current.genders, new.gender, 1)
        }
        if oldNat != newNat {
            MinuteCounts.bump(&current.nats, oldNat, -1)
            MinuteCounts.bump(&current.nats, newNat, 1)
        }
        if oldBucket != newBucket {
            current.ageBuckets[oldBucket] -= 1
            current.ageBuckets[newBucket] += 1
        }
    }

    /// Every non-zero change, as `user_counts` rows to add.
    mutating func changes() -> [(minute: Int64, dimension: AggregateDimension, value: String, delta: Int)] {
        if let currentMinute {
            minutes[currentMinute] = current
            self.currentMinute = nil
            current = MinuteCounts()
        }
        var changes: [(minute: Int64, dimension: AggregateDimension, value: String, delta: Int)] = []
        for (minute, counts) in minutes {
            if counts.total != 0 { changes.append((minute, .total, AggregateBuckets.total, counts.total)) }
            for (value, delta) in counts.genders where delta != 0 { changes.append((minute, .gender, value, delta)) }
            for (value, delta) in counts.nats where delta != 0 { changes.append((minute, .nat, value, delta)) }
            for (index, delta) in counts.ageBuckets.enumerated() where delta != 0 {
                changes.append((minute, .ageBucket, AggregateBuckets.ageBuckets[index], delta))
            }
        }
        return changes
    }
}
