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
        let country =
            location.country.isEmpty
            ? (RandomUserNationality.countryNames[user.nat.uppercased()] ?? "") : location.country
        let address = Self.joinAddress(
            number: location.street.number,
            street: location.street.name,
            city: location.city,
            state: location.state,
            country: country
        )

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

    /// `"<number> <street>, <city>, <state>, <country>"`, written once into a string of the exact size.
    static func joinAddress(number: Int, street: String, city: String, state: String, country: String) -> String {
        var digits = String(number)  // a small string: no allocation
        var street = street
        var city = city
        var state = state
        var country = country
        let total =
            digits.utf8.count + 1 + street.utf8.count + 2 + city.utf8.count + 2 + state.utf8.count + 2
            + country.utf8.count
        return String(unsafeUninitializedCapacity: total) { buffer in
            var index = 0
            func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                for byte in bytes {
                    buffer[index] = byte
                    index += 1
                }
            }
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            digits.withUTF8 { put($0) }
            put(UInt8(ascii: " "))
            street.withUTF8 { put($0) }
            put(UInt8(ascii: ","))
            put(UInt8(ascii: " "))
            city.withUTF8 { put($0) }
            put(UInt8(ascii: ","))
            put(UInt8(ascii: " "))
            state.withUTF8 { put($0) }
            put(UInt8(ascii: ","))
            put(UInt8(ascii: " "))
            country.withUTF8 { put($0) }
            return index
        }
    }

    @inline(__always)
    static func parseCoordinate(_ text: String) -> Double? {
        var text = text
        let value = text.withUTF8 { JSONNumberParsing.double(UnsafeRawBufferPointer($0), lenient: true) }
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
