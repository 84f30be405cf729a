import Foundation
import Testing
import UserStreamCore

@Suite("randomuser decoding")
struct RandomUserDecodingTests {
    @Test("every sample user decodes and flattens", arguments: Fixtures.all)
    func everySampleDecodes(name: String) throws {
        let response = try Fixtures.response(name)
        let expected = name == Fixtures.allNats ? 111 : 1
        #expect(response.users.count == expected)
        for user in response.users {
            let profile = try #require(user.profile, "rejected: \(String(describing: user.rejection?.reason))")
            let record = try UserRecord(flattening: profile, ingestedAt: "2024-05-01T12:34:56.789Z")
            try record.validate()
        }
        #expect(response.info?.results == expected)
    }

    @Test func countsPerNationalityMatchTheSamplesReadme() throws {
        let profiles = try Fixtures.profiles(Fixtures.allNats)
        var counts: [String: Int] = [:]
        for profile in profiles { counts[profile.nat, default: 0] += 1 }
        let expected = [
            "AU": 5, "BR": 6, "CA": 3, "CH": 6, "DE": 8, "DK": 9, "ES": 4, "FI": 4, "FR": 6, "GB": 6, "IE": 9, "IN": 1,
            "IR": 3, "MX": 6, "NL": 6, "NO": 7, "NZ": 4, "RS": 6, "TR": 5, "UA": 2, "US": 5,
        ]
        #expect(counts == expected)
        #expect(Set(counts.keys) == Set(RandomUserNationality.codes))
        let stringPostcodes = profiles.filter {
            if case .text = $0.location.postcode { return true } else { return false }
        }
        #expect(stringPostcodes.count == 22)
        #expect(Set(stringPostcodes.map(\.nat)) == ["CA", "GB", "NL", "NO"])
        let nullIDs = profiles.filter { $0.id.value == nil }
        #expect(nullIDs.count == 14)
        #expect(Set(nullIDs.map(\.nat)) == RandomUserNationality.nullIDCodes)
        #expect(nullIDs.allSatisfy { $0.id.name == "" })
    }

