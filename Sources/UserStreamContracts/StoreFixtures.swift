import UserStreamCore

/// Deterministic, realistic users and batches for store tests.
public enum StoreFixtures {
    public static let genders = ["female", "male"]
    public static let nationalities = [
        "AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS",
        "TR",
        "UA", "US",
    ]
    static let firstNames = ["Louane", "Mathis", "Ayşe", "Jürgen", "Ella", "Noah", "Инна", "Zoé", "Kiran", "Sofía"]
    static let lastNames = [
        "Vidal", "Moulin", "Öztürk", "Schäfer", "Wilson", "O'Brien", "Бойко", "Lefèvre", "Rao", "Gil",
    ]
    static let cities = ["Lyon", "Ankara", "München", "Auckland", "Cork", "Київ", "Nantes", "Pune", "Sevilla", "Oslo"]

    /// 2024-05-01T12:00:00.000Z, the first user's ingestion time.
    public static let baseMilliseconds: Int64 = 1_714_564_800_000

    /// User number `i`: a stable UUID-shaped id, every column filled, gender/nat/age/ingested_at varying with `i`
    /// (ingestion times 1.7 s apart, so users spread over many minutes). `nat` is nil for every 89th user and `age` for
    /// every 97th, to exercise the `unknown` buckets.
    public static func user(_ i: Int) -> UserRecord {
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: i) &+ 0x5EED)
        let gender = genders[Int(random.next() % 2)]
        let nat: String? = i % 89 == 88 ? nil : nationalities[Int(random.next() % UInt64(nationalities.count))]
        let age: Int? = i % 97 == 96 ? nil : 16 + Int(random.next() % 66)
        let first = firstNames[Int(random.next() % UInt64(firstNames.count))]
        let last = lastNames[Int(random.next() % UInt64(lastNames.count))]
        let city = cities[Int(random.next() % UInt64(cities.count))]
        let number = 1 + Int(random.next() % 9999)
        let ingested = baseMilliseconds + Int64(i) * 1_700
        let birth = ingested - Int64(age ?? 40) * 31_557_600_000 - Int64(random.next() % 30_000_000_000)
        let registered = ingested - Int64(random.next() % 500_000_000_000)
        let latitude = Double(Int(random.next() % 180_000_000)) / 1_000_000 - 90
        let longitude = Double(Int(random.next() % 360_000_000)) / 1_000_000 - 180
        return UserRecord(
            id: id(i),
            firstName: first,
            lastName: last,
            gender: gender,
            address: "\(number) Rue de la République, \(city), State \(i % 50), Country \(nat ?? "??")",
            postCode: i % 3 == 0 ? "\(10_000 + i % 89_999)" : "PC-\(i % 997)",
            email: "\(first.lowercased()).\(last.lowercased())\(i)@example.com",
            username: "user\(i)_\(hex(random.next() & 0xffff, width: 4))",
            dob: Timestamp.iso8601(milliseconds: birth),
            registeredDate: Timestamp.iso8601(milliseconds: registered),
            phone: "0\(random.next() % 10)-\(1000 + random.next() % 9000)-\(1000 + random.next() % 9000)",
            picture: "https://randomuser.me/api/portraits/med/\(gender == "female" ? "women" : "men")/\(i % 100).jpg",
            nat: nat,
            country: nat.map { "Country \($0)" },
            city: city,
            state: "State \(i % 50)",
            age: age,
            latitude: latitude,
            longitude: longitude,
            cell: "07\(random.next() % 100_000_000)",
            ingestedAt: Timestamp.iso8601(milliseconds: ingested)
        )
    }

    /// The id of user `i`: UUID-shaped lower-case text (version 4 layout), unique per `i`.
    public static func id(_ i: Int) -> String {
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: i))
        let high = random.next()
        let low = UInt64(truncatingIfNeeded: i)
        return hex(high >> 32, width: 8) + "-" + hex((high >> 16) & 0xffff, width: 4) + "-4"
            + hex(high & 0xfff, width: 3) + "-a" + hex((low >> 48) & 0xfff, width: 3) + "-"
            + hex(low & 0xffff_ffff_ffff, width: 12)
    }

    /// Users `range` as a batch for `group`/`topic`, all from run `runID`.
    public static func batch(
        _ range: Range<Int>,
        runID: String? = "manual__2024-05-01T12:00:00+00:00",
        group: String = "userstream",
        topic: String = "users_created",
        nextOffsets: [Int32: Int64]? = nil,
        deadLetteredByRun: [String: Int] = [:]
    ) -> StoreBatch {
        StoreBatch(
            group: group,
            topic: topic,
            users: range.map { IncomingUser(record: user($0), runID: runID) },
            deadLetteredByRun: deadLetteredByRun,
            nextOffsets: nextOffsets ?? [0: Int64(range.upperBound)],
            batchID: "\(group)/\(topic)/0:\(range.lowerBound)-\(range.upperBound)"
        )
    }

    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A small deterministic random generator (SplitMix64), so that fixtures and randomized checks repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
