extension UserRecord {
    /// Flattens a randomuser user into the seeds' `format_data` fields plus the extra columns.
    ///
    /// `id` is `login.uuid` lower-cased and must be a canonical UUID; `address` is
    /// `"<number> <street>, <city>, <state>, <country>"` (`country` falls back to the nationality's country name
    /// for pre-1.3 users without one); `post_code` is the postcode as text; `latitude`/`longitude` are parsed from
    /// the coordinate strings (`nil` if absent or unparsable).
    ///
    /// - Throws: `UserRecordFlatteningError`; its `reason` is the dead-letter reason.
    public init(flattening user: RandomUserProfile, ingestedAt: String) throws(UserRecordFlatteningError) {
        let uuid = user.login.uuid
        guard !uuid.isEmpty else {
            throw UserRecordFlatteningError(code: .missingField, reason: "login.uuid: missing")
        }
        let id: String
        if UUIDText.isCanonical(uuid) {
            id = uuid
        } else if UUIDText.isCanonical(uuid, lowercaseOnly: false) {
            id = uuid.lowercased()
        } else {
            throw UserRecordFlatteningError(
                code: .invalidID,
                reason: "login.uuid: not a canonical UUID (8-4-4-4-12 hex): \"\(uuid.prefix(64))\""
            )
        }
        let location = user.location
        let country = location.country.isEmpty
            ? (RandomUserNationality.countryNames[user.nat.uppercased()] ?? "") : location.country
        var address = ""
        address.reserveCapacity(
            location.street.name.utf8.count + location.city.utf8.count + location.state.utf8.count
                + country.utf8.count + 16
        )
        address += String(location.street.number)
        address += " "
        address += location.street.name
        address += ", "
        address += location.city
        address += ", "
        address += location.state
        address += ", "
        address += country

        var latitude: Double?
        var longitude: Double?
        if let coordinates = location.coordinates {
            latitude = Self.parseCoordinate(coordinates.latitude)
            longitude = Self.parseCoordinate(coordinates.longitude)
        }
        let postCode: String
        switch location.postcode {
        case .number(let value): postCode = String(value)
        case .text(let value): postCode = value
        }
        self.init(
            id: id,
            firstName: user.name.first,
            lastName: user.name.last,
            gender: user.gender,
            address: address,
            postCode: postCode,
            email: user.email,
            username: user.login.username,
            dob: user.dob.date,
            registeredDate: user.registered.date,
            phone: user.phone,
            picture: user.picture.medium,
            nat: user.nat,
            country: country,
            city: location.city,
            state: location.state,
            age: user.dob.age,
            latitude: latitude,
            longitude: longitude,
            cell: user.cell,
            ingestedAt: ingestedAt
        )
    }

    @inline(__always)
    static func parseCoordinate(_ text: String) -> Double? {
        let parsed: Double?? = text.utf8.withContiguousStorageIfAvailable {
            JSONNumberParsing.double(UnsafeRawBufferPointer($0), lenient: true)
        }
        let value = parsed ?? Double(text)
        guard let value, value.isFinite else { return nil }
        return value
    }
}

/// Why a randomuser user could not be flattened. `reason` is the dead-letter reason.
public struct UserRecordFlatteningError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let base: String
        /// A field the record needs is absent (e.g. `login.uuid` in 1.0/1.1 users).
        public static let missingField = Code(base: "missingField")
        /// `login.uuid` is not a canonical UUID.
        public static let invalidID = Code(base: "invalidID")
        public var description: String { base }
    }

    public var code: Code
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
