extension RandomUserProfile {
    /// Decodes one user object, leniently: the 1.3/1.4 shapes and, where they can be mapped, the older ones
    /// (api.md "Version differences").
    ///
    /// - `location.street` may be an object `{number, name}` or one string `"1234 street name"` (1.0–1.2); the
    ///   number may be sent as a numeric string.
    /// - `location.postcode` may be a number or a string; `coordinates`, `timezone` and `country` may be absent.
    /// - `dob`/`registered` may be `{date, age}`, Unix seconds (1.0) or `"YYYY-MM-DD HH:mm:ss"` (1.1, UTC); dates
    ///   that are not ISO-8601 are converted to `YYYY-MM-DDTHH:mm:ss.SSSZ`; a missing age is computed from the
    ///   date at `nowMilliseconds`. Ages may be numeric strings.
    /// - `login.uuid` may be absent (1.0, 1.1): decoded as `""`, the flatten step rejects it. `login.password`,
    ///   `salt` and the hashes default to `""`; `name.title` too.
    /// - `id` may be absent, `id.name` `""`, `id.value` `null`, a string or a number.
    /// - `phone`, `cell` and coordinates may be sent as numbers; `cell` may be absent.
    /// - Unknown keys are ignored.
    ///
    /// Errors carry the dotted path of the offending field.
    public init(json: JSONValue, nowMilliseconds: Int64 = Timestamp.nowMilliseconds()) throws(RandomUserDecodingError) {
        guard case .object = json else {
            throw RandomUserDecodingError(
                code: .typeMismatch,
                path: "",
                detail: "expected object, got \(json.typeName)"
            )
        }
        let reader = ProfileReader(nowMilliseconds: nowMilliseconds)
        self = try reader.profile(json)
    }

    /// Decodes one user object from JSON bytes. See `init(json:nowMilliseconds:)`.
    public init(
        jsonBytes: some Collection<UInt8>,
        nowMilliseconds: Int64 = Timestamp.nowMilliseconds()
    ) throws(RandomUserDecodingError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: jsonBytes)
        } catch {
            throw RandomUserDecodingError(code: .malformedJSON, path: "", detail: "malformed JSON: \(error.message)")
        }
        try self.init(json: value, nowMilliseconds: nowMilliseconds)
    }
}

/// Field-by-field reader with path-carrying errors.
private struct ProfileReader {
    let nowMilliseconds: Int64

    typealias Failure = RandomUserDecodingError

    func missing(_ path: String) -> Failure {
        Failure(code: .missing, path: path, detail: "missing")
    }

    func mismatch(_ path: String, _ expected: String, _ got: JSONValue) -> Failure {
        Failure(code: .typeMismatch, path: path, detail: "expected \(expected), got \(got.typeName)")
    }

    func invalid(_ path: String, _ detail: String) -> Failure {
        Failure(code: .invalidValue, path: path, detail: detail)
    }

