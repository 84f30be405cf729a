import UserStreamCore

/// Generates randomuser.me 1.4 users without the network, following generation.md per nationality: titles, names,
/// streets, cities and states from small built-in lists, country names, postcode types (number, or string for
/// CA, GB, NL, NO), coordinates and timezones, transliterated e-mails, login (UUID v4, `adjectiveanimal123`
/// usernames, hex hashes), dates in the documented ranges with ages, phone/cell/id formats (with `id.value` null for
/// IR, NZ, TR, UA and the FI HETU bug value), picture URLs.
///
/// Deterministic: the same seed, nationalities and reference time give the same users. Never exhausted.
public struct SyntheticUserGenerator: Sendable {
    private var random: SyntheticRandom
    private let nationalities: [SyntheticNationalityData]
    /// "Now" for ages, in milliseconds since the epoch.
    public let referenceMilliseconds: Int64
    private let reference: (year: Int, month: Int, day: Int)

    /// - Parameters:
    ///   - seed: the PRNG seed.
    ///   - nats: nationality codes (case-insensitive) to draw from; unknown codes are ignored, and `nil`, empty or
    ///     all-unknown means all 21.
    ///   - referenceMilliseconds: the time ages are computed at (fix it for reproducible ages).
    public init(seed: UInt64, nats: [String]? = nil, referenceMilliseconds: Int64 = Timestamp.nowMilliseconds()) {
        self.random = SyntheticRandom(seed: seed)
        self.referenceMilliseconds = referenceMilliseconds
        self.reference = Timestamp.civilDate(milliseconds: referenceMilliseconds)
        let wanted = Set((nats ?? []).map { $0.uppercased() })
        let chosen = SyntheticNationalityData.all.filter { wanted.contains($0.code) }
        self.nationalities = chosen.isEmpty ? SyntheticNationalityData.all : chosen
    }

    /// A generator for an API-style string seed and page (as the test server uses): the same `seed` and `page`
    /// give the same users, different pages differ.
    public init(
        seed: String,
        page: Int = 1,
        nats: [String]? = nil,
        referenceMilliseconds: Int64 = Timestamp.nowMilliseconds()
    ) {
        // FNV-1a over the seed text and the page, then mixed by SplitMix64 in SyntheticRandom.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in seed.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ UInt64(truncatingIfNeeded: page)) &* 0x0000_0100_0000_01B3
        self.init(seed: hash, nats: nats, referenceMilliseconds: referenceMilliseconds)
    }

    /// The nationality codes this generator draws from.
    public var nats: [String] { nationalities.map(\.code) }

