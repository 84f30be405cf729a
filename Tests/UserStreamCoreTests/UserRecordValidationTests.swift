import Testing
import UserStreamCore

@Suite("UserRecord validation")
struct UserRecordValidationTests {
    func failure(_ mutate: (inout UserRecord) -> Void) -> UserRecordValidationError? {
        var record = UserRecordJSONTests.full
        mutate(&record)
        do {
            try record.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test func aGoodRecordPasses() throws {
        try UserRecordJSONTests.full.validate()
        #expect(
            failure {
                $0.address = ""; $0.phone = ""; $0.postCode = ""
            } == nil
        )
        #expect(
            failure {
                $0.ingestedAt = nil; $0.age = nil; $0.latitude = nil
            } == nil
        )
    }

    @Test func idMustBeACanonicalLowerCaseUUID() {
        #expect(failure { $0.id = "not-a-uuid" }?.code == .invalidID)
        #expect(failure { $0.id = "4BBBF423-B3DD-409F-B35B-53957FC1B362" }?.code == .invalidID)
        #expect(failure { $0.id = "4bbbf423b3dd409fb35b53957fc1b362" }?.code == .invalidID)
        #expect(failure { $0.id = "4bbbf423-b3dd-409f-b35b-53957fc1b36g" }?.code == .invalidID)
        #expect(failure { $0.id = "" }?.reason == "id: not a canonical lower-case UUID: \"\"")
    }

    @Test(arguments: ["first_name", "last_name", "gender", "email", "username", "dob", "registered_date", "picture"])
    func requiredFieldsMustBeNonEmpty(field: String) {
        let error = failure { record in
            switch field {
            case "first_name": record.firstName = ""
            case "last_name": record.lastName = ""
            case "gender": record.gender = ""
            case "email": record.email = ""
            case "username": record.username = ""
            case "dob": record.dob = ""
            case "registered_date": record.registeredDate = ""
            default: record.picture = ""
            }
        }
        #expect(error?.code == .missingField)
        #expect(error?.field == field)
        #expect(error?.reason == "\(field): empty")
    }

    @Test(arguments: [
        "plain", "a@b", "a@.com", "@b.com", "a b@c.com", "a@b.com.", "a@@b.com", "a@b@c.com", "a@b..com\t",
    ])
    func emailMustBeWellFormed(email: String) {
        #expect(failure { $0.email = email }?.code == .invalidEmail)
    }

    @Test func wellFormedEmailsPass() {
        for email in ["ysn.khmrw@example.com", "horst-gunter.korte@example.com", "a@b.co", "o'brien@mail.example.ie"] {
            #expect(failure { $0.email = email } == nil, "\(email)")
        }
    }

    @Test func datesMustParse() {
        #expect(failure { $0.dob = "1977-03-23" }?.code == .invalidDate)
        #expect(failure { $0.dob = "1977-02-30T00:00:00.000Z" }?.field == "dob")
        #expect(failure { $0.registeredDate = "yesterday" }?.field == "registered_date")
        #expect(failure { $0.ingestedAt = "now" }?.field == "ingested_at")
        #expect(failure { $0.dob = "1977-03-23T18:45:36Z" } == nil)
    }

    @Test func sizesAreBounded() {
        let long = String(repeating: "é", count: 513)  // 1,026 bytes
        #expect(failure { $0.firstName = long }?.code == .tooLong)
        #expect(failure { $0.cell = long }?.field == "cell")
        #expect(failure { $0.address = long } == nil)
        #expect(failure { $0.address = long + long + "xx" }?.field == "address")
        #expect(failure { $0.firstName = String(repeating: "x", count: 1024) } == nil)
    }

    @Test func rangesAreChecked() {
        #expect(failure { $0.age = -1 }?.code == .outOfRange)
        #expect(failure { $0.age = 151 }?.field == "age")
        #expect(failure { $0.age = 0 } == nil)
        #expect(failure { $0.latitude = 90.0001 }?.field == "latitude")
        #expect(failure { $0.latitude = -90 } == nil)
        #expect(failure { $0.longitude = -180.5 }?.field == "longitude")
        #expect(failure { $0.longitude = .nan }?.field == "longitude")
    }
}