    @Test func brazilianUserFieldByField() throws {
        let response = try Fixtures.response(Fixtures.singleBR)
        #expect(response.info == RandomUserResponse.Info(seed: "6786def1f7fa0850", results: 1, page: 1, version: "1.4"))
        let user = try #require(response.users.first?.profile)
        #expect(user.gender == "male")
        #expect(user.name == .init(title: "Mr", first: "Damas", last: "Oliveira"))
        #expect(user.location.street == .init(number: 6972, name: "Rua Vinte E Quatro de Outubro"))
        #expect(user.location.postcode == .number(32158))
        #expect(user.location.coordinates == .init(latitude: "-78.1478", longitude: "-175.9694"))
        #expect(user.location.timezone == .init(offset: "+5:30", description: "Bombay, Calcutta, Madras, New Delhi"))
        #expect(user.id == .init(name: "CPF", value: "398.279.379-95"))
        #expect(user.login.sha256 == "2bbddce0543393e9c2c16d8300047d703cdba17cfae992a3ee30b74d3577a5a4")

        let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.id == "4bbbf423-b3dd-409f-b35b-53957fc1b362")
        #expect(record.firstName == "Damas")
        #expect(record.lastName == "Oliveira")
        #expect(record.gender == "male")
        #expect(record.address == "6972 Rua Vinte E Quatro de Outubro, Cotia, Bahia, Brazil")
        #expect(record.postCode == "32158")
        #expect(record.email == "damas.oliveira@example.com")
        #expect(record.username == "goldenpeacock430")
        #expect(record.dob == "1958-06-23T03:40:17.665Z")
        #expect(record.registeredDate == "2014-08-30T05:19:44.274Z")
        #expect(record.phone == "(49) 7072-4143")
        #expect(record.picture == "https://randomuser.me/api/portraits/med/men/37.jpg")
        #expect(record.nat == "BR")
        #expect(record.country == "Brazil")
        #expect(record.city == "Cotia")
        #expect(record.state == "Bahia")
        #expect(record.age == 64)
        #expect(record.latitude == -78.1478)
        #expect(record.longitude == -175.9694)
        #expect(record.cell == "(97) 9244-6490")
        #expect(record.ingestedAt == "2024-05-01T12:34:56.789Z")
    }

    @Test func swissV13UserWithFourDigitPostcode() throws {
        let response = try Fixtures.response(Fixtures.singleCH)
        #expect(response.info?.version == "1.3")
        let user = try #require(response.users.first?.profile)
        #expect(user.name.title == "Monsieur")
        #expect(user.location.postcode == .number(3974))
        #expect(user.id == .init(name: "AVS", value: "756.2774.0309.42"))
        let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.postCode == "3974")
        #expect(record.address == "5544 Avenue Joliot Curie, Brusino Arsizio, Glarus, Switzerland")
        #expect(record.id == "e6381257-5d51-4cdc-87a1-349752d99365")
        #expect(record.age == 62)
        #expect(record.latitude == -52.5426)
        #expect(record.longitude == -138.5212)
    }

    @Test func iranianUserInPersianScriptWithNullID() throws {
        let profiles = try Fixtures.profiles(Fixtures.allNats)
        let user = try #require(profiles.first { $0.login.uuid == "30f39797-3a2d-413a-95bf-6bc979b01a80" })
        #expect(user.nat == "IR")
        #expect(user.name == .init(title: "Ms", first: "یسنا", last: "کامروا"))
        #expect(user.id == .init(name: "", value: nil))
        let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.firstName == "یسنا")
        #expect(record.lastName == "کامروا")
        #expect(record.address == "8930 هویزه, خوی, قزوین, Iran")
        #expect(record.postCode == "74966")
        #expect(record.email == "ysn.khmrw@example.com")
        #expect(record.phone == "041-98901015")
        #expect(record.cell == "0914-783-6806")
        #expect(record.age == 25)
        // The record's JSON carries the Persian text as UTF-8, not as \u escapes.
        let json = String(decoding: record.jsonBytes(), as: UTF8.self)
        #expect(json.contains("\"first_name\":\"یسنا\""))
        #expect(try UserRecord(jsonBytes: record.jsonBytes()) == record)
    }

    @Test func dutchUserWithStringPostcode() throws {
        let profiles = try Fixtures.profiles(Fixtures.allNats)
        let user = try #require(profiles.first { $0.login.uuid == "9cebbb33-2621-4fd1-a003-85fc2b0f2f19" })
        #expect(user.location.postcode == .text("3315 DJ"))
        let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.postCode == "3315 DJ")
        #expect(record.address == "6500 Bontekoestraat, Matsloot, Limburg, Netherlands")
        #expect(record.phone == "(0836) 223238")
        #expect(record.cell == "(06) 99830709")
        #expect(record.latitude == -17.5723)
        #expect(record.longitude == 130.8535)

        let gb = try #require(profiles.first { $0.login.uuid == "825b4521-1a5d-416f-9899-5adad1b072db" })
        #expect(gb.location.postcode == .text("MQ2T 3YL"))
        #expect(gb.id == .init(name: "NINO", value: "XH 35 17 89 P"))
    }

    @Test func finnishUserWithTheHETUBugValue() throws {
        let profiles = try Fixtures.profiles(Fixtures.allNats)
        let user = try #require(profiles.first { $0.login.uuid == "0b4cd8d8-ed11-492a-a4b1-4fb3e4f7f9a8" })
        #expect(user.id == .init(name: "HETU", value: "NaNNA229undefined"))
        let record = try UserRecord(flattening: user, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.firstName == "Vilho")
        #expect(record.address == "9031 Suvantokatu, Nivala, Central Ostrobothnia, Finland")
        #expect(record.postCode == "15009")
        #expect(record.dob == "1966-02-10T22:58:30.725Z")
        #expect(record.age == 57)
    }

    @Test func oneBadUserIsRejectedWhileTheOthersDecode() throws {
        let body = """
            {"results":[
              {"gender":"female","name":{"title":"Ms","first":"Ann","last":"Lee"},"location":{"street":{"number":1,"name":"A St"},"city":"X","state":"Y","country":"Z","postcode":{"code":1}},"email":"a@b.c","login":{"uuid":"4bbbf423-b3dd-409f-b35b-53957fc1b362","username":"u"},"dob":{"date":"1990-01-01T00:00:00.000Z","age":33},"registered":{"date":"2010-01-01T00:00:00.000Z","age":13},"phone":"1","cell":"2","id":{"name":"","value":null},"picture":{"large":"l","medium":"m","thumbnail":"t"},"nat":"US"},
              \(sampleUserJSON),
              {"gender":"male","name":{"title":"Mr","first":"Bo","last":"Ek"},"location":{"street":{"number":"12","name":"B St"},"city":"X","state":"Y","country":"Z","postcode":"1234"},"email":"b@b.c","login":{"username":"u2"},"dob":{"date":"1990-01-01T00:00:00.000Z","age":33},"registered":{"date":"2010-01-01T00:00:00.000Z","age":13},"phone":"1","cell":"2","picture":{"medium":"m"},"nat":"US","extra":{"deep":[1,2,{"x":null}]}},
              42
            ],"info":{"seed":"s","results":4,"page":1,"version":"1.4"}}
            """
        let response = try RandomUserResponse.decode(Array(body.utf8), nowMilliseconds: Fixtures.now)
        #expect(response.users.count == 4)
        let first = try #require(response.users[0].rejection)
        #expect(first.reason == "location.postcode: expected number or string, got object")
        // The raw bytes are the element itself, re-serialised.
        let reparsed = try JSONValue(parsing: first.raw)
        #expect(reparsed["name"]?["first"] == .string("Ann"))
        #expect(response.users[1].profile?.name.first == "Damas")
        // Decodes (street number as a string, unknown nested keys ignored) but cannot be flattened: no uuid.
        let third = try #require(response.users[2].profile)
        #expect(third.location.street.number == 12)
        #expect(throws: UserRecordFlatteningError.self) { try UserRecord(flattening: third, ingestedAt: "x") }
        do {
            _ = try UserRecord(flattening: third, ingestedAt: "x")
        } catch {
            #expect(error.reason == "login.uuid: missing")
        }
        #expect(response.users[3].rejection?.reason == "results[3]: expected object, got number")
        #expect(response.users[3].rejection?.raw == Array("42".utf8))
    }

    @Test func missingAndMistypedFieldsNameTheirPath() throws {
        let base = sampleUserJSON
        let mistyped = base.replacingOccurrences(
            of: #""uuid": "4bbbf423-b3dd-409f-b35b-53957fc1b362""#,
            with: #""uuid": 7"#
        )
        let response = try RandomUserResponse.decode(Array("{\"results\":[\(mistyped)]}".utf8))
        #expect(response.users[0].rejection?.reason == "login.uuid: expected string, got number")

        let noEmail = base.replacingOccurrences(of: #""email": "damas.oliveira@example.com","#, with: "")
        let second = try RandomUserResponse.decode(Array("{\"results\":[\(noEmail)]}".utf8))
        #expect(second.users[0].rejection?.reason == "email: missing")
    }

    @Test func olderAPIShapesAreMapped() throws {
        // 1.0: street as one string, dates as Unix seconds, no uuid/coordinates/timezone/country.
        let v10 = """
            {"gender":"female","name":{"title":"miss","first":"ella","last":"kelly"},
             "location":{"street":"9278 new road","city":"kilcoole","state":"waterford","postcode":93027},
             "email":"ella.kelly@example.com","login":{"username":"tinywolf","password":"pw","salt":"s","md5":"m","sha1":"h","sha256":"x"},
             "dob":932871968,"registered":1397633641,"phone":"011-962-7516","cell":"081-454-0666",
             "id":{"name":"PPS","value":"0390511T"},"picture":{"large":"l","medium":"m","thumbnail":"t"},"nat":"IE"}
            """
        let old = try RandomUserProfile(jsonBytes: Array(v10.utf8), nowMilliseconds: Fixtures.now)
        #expect(old.location.street == .init(number: 9278, name: "new road"))
        #expect(old.location.country == "")
        #expect(old.location.coordinates == nil)
        #expect(old.dob.date == "1999-07-25T03:06:08.000Z")
        #expect(old.dob.age == 23)
        #expect(old.registered.date == "2014-04-16T07:34:01.000Z")
        #expect(old.login.uuid == "")
        var withUUID = old
        withUUID.login.uuid = "B6A5F2A0-1111-4222-8333-444455556666"
        let record = try UserRecord(flattening: withUUID, ingestedAt: "2024-05-01T12:34:56.789Z")
        #expect(record.id == "b6a5f2a0-1111-4222-8333-444455556666")
        #expect(record.address == "9278 new road, kilcoole, waterford, Ireland")
        #expect(record.latitude == nil)

        // 1.1: "YYYY-MM-DD HH:mm:ss" strings. 1.2: {date without milliseconds, age}.
        let v11 = v10.replacingOccurrences(of: "932871968", with: #""1999-08-02 03:06:08""#)
            .replacingOccurrences(of: "1397633641", with: #"{"date":"2014-04-16T07:34:01Z","age":"9"}"#)
        let newer = try RandomUserProfile(jsonBytes: Array(v11.utf8), nowMilliseconds: Fixtures.now)
        #expect(newer.dob == .init(date: "1999-08-02T03:06:08.000Z", age: 23))
        #expect(newer.registered == .init(date: "2014-04-16T07:34:01Z", age: 9))

        let badStreet = v10.replacingOccurrences(of: "9278 new road", with: "new road")
        #expect(throws: RandomUserDecodingError.self) {
            try RandomUserProfile(jsonBytes: Array(badStreet.utf8))
        }
    }

    @Test func wholeResponseErrors() throws {
        func code(_ body: String) -> RandomUserResponseError.Code? {
            do {
                _ = try RandomUserResponse.decode(Array(body.utf8))
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(#"{"error": "Uh oh, something has gone wrong."}"#) == .errorBody)
        #expect(code("<html>Bad gateway</html>") == .malformedJSON)
        #expect(code(#"{"results":[{"gender":"#) == .malformedJSON)
        #expect(code(#"{"info":{}}"#) == .malformedJSON)
        #expect(code(#"{"results":{}}"#) == .malformedJSON)
        #expect(code("") == .malformedJSON)
        do {
            _ = try RandomUserResponse.decode(Array(#"{"results":[{"gender":"#.utf8))
        } catch {
            #expect(error.kind == "malformed_json")
            #expect(error.message.contains("truncated"))
        }
    }

    @Test func encodingToTheAPIShapeRoundTrips() throws {
        let profiles = try Fixtures.profiles(Fixtures.allNats)
        let body = RandomUserResponse.apiJSONBytes(users: profiles, seed: "abc", page: 2)
        let decoded = try RandomUserResponse.decode(body, nowMilliseconds: Fixtures.now)
        #expect(decoded.users.compactMap(\.profile) == profiles)
        #expect(decoded.info == .init(seed: "abc", results: 111, page: 2, version: "1.4"))
        // Key order as the API's.
        let single = String(decoding: profiles[0].apiJSONBytes(), as: UTF8.self)
        let keys = [
            "\"gender\"", "\"name\"", "\"location\"", "\"email\"", "\"login\"", "\"dob\"", "\"registered\"",
            "\"phone\"", "\"cell\"", "\"id\"", "\"picture\"", "\"nat\"",
        ]
        let positions = keys.map { single.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
    }
}

/// The BR sample user, as pretty JSON.
let sampleUserJSON = """
    {
        "gender": "male",
        "name": { "title": "Mr", "first": "Damas", "last": "Oliveira" },
        "location": {
            "street": { "number": 6972, "name": "Rua Vinte E Quatro de Outubro" },
            "city": "Cotia", "state": "Bahia", "country": "Brazil", "postcode": 32158,
            "coordinates": { "latitude": "-78.1478", "longitude": "-175.9694" },
            "timezone": { "offset": "+5:30", "description": "Bombay, Calcutta, Madras, New Delhi" }
        },
        "email": "damas.oliveira@example.com",
        "login": {
            "uuid": "4bbbf423-b3dd-409f-b35b-53957fc1b362", "username": "goldenpeacock430", "password": "cheese1",
            "salt": "RoZ1bL8n", "md5": "b898dc469ce9c650352b8f5d15f66f32",
            "sha1": "92dbdefaf3433e75821b9153493371d770ded92f",
            "sha256": "2bbddce0543393e9c2c16d8300047d703cdba17cfae992a3ee30b74d3577a5a4"
        },
        "dob": { "date": "1958-06-23T03:40:17.665Z", "age": 64 },
        "registered": { "date": "2014-08-30T05:19:44.274Z", "age": 8 },
        "phone": "(49) 7072-4143", "cell": "(97) 9244-6490",
        "id": { "name": "CPF", "value": "398.279.379-95" },
        "picture": {
            "large": "https://randomuser.me/api/portraits/men/37.jpg",
            "medium": "https://randomuser.me/api/portraits/med/men/37.jpg",
            "thumbnail": "https://randomuser.me/api/portraits/thumb/men/37.jpg"
        },
        "nat": "BR"
    }
    """
