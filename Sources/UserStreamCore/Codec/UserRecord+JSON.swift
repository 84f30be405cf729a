/// The record's JSON codec: the message value on topic `users_created`.
///
/// The shape is the seeds' `format_data`: one flat JSON object with snake_case keys in `UserRecord.columnNames`
/// order; text as JSON strings (UTF-8, escaped as JSON requires), `age` a JSON integer, `latitude`/`longitude`
/// JSON numbers, optional extras omitted when `nil`.
///
/// Both directions are hand-written single passes; they run on every record.
extension UserRecord {
    /// Largest message value `init(jsonBytes:)` accepts.
    public static let maxJSONBytes = 64 * 1024
    /// Deepest nesting (in ignored values) `init(jsonBytes:)` accepts.
    public static let maxJSONDepth = 32

    /// The record as compact JSON.
    public func jsonBytes() -> [UInt8] {
        let numbers = numberTexts()
        var sizing = RecordJSONEmitter(base: nil)
        emit(&sizing, numbers)
        let size = sizing.index
        var clean = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var writer = RecordJSONEmitter(base: buffer.baseAddress!)
            emit(&writer, numbers)
            clean = writer.clean
            count = size
        }
        if clean { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(size + 64)
        appendJSONEscaping(to: &out)
        return out
    }

