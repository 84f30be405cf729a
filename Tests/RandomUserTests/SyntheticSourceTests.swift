import RandomUser
import Testing
import UserStreamCore

@Suite("SyntheticUserGenerator and SyntheticSource")
struct SyntheticSourceTests {
    static let now: Int64 = 1_714_566_896_789  // 2024-05-01

    @Test func deterministicPerSeed() {
        var a = SyntheticUserGenerator(seed: 42, referenceMilliseconds: Self.now)
        var b = SyntheticUserGenerator(seed: 42, referenceMilliseconds: Self.now)
        var c = SyntheticUserGenerator(seed: 43, referenceMilliseconds: Self.now)
        let first = a.next(count: 200)
        #expect(first == b.next(count: 200))
        #expect(first != c.next(count: 200))
        var page1 = SyntheticUserGenerator(seed: "abc", page: 1, referenceMilliseconds: Self.now)
        var page1Again = SyntheticUserGenerator(seed: "abc", page: 1, referenceMilliseconds: Self.now)
        var page2 = SyntheticUserGenerator(seed: "abc", page: 2, referenceMilliseconds: Self.now)
        let p1 = page1.next(count: 5)
        #expect(p1 == page1Again.next(count: 5))
        #expect(p1 != page2.next(count: 5))
    }

    @Test func allNationalitiesAppearAndEveryUserFlattensAndValidates() throws {
        var generator = SyntheticUserGenerator(seed: 2024, referenceMilliseconds: Self.now)
        let users = generator.next(count: 2000)
        #expect(Set(users.map(\.nat)) == Set(RandomUserNationality.codes))
        var uuids = Set<String>()
        for user in users {
            let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
            try record.validate()
            uuids.insert(record.id)
            // The API's JSON round-trips through the lenient decoder.
            #expect(try RandomUserProfile(jsonBytes: user.apiJSONBytes(), nowMilliseconds: Self.now) == user)
            #expect(try UserRecord(jsonBytes: record.jsonBytes()) == record)
        }
        #expect(uuids.count == users.count)
    }

    @Test func perNationalityFormats() throws {
        var generator = SyntheticUserGenerator(seed: 99, referenceMilliseconds: Self.now)
        let users = generator.next(count: 3000)
        for user in users {
            let stringPostcode = RandomUserNationality.stringPostcodeCodes.contains(user.nat)
            switch user.location.postcode {
            case .text(let text):
                #expect(stringPostcode, "\(user.nat) \(text)")
            case .number(let number):
                #expect(!stringPostcode, "\(user.nat) \(number)")
                switch user.nat {
                case "AU": #expect((200...9999).contains(number))
                case "CH": #expect((1000...9999).contains(number))
                default: #expect((10000...99999).contains(number))
                }
            }
            #expect((user.id.value == nil) == RandomUserNationality.nullIDCodes.contains(user.nat), "\(user.nat)")
            #expect(user.location.country == RandomUserNationality.countryNames[user.nat])
            #expect(user.email.hasSuffix("@example.com"))
            #expect(user.email.utf8.allSatisfy { $0 < 0x80 && $0 != 0x20 }, "\(user.email)")
            #expect(user.login.md5.count == 32 && user.login.sha1.count == 40 && user.login.sha256.count == 64)
            #expect(user.login.salt.count == 8)
            #expect(user.location.coordinates?.latitude.split(separator: ".").last?.count == 4)
            #expect(user.picture.medium.hasPrefix("https://randomuser.me/api/portraits/med/"))
            #expect(Timestamp.milliseconds(iso8601: user.dob.date) != nil)
            #expect(user.dob.age >= 21 && user.dob.age <= 80)
            let shape = Self.shape(user)
            switch user.nat {
            case "CA":
                #expect(shape.postcode == "L0L 0L0")
                #expect(shape.phone == "L00 L00-0000")
            case "NL":
                #expect(shape.postcode == "0000 LL")
                #expect(shape.cell == "(00) 00000000")
            case "NO":
                #expect(shape.postcode == "0000")
                #expect(user.id.value?.count == 11)
            case "GB":
                #expect(user.location.postcode.description.contains(" "))
            case "FI":
                let value = try #require(user.id.value)
                #expect(value.hasPrefix("NaNNA") && value.hasSuffix("undefined"))
            case "CH":
                #expect(["Monsieur", "Mademoiselle", "Madame"].contains(user.name.title))
                #expect(shape.id == "000.0000.0000.00")
            case "US":
                #expect(shape.id == "000-00-0000")
                #expect(shape.phone == "(000) 000-0000")
            case "BR":
                #expect(shape.id == "000.000.000-00")
            case "UA":
                #expect(shape.phone == "(000) L00-0000")
            default:
                break
            }
            if user.nat != "CH" { #expect(["Mr", "Miss", "Mrs", "Ms"].contains(user.name.title)) }
        }
        let iranian = try #require(users.first { $0.nat == "IR" })
        #expect(
            iranian.name.first.unicodeScalars.allSatisfy {
                $0.value >= 0x600 && $0.value <= 0x6FF || $0.value == 0x200C
            }
        )
        #expect(iranian.id == .init(name: "", value: nil))
    }

    /// Digits as `0`, ASCII letters as `L`.
    static func shape(_ user: RandomUserProfile) -> (postcode: String, phone: String, cell: String, id: String) {
        func shape(_ text: String) -> String {
            String(text.map { $0.isASCII && $0.isNumber ? "0" : ($0.isASCII && $0.isLetter ? "L" : $0) })
        }
        return (
            shape(user.location.postcode.description), shape(user.phone), shape(user.cell), shape(user.id.value ?? "")
        )
    }

    @Test func onlyTheRequestedNationalities() {
        var generator = SyntheticUserGenerator(seed: 1, nats: ["ir", "fi", "xx"], referenceMilliseconds: Self.now)
        #expect(generator.nats == ["FI", "IR"])
        #expect(Set(generator.next(count: 100).map(\.nat)) == ["FI", "IR"])
        let all = SyntheticUserGenerator(seed: 1, nats: ["xx"])
        #expect(all.nats.count == 21)
    }

    @Test func sourceIsNeverExhausted() async throws {
        let source = SyntheticSource(seed: 5, nationalities: ["no", "IR"])
        #expect(source.name == "synthetic")
        for _ in 0..<3 {
            let batch = try #require(try await source.nextBatch(maxUsers: 500))
            #expect(batch.users.count == 500)
            #expect(batch.requests == 0)
            #expect(
                batch.users.allSatisfy {
                    if case .user(let user) = $0 { ["NO", "IR"].contains(user.nat) } else { false }
                }
            )
        }
    }
}
