import Foundation
import Testing
import UserStreamCore

@Suite("UserRecord JSON codec")
struct UserRecordJSONTests {
    static let full = UserRecord(
        id: "4bbbf423-b3dd-409f-b35b-53957fc1b362",
        firstName: "Damas",
        lastName: "Oliveira",
        gender: "male",
        address: "6972 Rua Vinte E Quatro de Outubro, Cotia, Bahia, Brazil",
        postCode: "32158",
        email: "damas.oliveira@example.com",
        username: "goldenpeacock430",
        dob: "1958-06-23T03:40:17.665Z",
        registeredDate: "2014-08-30T05:19:44.274Z",
        phone: "(49) 7072-4143",
        picture: "https://randomuser.me/api/portraits/med/men/37.jpg",
        nat: "BR",
        country: "Brazil",
        city: "Cotia",
        state: "Bahia",
        age: 64,
        latitude: -78.1478,
        longitude: -175.9694,
        cell: "(97) 9244-6490",
        ingestedAt: "2024-05-01T12:34:56.789Z"
    )

    @Test func encodesTheSeedsShapeInColumnOrder() throws {
        let text = String(decoding: Self.full.jsonBytes(), as: UTF8.self)
        #expect(
            text
                == #"{"id":"4bbbf423-b3dd-409f-b35b-53957fc1b362","first_name":"Damas","last_name":"Oliveira","gender":"male","address":"6972 Rua Vinte E Quatro de Outubro, Cotia, Bahia, Brazil","post_code":"32158","email":"damas.oliveira@example.com","username":"goldenpeacock430","dob":"1958-06-23T03:40:17.665Z","registered_date":"2014-08-30T05:19:44.274Z","phone":"(49) 7072-4143","picture":"https://randomuser.me/api/portraits/med/men/37.jpg","nat":"BR","country":"Brazil","city":"Cotia","state":"Bahia","age":64,"latitude":-78.1478,"longitude":-175.9694,"cell":"(97) 9244-6490","ingested_at":"2024-05-01T12:34:56.789Z"}"#
        )
        // Foundation agrees it is a flat object with the expected keys and types.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(Self.full.jsonBytes())) as? [String: Any])
        #expect(Set(object.keys) == Set(UserRecord.columnNames))
        #expect(object["age"] as? Int == 64)
        #expect(object["latitude"] as? Double == -78.1478)
    }

    @Test func optionalExtrasAreOmittedWhenNil() throws {
        var record = Self.full
        record.nat = nil
        record.country = nil
        record.city = nil
        record.state = nil
        record.age = nil
        record.latitude = nil
        record.longitude = nil
        record.cell = nil
        record.ingestedAt = nil
        let text = String(decoding: record.jsonBytes(), as: UTF8.self)
        #expect(!text.contains("\"nat\"") && !text.contains("\"age\"") && !text.contains("\"latitude\""))
        #expect(try UserRecord(jsonBytes: record.jsonBytes()) == record)
    }

    @Test func appendingReusesTheBuffer() throws {
        var buffer: [UInt8] = []
        Self.full.appendJSON(to: &buffer)
        let first = buffer
        buffer.removeAll(keepingCapacity: true)
        Self.full.appendJSON(to: &buffer)
        #expect(buffer == first)
        #expect(buffer == Self.full.jsonBytes())
    }

    @Test("every sample user round-trips exactly", arguments: Fixtures.all)
    func samplesRoundTrip(name: String) throws {
        for profile in try Fixtures.profiles(name) {
            let record = try UserRecord(flattening: profile, ingestedAt: "2024-05-01T12:34:56.789Z")
            let bytes = record.jsonBytes()
            #expect(try UserRecord(jsonBytes: bytes) == record)
            #expect(try UserRecord(jsonBytes: bytes[...]) == record)
            let viaPointer = try bytes.withUnsafeBytes { try UserRecord(jsonBytes: $0) }
            #expect(viaPointer == record)
        }
    }

    @Test func escapesControlCharactersQuotesAndBackslashes() throws {
        var record = Self.full
        record.firstName = "A\"B\\C\n\t\r\u{08}\u{0C}\u{01}\u{1F}/é😀"
        let text = String(decoding: record.jsonBytes(), as: UTF8.self)
        #expect(text.contains(#""first_name":"A\"B\\C\n\t\r\b\f\u0001\u001f/é😀""#))
        #expect(try UserRecord(jsonBytes: record.jsonBytes()) == record)
        let foundation = try JSONSerialization.jsonObject(with: Data(record.jsonBytes())) as? [String: Any]
        #expect(foundation?["first_name"] as? String == record.firstName)
    }

    static let minimal =
        #"{"id":"4bbbf423-b3dd-409f-b35b-53957fc1b362","first_name":"A","last_name":"B","gender":"male","address":"1 X, Y, Z, W","post_code":"1","email":"a@b.co","username":"u","dob":"1990-01-01T00:00:00.000Z","registered_date":"2010-01-01T00:00:00.000Z","phone":"1","picture":"p"}"#

    func decode(_ text: String) throws(UserRecordDecodingError) -> UserRecord {
        try UserRecord(jsonBytes: Array(text.utf8))
    }

    func failure(_ text: String) -> UserRecordDecodingError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsAnyKeyOrderWhitespaceAndSeedOnlyRecords() throws {
        let record = try decode(Self.minimal)
        #expect(record.nat == nil && record.age == nil)
        let reordered = """
             {
              "picture" : "p", "phone":"1", "registered_date":"2010-01-01T00:00:00.000Z",
              "dob":"1990-01-01T00:00:00.000Z","username":"u","email":"a@b.co","post_code":"1",
              "address":"1 X, Y, Z, W","gender":"male","last_name":"B","first_name":"A",
              "id":"4bbbf423-b3dd-409f-b35b-53957fc1b362"
            }\t\r\n
            """
        #expect(try decode(reordered) == record)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let text = Self.minimal.replacingOccurrences(
            of: #""first_name":"A""#,
            with: #""first_name":"\u00e9\u0041\"\\\/\b\f\n\r\t\ud83d\ude00\u062f""#
        )
        #expect(try decode(text).firstName == "éA\"\\/\u{08}\u{0C}\n\r\t😀د")
        // Escaped key.
        let escapedKey = Self.minimal.replacingOccurrences(of: #""last_name":"B""#, with: #""last\u005fname":"Q""#)
        #expect(try decode(escapedKey).lastName == "Q")
        // Lone surrogates and bad escapes are refused.
        #expect(failure(Self.minimal.replacingOccurrences(of: #""A""#, with: #""\ud83d""#))?.code == .malformed)
        #expect(failure(Self.minimal.replacingOccurrences(of: #""A""#, with: #""\ude00x""#))?.code == .malformed)
        #expect(failure(Self.minimal.replacingOccurrences(of: #""A""#, with: #""\x""#))?.code == .malformed)
        #expect(failure(Self.minimal.replacingOccurrences(of: #""A""#, with: "\"a\u{01}b\""))?.code == .malformed)
    }

    @Test func skipsUnknownKeysOfAnyTypeAndLastDuplicateWins() throws {
        let text = Self.minimal.replacingOccurrences(
            of: #""gender":"male","#,
            with:
                #""gender":"male","extra":{"a":[1,2.5e3,{"b":null,"c":[true,false,"x\"y"]}],"d":{}},"n":-0.5,"t":true,"gender":"female","z":[],"#
        )
        let record = try decode(text)
        #expect(record.gender == "female")
        #expect(record.firstName == "A")
    }

    @Test func numbersAsStringsAndStringsAsNumbers() throws {
        let text = Self.minimal.replacingOccurrences(of: #""post_code":"1""#, with: #""post_code":32158"#)
            .replacingOccurrences(
                of: #""picture":"p""#,
                with: #""picture":"p","age":"64","latitude":"-78.1478","longitude":-175.9694e0,"nat":null,"cell":null"#
            )
        let record = try decode(text)
        #expect(record.postCode == "32158")
        #expect(record.age == 64)
        #expect(record.latitude == -78.1478)
        #expect(record.longitude == -175.9694)
        #expect(record.nat == nil && record.cell == nil)

        #expect(
            failure(Self.minimal.replacingOccurrences(of: #""picture":"p""#, with: #""picture":"p","age":1.5"#))?.reason
                == "age: expected integer, got 1.5"
        )
        #expect(
            failure(Self.minimal.replacingOccurrences(of: #""picture":"p""#, with: #""picture":"p","age":{}"#))?.reason
                == "age: expected integer or numeric string, got object"
        )
        #expect(
            failure(
                Self.minimal.replacingOccurrences(of: #""picture":"p""#, with: #""picture":"p","latitude":"north""#)
            )?.reason == #"latitude: expected number, got "north""#
        )
        #expect(
            failure(Self.minimal.replacingOccurrences(of: #""first_name":"A""#, with: #""first_name":5"#))?.reason
                == "first_name: expected string, got number"
        )
    }

    @Test func missingRequiredFieldIsNamed() throws {
        for name in UserRecord.seedColumnNames {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.minimal.utf8)) as? [String: Any])
            object[name] = nil
            let bytes = try JSONSerialization.data(withJSONObject: object)
            let error = failure(String(decoding: bytes, as: UTF8.self))
            #expect(error?.code == .missingField)
            #expect(error?.reason == "missing required field \"\(name)\"")
        }
        // null counts as missing for a required field.
        let nulled = Self.minimal.replacingOccurrences(of: #""email":"a@b.co""#, with: #""email":null"#)
        #expect(failure(nulled)?.reason == "missing required field \"email\"")
    }

    @Test func truncatedMalformedAndHostileInput() throws {
        let bytes = Array(Self.minimal.utf8)
        for cut in [1, 10, bytes.count / 2, bytes.count - 1] {
            let error = failure(String(decoding: bytes.prefix(cut), as: UTF8.self))
            #expect(error?.code == .truncated, "cut at \(cut): \(String(describing: error))")
        }
        #expect(failure("")?.code == .truncated)
        #expect(failure("[1,2]")?.code == .notAnObject)
        #expect(failure("\"x\"")?.code == .notAnObject)
        #expect(failure("{\"id\" 1}")?.code == .malformed)
        #expect(failure(Self.minimal + "x")?.code == .malformed)
        #expect(
            failure(Self.minimal.replacingOccurrences(of: "\"post_code\":\"1\"", with: "\"post_code\":01"))?.code
                == .malformed
        )

        let oversized = Self.minimal.replacingOccurrences(
            of: #""picture":"p""#,
            with: "\"picture\":\"\(String(repeating: "x", count: 70_000))\""
        )
        #expect(failure(oversized)?.code == .tooLarge)

        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let nested = Self.minimal.replacingOccurrences(of: #""picture":"p""#, with: "\"picture\":\"p\",\"x\":\(deep)")
        #expect(failure(nested)?.code == .tooDeep)
        let shallow = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(
            failure(
                Self.minimal.replacingOccurrences(of: #""picture":"p""#, with: "\"picture\":\"p\",\"x\":\(shallow)")
            ) == nil
        )

        // Invalid UTF-8 inside a string.
        var invalid = Array(Self.minimal.utf8)
        let index = try #require(invalid.firstIndex(of: UInt8(ascii: "A")))
        invalid[index] = 0xFF
        #expect(throws: UserRecordDecodingError.self) { try UserRecord(jsonBytes: invalid) }
    }
}