    /// The next `count` users.
    public mutating func next(count: Int) -> [RandomUserProfile] {
        var users: [RandomUserProfile] = []
        users.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) { users.append(next()) }
        return users
    }

    // Date ranges from generation.md section 1.
    static let dobLower: Int64 = -800_000_000_000
    static let dobUpper: Int64 = 1_653_344_189_000 - 662_709_600_000  // minus 21 Julian years
    static let registeredLower: Int64 = 1_016_688_461_000
    static let registeredUpper: Int64 = 1_653_344_189_000

    /// The next user.
    public mutating func next() -> RandomUserProfile {
        let nat = nationalities.count == 1 ? nationalities[0] : nationalities[random.below(nationalities.count)]
        let male = random.next() & 1 == 0
        let first = male ? random.pick(nat.maleFirst) : random.pick(nat.femaleFirst)
        let last = random.pick(nat.last)
        let title: String
        if nat.nat == .CH {
            title = male ? "Monsieur" : (random.below(2) == 0 ? "Mademoiselle" : "Madame")
        } else {
            title = male ? "Mr" : Self.femaleTitles[random.below(3)]
        }

        let dobMilliseconds = Self.dobLower + Int64(random.below(Int(Self.dobUpper - Self.dobLower)))
        let registeredMilliseconds =
            Self.registeredLower + Int64(random.below(Int(Self.registeredUpper - Self.registeredLower)))
        let dob = RandomUserProfile.DatedAge(
            date: SyntheticFormat.iso8601(dobMilliseconds),
            age: age(since: dobMilliseconds)
        )
        let registered = RandomUserProfile.DatedAge(
            date: SyntheticFormat.iso8601(registeredMilliseconds),
            age: age(since: registeredMilliseconds)
        )

        let location = RandomUserProfile.Location(
            street: RandomUserProfile.Street(number: random.int(in: 1...9999), name: random.pick(nat.streets)),
            city: random.pick(nat.cities),
            state: random.pick(nat.states),
            country: nat.country,
            postcode: postcode(nat.nat),
            coordinates: RandomUserProfile.Coordinates(
                latitude: SyntheticFormat.fixed4(random.int(in: -900_000...900_000)),
                longitude: SyntheticFormat.fixed4(random.int(in: -1_800_000...1_800_000))
            ),
            timezone: Self.timezones[random.below(Self.timezones.count)]
        )

        let email = SyntheticFormat.concat(first.emailForm, ".", last.emailForm, "@example.com")
        let username = SyntheticFormat.concat(
            random.pick(Self.adjectives),
            random.pick(Self.animals),
            String(random.int(in: 100...999))
        )

        let login = RandomUserProfile.Login(
            uuid: SyntheticFormat.uuidV4(&random),
            username: username,
            password: random.pick(Self.passwords),
            salt: Self.saltPool[random.below(Self.poolSize)],
            md5: Self.md5Pool[random.below(Self.poolSize)],
            sha1: Self.sha1Pool[random.below(Self.poolSize)],
            sha256: Self.sha256Pool[random.below(Self.poolSize)]
        )

        let (phone, cell) = phones(nat.nat)
        let identifier = self.identifier(nat.nat, male: male, dobMilliseconds: dobMilliseconds, last: last.text)
        let picture = male ? Self.menPictures[random.int(in: 0...99)] : Self.womenPictures[random.int(in: 0...96)]

        return RandomUserProfile(
            gender: male ? "male" : "female",
            name: RandomUserProfile.Name(title: title, first: first.text, last: last.text),
            location: location,
            email: email,
            login: login,
            dob: dob,
            registered: registered,
            phone: phone,
            cell: cell,
            id: identifier,
            picture: picture,
            nat: nat.code
        )
    }

    /// Whole years from `milliseconds` to the reference time.
    private func age(since milliseconds: Int64) -> Int {
        guard milliseconds <= referenceMilliseconds else { return 0 }
        let (year, month, day) = Timestamp.civilDate(milliseconds: milliseconds)
        var years = reference.year - year
        if reference.month < month || (reference.month == month && reference.day < day) { years -= 1 }
        return max(0, years)
    }

    // MARK: - Per-nationality formats (generation.md section 2)

    private mutating func fill(_ pattern: StaticString) -> String {
        SyntheticFormat.fill(pattern, &random)
    }

    private mutating func postcode(_ code: SyntheticNat) -> RandomUserProfile.Postcode {
        switch code {
        case .AU: return .number(random.int(in: 200...9999))
        case .CH: return .number(random.int(in: 1000...9999))
        case .CA: return .text(fill("@#@ #@#"))
        case .NL: return .text(fill("#### @@"))
        case .NO: return .text(fill("####"))
        case .GB:
            let outward: String
            switch random.below(6) {
            case 0: outward = fill("@#")
            case 1: outward = fill("@@#")
            case 2: outward = fill("@##")
            case 3: outward = fill("@@##")
            case 4: outward = fill("@@#@")
            default: outward = fill("@#@")
            }
            let inwardLetters = Array("ABDEFGHJLNPQRSTUWXYZ")
            return .text(
                outward + " " + String(random.below(10)) + String(random.pick(inwardLetters))
                    + String(random.pick(inwardLetters))
            )
        default: return .number(random.int(in: 10000...99999))
        }
    }

    private mutating func phones(_ code: SyntheticNat) -> (String, String) {
        switch code {
        case .AU: return (fill("0#-####-####"), fill("04##-###-###"))
        case .BR: return (fill("(##) ####-####"), fill("(##) ####-####"))
        case .CA: return (fill("@## @##-####"), fill("@## @##-####"))
        case .CH:
            let prefixes = ["075", "076", "077", "078", "079"]
            return (
                SyntheticFormat.concat(random.pick(prefixes), fill(" ### ## ##")),
                SyntheticFormat.concat(random.pick(prefixes), fill(" ### ## ##"))
            )
        case .DE: return (fill("0###-#######"), fill("017#-#######"))
        case .DK: return (fill("########"), fill("########"))
        case .ES: return (fill("9##-###-###"), fill("6##-###-###"))
        case .FI: return ("0" + String(random.int(in: 2...9)) + fill("-###-###"), fill("04#-###-##-##"))
        case .FR: return ("0" + String(random.int(in: 1...5)) + fill("-##-##-##-##"), fill("06-##-##-##-##"))
        case .GB:
            let phone: String
            switch random.below(4) {
            case 0: phone = fill("01### #####")
            case 1: phone = fill("01### ######")
            case 2: phone = fill("016977 ####")
            default: phone = fill("02# #### ####")
            }
            return (phone, fill("07### ######"))
        case .IE: return ("0" + String(random.int(in: 1...7)) + fill("1-###-####"), fill("081-###-####"))
        case .IN:
            let leads = ["7", "8", "9"]
            return (random.pick(leads) + fill("#########"), random.pick(leads) + fill("#########"))
        case .IR: return (fill("0##-########"), fill("09##-###-####"))
        case .MX: return (fill("(6##) ### ####"), fill("(6##) ### ####"))
        case .NL:
            let phone = random.below(2) == 0 ? fill("(0##) #######") : fill("(0###) ######")
            return (phone, fill("(06) ########"))
        case .NO:
            let phoneLeads = ["2", "3", "5", "6", "7", "8"]
            return (random.pick(phoneLeads) + fill("#######"), random.pick(["4", "9"]) + fill("#######"))
        case .NZ, .TR: return (fill("(###)-###-####"), fill("(###)-###-####"))
        case .RS: return ("0" + String(random.int(in: 1...3)) + fill("#-####-###"), fill("06#-####-###"))
        case .UA:
            let prefixes = ["(066) ", "(067) ", "(068) ", "(096) ", "(097) ", "(098) ", "(099) "]
            return (random.pick(prefixes) + fill("@##-####"), random.pick(prefixes) + fill("@##-####"))
        default:  // US
            return (usPhone(), usPhone())
        }
    }

    private mutating func usPhone() -> String {
        "(" + String(random.int(in: 2...9)) + fill("##) ") + String(random.int(in: 2...9)) + fill("##-####")
    }

    private mutating func identifier(
        _ code: SyntheticNat,
        male: Bool,
        dobMilliseconds: Int64,
        last: String
    ) -> RandomUserProfile.Identifier {
        let (year, month, day) = SyntheticFormat.civil(dobMilliseconds)
        let getYear = String(year - 1900)  // JavaScript Date.getYear()
        switch code {
        case .AU: return .init(name: "TFN", value: fill("#########"))
        case .BR: return .init(name: "CPF", value: fill("###.###.###-##"))
        case .CA: return .init(name: "SIN", value: sin())
        case .CH: return .init(name: "AVS", value: fill("756.####.####.##"))
        case .DE:
            let pension = String(format2: random.int(in: 2...89))
            let initial = last.unicodeScalars.first.map { String($0).uppercased() } ?? "X"
            let serial = String(format2: male ? random.int(in: 0...49) : random.int(in: 50...99))
            let value =
                pension + " " + String(format2: day) + String(format2: month) + getYear + " " + initial + " "
                + serial + String(random.below(10))
            return .init(name: "SVNR", value: value)
        case .DK:
            return .init(name: "CPR", value: String(format2: day) + String(format2: month) + getYear + fill("-####"))
        case .ES: return .init(name: "DNI", value: fill("########-@"))
        case .FI:
            let genderDigit = male ? [1, 3, 5, 7, 9][random.below(5)] : [0, 2, 4, 6, 8][random.below(5)]
            return .init(name: "HETU", value: "NaNNA" + fill("##") + String(genderDigit) + "undefined")
        case .FR:
            let sex = male ? "1" : "2"
            let digits = sex + getYear + String(format2: month - 1) + fill("########")
            let key = 97 - Int((UInt64(digits) ?? 0) % 97)
            return .init(name: "INSEE", value: digits + " " + String(format2: key))
        case .GB:
            let firstLetters = Array("ABCEGHJKLMNOPRSTWXYZ")
            let secondLetters = Array("ABCEGHJKLMNPRSTWXYZ")
            let value = String(random.pick(firstLetters)) + String(random.pick(secondLetters)) + fill(" ## ## ## @")
            return .init(name: "NINO", value: value)
        case .IE: return .init(name: "PPS", value: fill("#######T"))
        case .IN: return .init(name: "UIDAI", value: fill("############"))
        case .MX: return .init(name: "NSS", value: fill("## ## ## #### #"))
        case .NL: return .init(name: "BSN", value: fill("########"))
        case .NO: return .init(name: "FN", value: fodselsnummer(day: day, month: month, year: year, male: male))
        case .RS: return .init(name: "SID", value: fill("#########"))
        case .US: return .init(name: "SSN", value: ssn())
        default:  // IR, NZ, TR, UA
            return .init(name: "", value: nil)
        }
    }

    /// Nine digits passing the SIN check (weights 1,2,1,2,…, digits of products summed).
    private mutating func sin() -> String {
        var digits = (0..<8).map { _ in random.below(10) }
        digits[0] = random.int(in: 1...9)
        var sum = 0
        for (index, digit) in digits.enumerated() {
            let product = digit * (index % 2 == 0 ? 1 : 2)
            sum += product > 9 ? product - 9 : product
        }
        digits.append((10 - sum % 10) % 10)
        return digits.map { String($0) }.joined()
    }

    /// Norwegian fødselsnummer: DDMMYY, individual number by century (odd male, even female), two mod-11 checks.
    private mutating func fodselsnummer(day: Int, month: Int, year: Int, male: Bool) -> String {
        while true {
            var individual: Int
            if year >= 2000 {
                individual = random.int(in: 500...999)
            } else if year >= 1900 {
                individual = random.int(in: 0...499)
            } else {
                individual = random.int(in: 500...749)
            }
            if (individual % 2 == 1) != male { individual = individual % 2 == 1 ? individual - 1 : individual + 1 }
            var digits = [day / 10, day % 10, month / 10, month % 10, (year % 100) / 10, year % 10]
            digits += [individual / 100, (individual / 10) % 10, individual % 10]
            let weights1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
            var k1 = 11 - zip(digits, weights1).map(*).reduce(0, +) % 11
            if k1 == 11 { k1 = 0 }
            if k1 == 10 { continue }
            digits.append(k1)
            let weights2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
            var k2 = 11 - zip(digits, weights2).map(*).reduce(0, +) % 11
            if k2 == 11 { k2 = 0 }
            if k2 == 10 || k2 == 0 { continue }
            digits.append(k2)
            return digits.map { String($0) }.joined()
        }
    }

    /// A valid-looking SSN: area not 000/666/9xx, group not 00, serial not 0000, not the famous invalid ones.
    private mutating func ssn() -> String {
        while true {
            let area = random.int(in: 1...899)
            let group = random.int(in: 1...99)
            let serial = random.int(in: 1...9999)
            if area == 666 { continue }
            if (area == 219 && group == 9 && serial == 9999) || (area == 78 && group == 5 && serial == 1120) {
                continue
            }
            return String(format3: area) + "-" + String(format2: group) + "-" + String(format4: serial)
        }
    }

    // MARK: - Shared lists

    static let femaleTitles = ["Miss", "Mrs", "Ms"]

    /// Salts and hash-like hex strings are drawn from pools made once (from a fixed seed): they only need to look
    /// plausible, and sharing them saves four allocations per user.
    static let poolSize = 4096
    static let saltPool = pool { SyntheticFormat.alphanumeric(8, &$0) }
    static let md5Pool = pool { SyntheticFormat.hex(32, &$0) }
    static let sha1Pool = pool { SyntheticFormat.hex(40, &$0) }
    static let sha256Pool = pool { SyntheticFormat.hex(64, &$0) }

    private static func pool(_ make: (inout SyntheticRandom) -> String) -> [String] {
        var random = SyntheticRandom(seed: 0x5EED_0F_4A54)
        return (0..<poolSize).map { _ in make(&random) }
    }

    /// `https://randomuser.me/api/portraits/{,med/,thumb/}{men|women}/{n}.jpg`, built once.
    static let menPictures = (0...99).map { picture("men", $0) }
    static let womenPictures = (0...96).map { picture("women", $0) }

    static func picture(_ folder: String, _ number: Int) -> RandomUserProfile.Picture {
        RandomUserProfile.Picture(
            large: "https://randomuser.me/api/portraits/\(folder)/\(number).jpg",
            medium: "https://randomuser.me/api/portraits/med/\(folder)/\(number).jpg",
            thumbnail: "https://randomuser.me/api/portraits/thumb/\(folder)/\(number).jpg"
        )
    }

    static let adjectives = [
        "red", "orange", "yellow", "green", "blue", "purple", "brown", "black", "white", "silver", "golden",
        "beautiful", "heavy", "lazy", "happy", "sad", "angry", "tiny", "big", "crazy", "ticklish", "organic", "smart",
        "sleepy",
    ]

    static let animals = [
        "butterfly", "bear", "bird", "cat", "dog", "duck", "elephant", "fish", "frog", "goose", "gorilla", "koala",
        "leopard", "lion", "monkey", "mouse", "ostrich", "panda", "peacock", "rabbit", "snake", "swan", "tiger", "wolf",
        "zebra", "ladybug",
    ]

    static let passwords = [
        "password", "123456", "qwerty", "letmein", "dragon", "monkey", "sunshine", "master", "shadow", "football",
        "baseball", "welcome", "iloveyou", "trustno1", "cheese", "hunter", "batman", "soccer", "harley", "ranger",
        "pepper", "summer", "winter", "chelsea", "tigger", "zxcvbn", "freedom", "whatever", "princess", "jordan",
    ]

    /// Offsets and descriptions in the style of randomuser's timezone list (unrelated to the nationality).
    static let timezones: [RandomUserProfile.Timezone] = [
        ("-12:00", "Eniwetok, Kwajalein"), ("-11:00", "Midway Island, Samoa"), ("-10:00", "Hawaii"),
        ("-9:00", "Alaska"), ("-8:00", "Pacific Time (US & Canada)"), ("-7:00", "Mountain Time (US & Canada)"),
        ("-6:00", "Central Time (US & Canada), Mexico City"), ("-5:00", "Eastern Time (US & Canada), Bogota, Lima"),
        ("-4:00", "Atlantic Time (Canada), Caracas, La Paz"), ("-3:30", "Newfoundland"),
        ("-3:00", "Brazil, Buenos Aires, Georgetown"), ("-2:00", "Mid-Atlantic"),
        ("-1:00", "Azores, Cape Verde Islands"),
        ("0:00", "Western Europe Time, London, Lisbon, Casablanca"), ("+1:00", "Brussels, Copenhagen, Madrid, Paris"),
        ("+2:00", "Kaliningrad, South Africa"), ("+3:00", "Baghdad, Riyadh, Moscow, St. Petersburg"),
        ("+3:30", "Tehran"), ("+4:00", "Abu Dhabi, Muscat, Baku, Tbilisi"), ("+4:30", "Kabul"),
        ("+5:00", "Ekaterinburg, Islamabad, Karachi, Tashkent"), ("+5:30", "Bombay, Calcutta, Madras, New Delhi"),
        ("+5:45", "Kathmandu"), ("+6:00", "Almaty, Dhaka, Colombo"), ("+7:00", "Bangkok, Hanoi, Jakarta"),
        ("+8:00", "Beijing, Perth, Singapore, Hong Kong"), ("+9:00", "Tokyo, Seoul, Osaka, Sapporo, Yakutsk"),
        ("+9:30", "Adelaide, Darwin"), ("+10:00", "Eastern Australia, Guam, Vladivostok"),
        ("+11:00", "Magadan, Solomon Islands, New Caledonia"),
    ].map { RandomUserProfile.Timezone(offset: $0.0, description: $0.1) }
}

extension String {
    init(format2 value: Int) {
        self = value < 10 ? "0" + String(value) : String(value)
    }

    init(format3 value: Int) {
        self = value < 10 ? "00" + String(value) : value < 100 ? "0" + String(value) : String(value)
    }

    init(format4 value: Int) {
        self = value < 1000 ? "0" + String(format3: value) : String(value)
    }
}
