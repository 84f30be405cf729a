extension UserRecord {
    /// Largest text field, in UTF-8 bytes.
    public static let maxTextFieldBytes = 1024
    /// Largest `address`, in UTF-8 bytes.
    public static let maxAddressBytes = 2048

    /// Checks a record before it is stored; a failure sends the record to the dead-letter topic with `reason`.
    ///
    /// Rules: `id` is a canonical lower-case UUID; `first_name`, `last_name`, `gender`, `email`, `username`,
    /// `dob`, `registered_date` and `picture` are non-empty (`address`, `post_code` and `phone` must be present
    /// but may be odd or empty); `email` is `local@domain` with a dot inside the domain and no whitespace; `dob`,
    /// `registered_date` and `ingested_at` (when present) parse as ISO-8601; every text field is at most
    /// `maxTextFieldBytes` (address `maxAddressBytes`); `age` in 0…150, `latitude` in -90…90 and `longitude` in
    /// -180…180 when present.
    public func validate() throws(UserRecordValidationError) {
        guard UUIDText.isCanonical(id) else {
            throw UserRecordValidationError(
                code: .invalidID,
                field: "id",
                reason: "id: not a canonical lower-case UUID: \"\(id.prefix(64))\""
            )
        }
        try Self.checkRequired(firstName, "first_name")
        try Self.checkRequired(lastName, "last_name")
        try Self.checkRequired(gender, "gender")
        try Self.checkSize(address, "address", limit: Self.maxAddressBytes)
        try Self.checkSize(postCode, "post_code")
        try Self.checkRequired(email, "email")
        try Self.checkRequired(username, "username")
        try Self.checkRequired(dob, "dob")
        try Self.checkRequired(registeredDate, "registered_date")
        try Self.checkSize(phone, "phone")
        try Self.checkRequired(picture, "picture")
        if let nat { try Self.checkSize(nat, "nat") }
        if let country { try Self.checkSize(country, "country") }
        if let city { try Self.checkSize(city, "city") }
        if let state { try Self.checkSize(state, "state") }
        if let cell { try Self.checkSize(cell, "cell") }
        if let ingestedAt { try Self.checkSize(ingestedAt, "ingested_at") }

        guard Self.isWellFormedEmail(email) else {
            throw UserRecordValidationError(
                code: .invalidEmail,
                field: "email",
                reason: "email: not a well-formed address: \"\(email.prefix(128))\""
            )
        }
        try Self.checkDate(dob, "dob")
        try Self.checkDate(registeredDate, "registered_date")
        if let ingestedAt { try Self.checkDate(ingestedAt, "ingested_at") }
        if let age, !(0...150).contains(age) {
            throw UserRecordValidationError(code: .outOfRange, field: "age", reason: "age: \(age) not in 0...150")
        }
        if let latitude, !(latitude >= -90 && latitude <= 90) {
            throw UserRecordValidationError(
                code: .outOfRange,
                field: "latitude",
                reason: "latitude: \(latitude) not in -90...90"
            )
        }
        if let longitude, !(longitude >= -180 && longitude <= 180) {
            throw UserRecordValidationError(
                code: .outOfRange,
                field: "longitude",
                reason: "longitude: \(longitude) not in -180...180"
            )
        }
    }

    @inline(__always)
    private static func checkSize(
        _ value: String,
        _ field: StaticString,
        limit: Int = UserRecord.maxTextFieldBytes
    ) throws(UserRecordValidationError) {
        let count = value.utf8.count
        guard count <= limit else {
            throw UserRecordValidationError(
                code: .tooLong,
                field: "\(field)",
                reason: "\(field): \(count) bytes exceeds the limit of \(limit)"
            )
        }
    }

    @inline(__always)
    private static func checkRequired(_ value: String, _ field: StaticString) throws(UserRecordValidationError) {
        guard !value.isEmpty else {
            throw UserRecordValidationError(code: .missingField, field: "\(field)", reason: "\(field): empty")
        }
        try checkSize(value, field)
    }

    private static func checkDate(_ value: String, _ field: StaticString) throws(UserRecordValidationError) {
        guard Timestamp.milliseconds(iso8601: value) != nil else {
            throw UserRecordValidationError(
                code: .invalidDate,
                field: "\(field)",
                reason: "\(field): not an ISO-8601 date: \"\(value.prefix(64))\""
            )
        }
    }

    /// `local@domain`: exactly one `@`, non-empty local part, a domain with a dot that neither starts nor ends it,
    /// no whitespace or control characters anywhere.
    static func isWellFormedEmail(_ email: String) -> Bool {
        let check: Bool? = email.utf8.withContiguousStorageIfAvailable { bytes in
            var at = -1
            var lastDot = -1
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte <= 0x20 || byte == 0x7F { return false }
                if byte == UInt8(ascii: "@") {
                    if at >= 0 { return false }
                    at = index
                } else if byte == UInt8(ascii: "."), at >= 0 {
                    if index == at + 1 { return false }
                    lastDot = index
                }
            }
            return at > 0 && lastDot > at + 1 && lastDot < bytes.count - 1
        }
        if let check { return check }
        var copy = email
        copy.makeContiguousUTF8()
        return isWellFormedEmail(copy)
    }
}

/// Why a record failed validation. `reason` is the dead-letter reason.
public struct UserRecordValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        public static let invalidID = Code(base: "invalidID")
        /// A required field is empty.
        public static let missingField = Code(base: "missingField")
        public static let invalidEmail = Code(base: "invalidEmail")
        public static let invalidDate = Code(base: "invalidDate")
        /// A text field exceeds its size limit.
        public static let tooLong = Code(base: "tooLong")
        /// `age`, `latitude` or `longitude` out of range.
        public static let outOfRange = Code(base: "outOfRange")
        public var description: String { base }
    }

    public var code: Code
    /// The column that failed (`email`, `dob`, …).
    public var field: String
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }
}
