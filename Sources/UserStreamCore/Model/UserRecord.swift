/// One user, flattened into the shape of the seeds' `format_data` plus extra columns.
///
/// This is the message value on topic `users_created` (as JSON, see `UserRecord+JSON.swift`) and the row of
/// `spark_streams.created_users`. The seeds' columns keep their names and meaning; the extra columns are optional
/// so that records produced by other tools (only the seeds' twelve fields) still process.
public struct UserRecord: Sendable, Hashable {
    /// randomuser's `login.uuid`, lower-case canonical text, so replays and duplicates collapse.
    public var id: String
    public var firstName: String
    public var lastName: String
    public var gender: String
    /// `"<number> <street>, <city>, <state>, <country>"`.
    public var address: String
    /// Always text: randomuser sends a number for some nationalities and a string for others.
    public var postCode: String
    public var email: String
    public var username: String
    /// ISO-8601 date of birth as randomuser sends it (`dob.date`).
    public var dob: String
    /// ISO-8601 registration date (`registered.date`).
    public var registeredDate: String
    public var phone: String
    /// Medium picture URL.
    public var picture: String

    // Extra columns.
    public var nat: String?
    public var country: String?
    public var city: String?
    public var state: String?
    public var age: Int?
    public var latitude: Double?
    public var longitude: Double?
    public var cell: String?
    /// When the ingestor produced the record: ISO-8601 UTC with milliseconds.
    public var ingestedAt: String?

    public init(
        id: String,
        firstName: String,
        lastName: String,
        gender: String,
        address: String,
        postCode: String,
        email: String,
        username: String,
        dob: String,
        registeredDate: String,
        phone: String,
        picture: String,
        nat: String? = nil,
        country: String? = nil,
        city: String? = nil,
        state: String? = nil,
        age: Int? = nil,
        latitude: Double? = nil,
        longitude: Double? = nil,
        cell: String? = nil,
        ingestedAt: String? = nil
    ) {
        self.id = id
        self.firstName = firstName
        self.lastName = lastName
        self.gender = gender
        self.address = address
        self.postCode = postCode
        self.email = email
        self.username = username
        self.dob = dob
        self.registeredDate = registeredDate
        self.phone = phone
        self.picture = picture
        self.nat = nat
        self.country = country
        self.city = city
        self.state = state
        self.age = age
        self.latitude = latitude
        self.longitude = longitude
        self.cell = cell
        self.ingestedAt = ingestedAt
    }
}

extension UserRecord {
    /// Column names, in table order: the seeds' twelve first, then the extras (`UserTable.columnNames`).
    public static let columnNames: [String] = UserTable.columnNames

    public static let seedColumnNames: [String] = UserTable.columns.filter { $0.role != .extra }.map(\.name)
}