    /// The member `key` of `object`, treating `null` as absent.
    func member(_ object: JSONValue, _ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func object(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> JSONValue {
        guard let value = member(parent, key) else { throw missing(path) }
        guard case .object = value else { throw mismatch(path, "object", value) }
        return value
    }

    func optionalObject(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> JSONValue? {
        guard let value = member(parent, key) else { return nil }
        guard case .object = value else { throw mismatch(path, "object", value) }
        return value
    }

    func string(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> String {
        guard let value = member(parent, key) else { throw missing(path) }
        guard case .string(let text) = value else { throw mismatch(path, "string", value) }
        return text
    }

    func optionalString(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> String? {
        guard let value = member(parent, key) else { return nil }
        guard case .string(let text) = value else { throw mismatch(path, "string", value) }
        return text
    }

    /// A string, or a number taken as its literal text (phones, ids, coordinates sent as numbers).
    func text(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> String {
        guard let value = try optionalText(parent, key, path) else { throw missing(path) }
        return value
    }

    func optionalText(_ parent: JSONValue, _ key: String, _ path: String) throws(Failure) -> String? {
        guard let value = member(parent, key) else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let literal): return literal
        default: throw mismatch(path, "string or number", value)
        }
    }

    /// An integer sent as a JSON integer or a numeric string.
    func integer(_ value: JSONValue, _ path: String) throws(Failure) -> Int {
        switch value {
        case .number(let literal):
            if let integer = Int(literal) { return integer }
            if let double = Double(literal), double == double.rounded(), let integer = Int(exactly: double) {
                return integer
            }
            throw invalid(path, "expected integer, got \(literal)")
        case .string(let text):
            let trimmed = text.trimmingSpaces()
            guard let integer = Int(trimmed) else { throw invalid(path, "expected integer, got \"\(text)\"") }
            return integer
        default:
            throw mismatch(path, "integer or numeric string", value)
        }
    }

    func profile(_ user: JSONValue) throws(Failure) -> RandomUserProfile {
        let gender = try string(user, "gender", "gender")
        let nameObject = try object(user, "name", "name")
        let name = RandomUserProfile.Name(
            title: try optionalString(nameObject, "title", "name.title") ?? "",
            first: try string(nameObject, "first", "name.first"),
            last: try string(nameObject, "last", "name.last")
        )
        let location = try self.location(try object(user, "location", "location"))
        let email = try string(user, "email", "email")
        let loginObject = try object(user, "login", "login")
        let login = RandomUserProfile.Login(
            uuid: try optionalString(loginObject, "uuid", "login.uuid") ?? "",
            username: try string(loginObject, "username", "login.username"),
            password: try optionalText(loginObject, "password", "login.password") ?? "",
            salt: try optionalText(loginObject, "salt", "login.salt") ?? "",
            md5: try optionalString(loginObject, "md5", "login.md5") ?? "",
            sha1: try optionalString(loginObject, "sha1", "login.sha1") ?? "",
            sha256: try optionalString(loginObject, "sha256", "login.sha256") ?? ""
        )
        let dob = try datedAge(user, "dob")
        let registered = try datedAge(user, "registered")
        let phone = try text(user, "phone", "phone")
        let cell = try optionalText(user, "cell", "cell") ?? ""
        let identifier: RandomUserProfile.Identifier
        if let idObject = try optionalObject(user, "id", "id") {
            identifier = RandomUserProfile.Identifier(
                name: try optionalString(idObject, "name", "id.name") ?? "",
                value: try optionalText(idObject, "value", "id.value")
            )
        } else {
            identifier = RandomUserProfile.Identifier(name: "", value: nil)
        }
        let pictureObject = try object(user, "picture", "picture")
        let picture = RandomUserProfile.Picture(
            large: try optionalString(pictureObject, "large", "picture.large") ?? "",
            medium: try string(pictureObject, "medium", "picture.medium"),
            thumbnail: try optionalString(pictureObject, "thumbnail", "picture.thumbnail") ?? ""
        )
        let nat = try string(user, "nat", "nat")
        return RandomUserProfile(
            gender: gender,
            name: name,
            location: location,
            email: email,
            login: login,
            dob: dob,
            registered: registered,
            phone: phone,
            cell: cell,
            id: identifier,
            picture: picture,
            nat: nat
        )
    }

    func location(_ object: JSONValue) throws(Failure) -> RandomUserProfile.Location {
        guard let streetValue = member(object, "street") else { throw missing("location.street") }
        let street: RandomUserProfile.Street
        switch streetValue {
        case .object:
            guard let numberValue = member(streetValue, "number") else { throw missing("location.street.number") }
            street = RandomUserProfile.Street(
                number: try integer(numberValue, "location.street.number"),
                name: try string(streetValue, "name", "location.street.name")
            )
        case .string(let text):
            street = try oneStringStreet(text)
        default:
            throw mismatch("location.street", "object or string", streetValue)
        }
        let postcode: RandomUserProfile.Postcode
        guard let postcodeValue = member(object, "postcode") else { throw missing("location.postcode") }
        switch postcodeValue {
        case .number(let literal):
            if let integer = Int(literal) {
                postcode = .number(integer)
            } else {
                postcode = .text(literal)
            }
        case .string(let text):
            postcode = .text(text)
        default:
            throw mismatch("location.postcode", "number or string", postcodeValue)
        }
        var coordinates: RandomUserProfile.Coordinates?
        if let coordinatesObject = try optionalObject(object, "coordinates", "location.coordinates") {
            coordinates = RandomUserProfile.Coordinates(
                latitude: try text(coordinatesObject, "latitude", "location.coordinates.latitude"),
                longitude: try text(coordinatesObject, "longitude", "location.coordinates.longitude")
            )
        }
        var timezone: RandomUserProfile.Timezone?
        if let timezoneObject = try optionalObject(object, "timezone", "location.timezone") {
            timezone = RandomUserProfile.Timezone(
                offset: try text(timezoneObject, "offset", "location.timezone.offset"),
                description: try optionalString(timezoneObject, "description", "location.timezone.description") ?? ""
            )
        }
        return RandomUserProfile.Location(
            street: street,
            city: try text(object, "city", "location.city"),
            state: try text(object, "state", "location.state"),
            country: try optionalString(object, "country", "location.country") ?? "",
            postcode: postcode,
            coordinates: coordinates,
            timezone: timezone
        )
    }

    /// 1.0–1.2: `"1234 street name"`.
    func oneStringStreet(_ text: String) throws(Failure) -> RandomUserProfile.Street {
        let trimmed = text.trimmingSpaces()
        let digits = trimmed.utf8.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 9, let number = Int(String(decoding: digits, as: UTF8.self)) else {
            throw invalid("location.street", "expected \"<number> <name>\", got \"\(text)\"")
        }
        let rest = String(decoding: trimmed.utf8.dropFirst(digits.count), as: UTF8.self).trimmingSpaces()
        guard !rest.isEmpty else { throw invalid("location.street", "expected \"<number> <name>\", got \"\(text)\"") }
        return RandomUserProfile.Street(number: number, name: rest)
    }

    /// `{date, age}` (1.2+), Unix seconds (1.0) or a date string (1.1 `"YYYY-MM-DD HH:mm:ss"` or ISO-8601).
    func datedAge(_ user: JSONValue, _ key: String) throws(Failure) -> RandomUserProfile.DatedAge {
        guard let value = member(user, key) else { throw missing(key) }
        switch value {
        case .object:
            guard let dateValue = member(value, "date") else { throw missing("\(key).date") }
            let date: String
            switch dateValue {
            case .string(let text):
                date = text
            case .number:
                date = try isoDate(fromSeconds: dateValue, "\(key).date")
            default:
                throw mismatch("\(key).date", "string or number", dateValue)
            }
            if let ageValue = member(value, "age") {
                return RandomUserProfile.DatedAge(date: date, age: try integer(ageValue, "\(key).age"))
            }
            guard let milliseconds = Timestamp.milliseconds(iso8601: date) else {
                throw invalid("\(key).date", "not a date: \"\(date)\" (and \(key).age is missing)")
            }
            return RandomUserProfile.DatedAge(date: date, age: age(since: milliseconds))
        case .number:
            let date = try isoDate(fromSeconds: value, key)
            return RandomUserProfile.DatedAge(date: date, age: age(since: Timestamp.milliseconds(iso8601: date) ?? 0))
        case .string(let text):
            if let milliseconds = Timestamp.milliseconds(iso8601: text) {
                let date = text.utf8.count == 19 ? Timestamp.iso8601(milliseconds: milliseconds) : text
                return RandomUserProfile.DatedAge(date: date, age: age(since: milliseconds))
            }
            if let milliseconds = Timestamp.milliseconds(iso8601: text + "Z") {
                return RandomUserProfile.DatedAge(
                    date: Timestamp.iso8601(milliseconds: milliseconds),
                    age: age(since: milliseconds)
                )
            }
            throw invalid(key, "not a date: \"\(text)\"")
        default:
            throw mismatch(key, "object, string or number", value)
        }
    }

    func isoDate(fromSeconds value: JSONValue, _ path: String) throws(Failure) -> String {
        guard case .number(let literal) = value, let seconds = Double(literal), seconds.isFinite,
            abs(seconds) < 1e11
        else {
            throw invalid(path, "not a Unix time in seconds: \(value.typeName)")
        }
        return Timestamp.iso8601(milliseconds: Int64((seconds * 1000).rounded()))
    }

    /// Whole years between `milliseconds` and now.
    func age(since milliseconds: Int64) -> Int {
        RandomUserProfile.age(from: milliseconds, to: nowMilliseconds)
    }
}

extension RandomUserProfile {
    /// Whole years from `from` to `to` (milliseconds since the epoch, UTC calendar), as randomuser computes ages.
    public static func age(from: Int64, to: Int64) -> Int {
        guard to >= from else { return 0 }
        let (y1, m1, d1) = Timestamp.civilDate(milliseconds: from)
        let (y2, m2, d2) = Timestamp.civilDate(milliseconds: to)
        var years = y2 - y1
        if m2 < m1 || (m2 == m1 && d2 < d1) { years -= 1 }
        return Int(max(0, years))
    }
}

extension String {
    /// Without leading and trailing ASCII spaces.
    func trimmingSpaces() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 != 0x20 })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return self }
        return String(self[first...last])
    }
}