    /// Appends the record as compact JSON to `out` (reuse one buffer across records to avoid allocations).
    public func appendJSON(to out: inout [UInt8]) {
        // Fast path: size exactly, extend once, copy each field in one go. Falls back to the escaping writer when
        // a field contains a quote, a backslash or a control character.
        let numbers = numberTexts()
        var sizing = RecordJSONEmitter(base: nil)
        emit(&sizing, numbers)
        let size = sizing.index
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: size))
        let clean = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            var writer = RecordJSONEmitter(base: buffer.baseAddress! + start)
            emit(&writer, numbers)
            return writer.clean
        }
        if !clean {
            out.removeSubrange(start...)
            appendJSONEscaping(to: &out)
        }
    }

    /// `age`, `latitude` and `longitude` as JSON number text (formatted once for both passes).
    @inline(__always)
    private func numberTexts() -> (age: String?, latitude: String?, longitude: String?) {
        (
            age.map { String($0) },
            latitude.flatMap { $0.isFinite ? JSONWriter.numberText($0) : nil },
            longitude.flatMap { $0.isFinite ? JSONWriter.numberText($0) : nil }
        )
    }

    /// The fields in column order, for both passes of the fast path.
    @inline(__always)
    private func emit(_ out: inout RecordJSONEmitter, _ numbers: (age: String?, latitude: String?, longitude: String?))
    {
        out.raw("{\"id\":")
        out.string(id)
        out.raw(",\"first_name\":")
        out.string(firstName)
        out.raw(",\"last_name\":")
        out.string(lastName)
        out.raw(",\"gender\":")
        out.string(gender)
        out.raw(",\"address\":")
        out.string(address)
        out.raw(",\"post_code\":")
        out.string(postCode)
        out.raw(",\"email\":")
        out.string(email)
        out.raw(",\"username\":")
        out.string(username)
        out.raw(",\"dob\":")
        out.string(dob)
        out.raw(",\"registered_date\":")
        out.string(registeredDate)
        out.raw(",\"phone\":")
        out.string(phone)
        out.raw(",\"picture\":")
        out.string(picture)
        if let nat {
            out.raw(",\"nat\":")
            out.string(nat)
        }
        if let country {
            out.raw(",\"country\":")
            out.string(country)
        }
        if let city {
            out.raw(",\"city\":")
            out.string(city)
        }
        if let state {
            out.raw(",\"state\":")
            out.string(state)
        }
        if let age = numbers.age {
            out.raw(",\"age\":")
            out.number(age)
        }
        if let latitude = numbers.latitude {
            out.raw(",\"latitude\":")
            out.number(latitude)
        }
        if let longitude = numbers.longitude {
            out.raw(",\"longitude\":")
            out.number(longitude)
        }
        if let cell {
            out.raw(",\"cell\":")
            out.string(cell)
        }
        if let ingestedAt {
            out.raw(",\"ingested_at\":")
            out.string(ingestedAt)
        }
        out.raw("}")
    }

    /// The general writer: escapes as JSON requires.
    func appendJSONEscaping(to out: inout [UInt8]) {
        JSONWriter.append("{\"id\":", to: &out)
        JSONWriter.appendString(id, to: &out)
        JSONWriter.append(",\"first_name\":", to: &out)
        JSONWriter.appendString(firstName, to: &out)
        JSONWriter.append(",\"last_name\":", to: &out)
        JSONWriter.appendString(lastName, to: &out)
        JSONWriter.append(",\"gender\":", to: &out)
        JSONWriter.appendString(gender, to: &out)
        JSONWriter.append(",\"address\":", to: &out)
        JSONWriter.appendString(address, to: &out)
        JSONWriter.append(",\"post_code\":", to: &out)
        JSONWriter.appendString(postCode, to: &out)
        JSONWriter.append(",\"email\":", to: &out)
        JSONWriter.appendString(email, to: &out)
        JSONWriter.append(",\"username\":", to: &out)
        JSONWriter.appendString(username, to: &out)
        JSONWriter.append(",\"dob\":", to: &out)
        JSONWriter.appendString(dob, to: &out)
        JSONWriter.append(",\"registered_date\":", to: &out)
        JSONWriter.appendString(registeredDate, to: &out)
        JSONWriter.append(",\"phone\":", to: &out)
        JSONWriter.appendString(phone, to: &out)
        JSONWriter.append(",\"picture\":", to: &out)
        JSONWriter.appendString(picture, to: &out)
        if let nat {
            JSONWriter.append(",\"nat\":", to: &out)
            JSONWriter.appendString(nat, to: &out)
        }
        if let country {
            JSONWriter.append(",\"country\":", to: &out)
            JSONWriter.appendString(country, to: &out)
        }
        if let city {
            JSONWriter.append(",\"city\":", to: &out)
            JSONWriter.appendString(city, to: &out)
        }
        if let state {
            JSONWriter.append(",\"state\":", to: &out)
            JSONWriter.appendString(state, to: &out)
        }
        if let age {
            JSONWriter.append(",\"age\":", to: &out)
            JSONWriter.appendInt(age, to: &out)
        }
        if let latitude, latitude.isFinite {
            JSONWriter.append(",\"latitude\":", to: &out)
            JSONWriter.appendDouble(latitude, to: &out)
        }
        if let longitude, longitude.isFinite {
            JSONWriter.append(",\"longitude\":", to: &out)
            JSONWriter.appendDouble(longitude, to: &out)
        }
        if let cell {
            JSONWriter.append(",\"cell\":", to: &out)
            JSONWriter.appendString(cell, to: &out)
        }
        if let ingestedAt {
            JSONWriter.append(",\"ingested_at\":", to: &out)
            JSONWriter.appendString(ingestedAt, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Decodes one record from its JSON message value.
    ///
    /// Accepts any key order and whitespace, all string escapes (incl. `\uXXXX` surrogate pairs), ignores unknown
    /// keys (their values of any type are validated and skipped), lets the last of duplicate keys win, accepts
    /// `post_code`, `age`, `latitude` and `longitude` as a number or a string, and `null` for the optional columns.
    /// Refuses input larger than `maxJSONBytes` or nested deeper than `maxJSONDepth`.
    public init(jsonBytes bytes: UnsafeRawBufferPointer) throws(UserRecordDecodingError) {
        guard bytes.count <= Self.maxJSONBytes else {
            throw UserRecordDecodingError(
                code: .tooLarge,
                reason: "message of \(bytes.count) bytes exceeds the limit of \(Self.maxJSONBytes) bytes"
            )
        }
        var parser = UserRecordJSONParser(scanner: JSONScanner(bytes, maxDepth: Self.maxJSONDepth))
        self = try parser.parse()
    }

    /// Decodes one record from its JSON message value. See `init(jsonBytes:)` for the rules.
    public init(jsonBytes bytes: [UInt8]) throws(UserRecordDecodingError) {
        var failure: UserRecordDecodingError?
        let decoded: UserRecord? = bytes.withUnsafeBytes { buffer in
            do throws(UserRecordDecodingError) {
                return try UserRecord(jsonBytes: buffer)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        self = decoded!
    }

    /// Decodes one record from its JSON message value. See `init(jsonBytes:)` for the rules.
    public init(jsonBytes bytes: some Collection<UInt8>) throws(UserRecordDecodingError) {
        var failure: UserRecordDecodingError?
        let decoded: UserRecord?? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(UserRecordDecodingError) {
                return try UserRecord(jsonBytes: UnsafeRawBufferPointer(buffer))
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        if let decoded, let record = decoded {
            self = record
        } else {
            guard bytes.count <= Self.maxJSONBytes else {
                throw UserRecordDecodingError(
                    code: .tooLarge,
                    reason: "message of \(bytes.count) bytes exceeds the limit of \(Self.maxJSONBytes) bytes"
                )
            }
            self = try UserRecord(jsonBytes: Array(bytes))
        }
    }
}

/// Why a message value could not be decoded into a `UserRecord`. `reason` is the dead-letter reason.
public struct UserRecordDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        /// Not JSON (`reason` says where).
        public static let malformed = Code(base: "malformed")
        /// The input ended inside the object.
        public static let truncated = Code(base: "truncated")
        /// The document is JSON but not an object.
        public static let notAnObject = Code(base: "notAnObject")
        /// Larger than `UserRecord.maxJSONBytes`.
        public static let tooLarge = Code(base: "tooLarge")
        /// Nested deeper than `UserRecord.maxJSONDepth`.
        public static let tooDeep = Code(base: "tooDeep")
        /// A required (seed) field is absent or `null`.
        public static let missingField = Code(base: "missingField")
        /// A known field has a value of the wrong JSON type or an unusable value.
        public static let invalidField = Code(base: "invalidField")
        public var description: String { base }
    }

    public var code: Code
    /// Human-readable, e.g. `missing required field "email"`, `age: expected integer, got object`.
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}

/// Single pass over one flat object.
struct UserRecordJSONParser {
    var scanner: JSONScanner

    private enum Field: Int {
        case id, firstName, lastName, gender, address, postCode, email, username, dob, registeredDate, phone, picture
        case nat, country, city, state, age, latitude, longitude, cell, ingestedAt
    }

    /// A field value as found: text (from a string or a number's literal), a number's range, or null.
    private enum Found {
        case text(String)
        case numberRange(Range<Int>)
        case null
    }

    private func fail(_ error: JSONParseError) -> UserRecordDecodingError {
        switch error.code {
        case .truncated: return UserRecordDecodingError(code: .truncated, reason: error.message)
        case .tooDeep: return UserRecordDecodingError(code: .tooDeep, reason: error.message)
        case .tooLarge: return UserRecordDecodingError(code: .tooLarge, reason: error.message)
        default: return UserRecordDecodingError(code: .malformed, reason: error.message)
        }
    }

    mutating func parse() throws(UserRecordDecodingError) -> UserRecord {
        do {
            return try parseObject()
        } catch let error as UserRecordDecodingError {
            throw error
        } catch let error as JSONParseError {
            throw fail(error)
        } catch {
            throw UserRecordDecodingError(code: .malformed, reason: "\(error)")
        }
    }

    private mutating func parseObject() throws -> UserRecord {
        let first = try scanner.peek()
        guard first == UInt8(ascii: "{") else {
            if first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") || first == UInt8(ascii: "t")
                || first == UInt8(ascii: "f") || first == UInt8(ascii: "n") || first == UInt8(ascii: "-")
                || scanner.isDigit(first)
            {
                throw UserRecordDecodingError(code: .notAnObject, reason: "expected a JSON object")
            }
            throw scanner.unexpected("'{'")
        }
        scanner.index += 1

        var id: String?, firstName: String?, lastName: String?, gender: String?, address: String?
        var postCode: String?, email: String?, username: String?, dob: String?, registeredDate: String?
        var phone: String?, picture: String?, nat: String?, country: String?, city: String?, state: String?
        var age: Int?, latitude: Double?, longitude: Double?, cell: String?, ingestedAt: String?

        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                guard try scanner.peek() == UInt8(ascii: "\"") else { throw scanner.unexpected("a string key") }
                scanner.index += 1
                let keyToken = try scanner.scanString()
                let field: Field?
                if keyToken.hasEscapes {
                    field = Self.field(named: try scanner.decodeString(keyToken))
                } else {
                    field = Self.field(
                        UnsafeRawBufferPointer(rebasing: scanner.bytes[keyToken.start..<keyToken.end])
                    )
                }
                guard try scanner.peek() == UInt8(ascii: ":") else { throw scanner.unexpected("':'") }
                scanner.index += 1
                if let field {
                    switch field {
                    case .id: id = try readText(field)
                    case .firstName: firstName = try readText(field)
                    case .lastName: lastName = try readText(field)
                    case .gender: gender = try readText(field)
                    case .address: address = try readText(field)
                    case .postCode: postCode = try readText(field)
                    case .email: email = try readText(field)
                    case .username: username = try readText(field)
                    case .dob: dob = try readText(field)
                    case .registeredDate: registeredDate = try readText(field)
                    case .phone: phone = try readText(field)
                    case .picture: picture = try readText(field)
                    case .nat: nat = try readText(field)
                    case .country: country = try readText(field)
                    case .city: city = try readText(field)
                    case .state: state = try readText(field)
                    case .cell: cell = try readText(field)
                    case .ingestedAt: ingestedAt = try readText(field)
                    case .age: age = try integer(try readValue(field), field)
                    case .latitude: latitude = try double(try readValue(field), field)
                    case .longitude: longitude = try double(try readValue(field), field)
                    }
                } else {
                    try scanner.skipValue(depth: 1)
                }
                let next = try scanner.peek()
                scanner.index += 1
                if next == UInt8(ascii: ",") { continue }
                if next == UInt8(ascii: "}") { break }
                scanner.index -= 1
                throw scanner.unexpected("',' or '}'")
            }
        }
        try scanner.expectEnd()

        func required(_ value: String?, _ name: StaticString) throws(UserRecordDecodingError) -> String {
            guard let value else {
                throw UserRecordDecodingError(code: .missingField, reason: "missing required field \"\(name)\"")
            }
            return value
        }
        return UserRecord(
            id: try required(id, "id"),
            firstName: try required(firstName, "first_name"),
            lastName: try required(lastName, "last_name"),
            gender: try required(gender, "gender"),
            address: try required(address, "address"),
            postCode: try required(postCode, "post_code"),
            email: try required(email, "email"),
            username: try required(username, "username"),
            dob: try required(dob, "dob"),
            registeredDate: try required(registeredDate, "registered_date"),
            phone: try required(phone, "phone"),
            picture: try required(picture, "picture"),
            nat: nat,
            country: country,
            city: city,
            state: state,
            age: age,
            latitude: latitude,
            longitude: longitude,
            cell: cell,
            ingestedAt: ingestedAt
        )
    }

    private static func name(of field: Field) -> String {
        UserRecord.columnNames[field.rawValue]
    }

    /// A text field: a string; a number's literal for `post_code`; `nil` for null.
    @inline(__always)
    private mutating func readText(_ field: Field) throws -> String? {
        if try scanner.peek() == UInt8(ascii: "\"") {
            scanner.index += 1
            return try scanner.decodeString(try scanner.scanString())
        }
        return try text(try readValue(field), field)
    }

    private mutating func readValue(_ field: Field) throws -> Found {
        let byte = try scanner.peek()
        switch byte {
        case UInt8(ascii: "\""):
            scanner.index += 1
            return .text(try scanner.decodeString(try scanner.scanString()))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .numberRange(try scanner.scanNumber())
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            throw UserRecordDecodingError(
                code: .invalidField,
                reason: "\(Self.name(of: field)): expected \(Self.expected(field)), got boolean"
            )
        case UInt8(ascii: "{"):
            throw UserRecordDecodingError(
                code: .invalidField,
                reason: "\(Self.name(of: field)): expected \(Self.expected(field)), got object"
            )
        case UInt8(ascii: "["):
            throw UserRecordDecodingError(
                code: .invalidField,
                reason: "\(Self.name(of: field)): expected \(Self.expected(field)), got array"
            )
        default:
            throw scanner.unexpected("a value")
        }
    }

    private static func expected(_ field: Field) -> String {
        switch field {
        case .postCode: return "string or number"
        case .age: return "integer or numeric string"
        case .latitude, .longitude: return "number or numeric string"
        default: return "string"
        }
    }

    private func text(_ found: Found, _ field: Field) throws(UserRecordDecodingError) -> String? {
        switch found {
        case .text(let text): return text
        case .null: return nil
        case .numberRange(let range):
            guard field == .postCode else {
                throw UserRecordDecodingError(
                    code: .invalidField,
                    reason: "\(Self.name(of: field)): expected string, got number"
                )
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
        }
    }

    private func integer(_ found: Found, _ field: Field) throws(UserRecordDecodingError) -> Int? {
        switch found {
        case .null: return nil
        case .numberRange(let range):
            if let value = JSONNumberParsing.int(UnsafeRawBufferPointer(rebasing: scanner.bytes[range])) {
                return value
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
            throw UserRecordDecodingError(
                code: .invalidField,
                reason: "\(Self.name(of: field)): expected integer, got \(text)"
            )
        case .text(let text):
            var copy = text
            let value = copy.withUTF8 { JSONNumberParsing.int(UnsafeRawBufferPointer($0)) }
            guard let value else {
                throw UserRecordDecodingError(
                    code: .invalidField,
                    reason: "\(Self.name(of: field)): expected integer, got \"\(text)\""
                )
            }
            return value
        }
    }

    private func double(_ found: Found, _ field: Field) throws(UserRecordDecodingError) -> Double? {
        switch found {
        case .null: return nil
        case .numberRange(let range):
            if let value = JSONNumberParsing.double(UnsafeRawBufferPointer(rebasing: scanner.bytes[range])) {
                return value
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
            throw UserRecordDecodingError(
                code: .invalidField,
                reason: "\(Self.name(of: field)): unusable number \(text)"
            )
        case .text(let text):
            var copy = text
            let value = copy.withUTF8 { JSONNumberParsing.double(UnsafeRawBufferPointer($0), lenient: true) }
            guard let value, value.isFinite else {
                throw UserRecordDecodingError(
                    code: .invalidField,
                    reason: "\(Self.name(of: field)): expected number, got \"\(text)\""
                )
            }
            return value
        }
    }

    private static func field(named name: String) -> Field? {
        var copy = name
        return copy.withUTF8 { field(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private static func equals(_ key: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard key.count == literal.utf8CodeUnitCount else { return false }
        return memcmpBytes(key.baseAddress!, UnsafeRawPointer(literal.utf8Start), key.count)
    }

    @inline(__always)
    private static func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var index = 0
        while index < count {
            if a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            index += 1
        }
        return true
    }

    /// Maps a key to a known field by length and bytes, without allocating.
    private static func field(_ key: UnsafeRawBufferPointer) -> Field? {
        switch key.count {
        case 2: return equals(key, "id") ? .id : nil
        case 3:
            if equals(key, "dob") { return .dob }
            if equals(key, "nat") { return .nat }
            if equals(key, "age") { return .age }
            return nil
        case 4:
            if equals(key, "city") { return .city }
            if equals(key, "cell") { return .cell }
            return nil
        case 5:
            if equals(key, "email") { return .email }
            if equals(key, "phone") { return .phone }
            if equals(key, "state") { return .state }
            return nil
        case 6: return equals(key, "gender") ? .gender : nil
        case 7:
            if equals(key, "address") { return .address }
            if equals(key, "picture") { return .picture }
            if equals(key, "country") { return .country }
            return nil
        case 8:
            if equals(key, "username") { return .username }
            if equals(key, "latitude") { return .latitude }
            return nil
        case 9:
            if equals(key, "last_name") { return .lastName }
            if equals(key, "post_code") { return .postCode }
            if equals(key, "longitude") { return .longitude }
            return nil
        case 10: return equals(key, "first_name") ? .firstName : nil
        case 11: return equals(key, "ingested_at") ? .ingestedAt : nil
        case 15: return equals(key, "registered_date") ? .registeredDate : nil
        default: return nil
        }
    }
}

/// Writes (or, with no base, measures) a record's JSON without escaping; `clean` turns false when a string needs
/// escaping, and the caller then uses the escaping writer instead.
struct RecordJSONEmitter {
    let base: UnsafeMutablePointer<UInt8>?
    var index = 0
    var clean = true

    init(base: UnsafeMutablePointer<UInt8>?) {
        self.base = base
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        if let base {
            UnsafeMutableRawPointer(base + index).copyMemory(from: text.utf8Start, byteCount: count)
        }
        index += count
    }

    @inline(__always)
    mutating func string(_ text: String) {
        guard let base else {
            index += text.utf8.count + 2
            return
        }
        base[index] = UInt8(ascii: "\"")
        index += 1
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { copy($0, to: base) }
        if done == nil {
            var text = text
            text.withUTF8 { copy($0, to: base) }
        }
        base[index] = UInt8(ascii: "\"")
        index += 1
    }

    @inline(__always)
    private mutating func copy(_ utf8: UnsafeBufferPointer<UInt8>, to base: UnsafeMutablePointer<UInt8>) {
        guard let source = utf8.baseAddress, !utf8.isEmpty else { return }
        if SWAR.firstSpecial(UnsafeRawBufferPointer(utf8), from: 0) != nil { clean = false }
        (base + index).update(from: source, count: utf8.count)
        index += utf8.count
    }

    /// Number text, unquoted.
    @inline(__always)
    mutating func number(_ text: String) {
        guard base != nil else {
            index += text.utf8.count
            return
        }
        var text = text
        text.withUTF8 { numberBytes($0) }
    }

    @inline(__always)
    private mutating func numberBytes(_ utf8: UnsafeBufferPointer<UInt8>) {
        if let base, let source = utf8.baseAddress {
            (base + index).update(from: source, count: utf8.count)
        }
        index += utf8.count
    }
}
