/// A randomuser.me user object in the API's 1.4 shape.
///
/// Sources decode API responses (1.0 … 1.4 shapes, postcode as number or string, `id.value` null) into this type;
/// the synthetic generator builds it directly. Encoding it yields the 1.4 JSON shape with randomuser's key order.
public struct RandomUserProfile: Sendable, Hashable {
    public struct Name: Sendable, Hashable {
        public var title: String
        public var first: String
        public var last: String

        public init(title: String, first: String, last: String) {
            self.title = title
            self.first = first
            self.last = last
        }
    }

    public struct Street: Sendable, Hashable {
        public var number: Int
        public var name: String

        public init(number: Int, name: String) {
            self.number = number
            self.name = name
        }
    }

    /// randomuser sends a JSON number for most nationalities and a string for CA, GB, NL, NO.
    public enum Postcode: Sendable, Hashable, CustomStringConvertible {
        case number(Int)
        case text(String)

        public var description: String {
            switch self {
            case .number(let value): return String(value)
            case .text(let value): return value
            }
        }
    }

    public struct Coordinates: Sendable, Hashable {
        /// Decimal strings, as the API sends them.
        public var latitude: String
        public var longitude: String

        public init(latitude: String, longitude: String) {
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public struct Timezone: Sendable, Hashable {
        public var offset: String
        public var description: String

        public init(offset: String, description: String) {
            self.offset = offset
            self.description = description
        }
    }

    public struct Location: Sendable, Hashable {
        public var street: Street
        public var city: String
        public var state: String
        public var country: String
        public var postcode: Postcode
        public var coordinates: Coordinates?
        public var timezone: Timezone?

        public init(
            street: Street,
            city: String,
            state: String,
            country: String,
            postcode: Postcode,
            coordinates: Coordinates? = nil,
            timezone: Timezone? = nil
        ) {
            self.street = street
            self.city = city
            self.state = state
            self.country = country
            self.postcode = postcode
            self.coordinates = coordinates
            self.timezone = timezone
        }
    }

    public struct Login: Sendable, Hashable {
        public var uuid: String
        public var username: String
        public var password: String
        public var salt: String
        public var md5: String
        public var sha1: String
        public var sha256: String

        public init(
            uuid: String,
            username: String,
            password: String,
            salt: String,
            md5: String,
            sha1: String,
            sha256: String
        ) {
            self.uuid = uuid
            self.username = username
            self.password = password
            self.salt = salt
            self.md5 = md5
            self.sha1 = sha1
            self.sha256 = sha256
        }
    }

    /// `dob` and `registered`: an ISO-8601 date with milliseconds and `Z`, and the age in whole years.
    public struct DatedAge: Sendable, Hashable {
        public var date: String
        public var age: Int

        public init(date: String, age: Int) {
            self.date = date
            self.age = age
        }
    }

    public struct Identifier: Sendable, Hashable {
        public var name: String
        /// `null` for IR, NZ, TR, UA.
        public var value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public struct Picture: Sendable, Hashable {
        public var large: String
        public var medium: String
        public var thumbnail: String

        public init(large: String, medium: String, thumbnail: String) {
            self.large = large
            self.medium = medium
            self.thumbnail = thumbnail
        }
    }

    public var gender: String
    public var name: Name
    public var location: Location
    public var email: String
    public var login: Login
    public var dob: DatedAge
    public var registered: DatedAge
    public var phone: String
    public var cell: String
    public var id: Identifier
    public var picture: Picture
    public var nat: String

    public init(
        gender: String,
        name: Name,
        location: Location,
        email: String,
        login: Login,
        dob: DatedAge,
        registered: DatedAge,
        phone: String,
        cell: String,
        id: Identifier,
        picture: Picture,
        nat: String
    ) {
        self.gender = gender
        self.name = name
        self.location = location
        self.email = email
        self.login = login
        self.dob = dob
        self.registered = registered
        self.phone = phone
        self.cell = cell
        self.id = id
        self.picture = picture
        self.nat = nat
    }
}
