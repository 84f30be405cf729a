import GRDBSQLite
import UserStreamCore

/// Binds a `UserRecord` to a prepared statement without allocating per row.
///
/// The record's text is copied into one reusable byte buffer and bound with `SQLITE_STATIC` (SQLite reads the bytes
/// in place while the statement steps), so binding costs one `memcpy` of the row instead of an allocation and a copy
/// per column (`SQLITE_TRANSIENT`). Parameters are numbered in `UserRecord.columnNames` order: `?1` is `id`, `?21` is
/// `ingested_at`; a statement binds the first `sqlite3_bind_parameter_count` of them.
package struct UserRowBinder {
    private var buffer: [UInt8] = []
    /// Byte range of each text column in `buffer`, `-1` start for NULL. Index = parameter number - 1.
    private var starts: [Int] = Array(repeating: -1, count: UserRowBinder.parameterCount)
    private var counts: [Int] = Array(repeating: 0, count: UserRowBinder.parameterCount)
    private var age: Int?
    private var latitude: Double?
    private var longitude: Double?

    static let parameterCount = 21
    static let ageParameter: Int32 = 17
    static let latitudeParameter: Int32 = 18
    static let longitudeParameter: Int32 = 19

    package init() {
        buffer.reserveCapacity(2048)
    }

    /// Copies the record's values in; `ingestedAt` is the value stored for `ingested_at`.
    package mutating func load(_ record: borrowing UserRecord, ingestedAt: String) {
        buffer.removeAll(keepingCapacity: true)
        put(0, record.id)
        put(1, record.firstName)
        put(2, record.lastName)
        put(3, record.gender)
        put(4, record.address)
        put(5, record.postCode)
        put(6, record.email)
        put(7, record.username)
        put(8, record.dob)
        put(9, record.registeredDate)
        put(10, record.phone)
        put(11, record.picture)
        put(12, record.nat)
        put(13, record.country)
        put(14, record.city)
        put(15, record.state)
        put(19, record.cell)
        put(20, ingestedAt)
        buffer.append(0)
        age = record.age
        latitude = record.latitude
        longitude = record.longitude
    }

    private mutating func put(_ index: Int, _ text: String?) {
        guard let text else {
            starts[index] = -1
            return
        }
        starts[index] = buffer.count
        buffer.append(contentsOf: text.utf8)
        counts[index] = buffer.count - starts[index]
    }

    /// Binds the loaded values to the statement's parameters and runs `body` (which steps the statement) while the
    /// bound bytes are valid. The statement must be reset before the next `load`.
    package func withBound<T>(_ statement: OpaquePointer, _ body: () throws -> T) throws -> T {
        let parameters = min(sqlite3_bind_parameter_count(statement), Int32(Self.parameterCount))
        return try buffer.withUnsafeBufferPointer { bytes in
            // `load` always leaves a terminating byte, so the base address exists even when every text is empty
            // (SQLite would bind a NULL pointer as NULL, not as '').
            let base = UnsafeRawPointer(bytes.baseAddress!)
            for parameter in 1...parameters {
                let rc: Int32
                switch parameter {
                case Self.ageParameter:
                    rc =
                        age.map { sqlite3_bind_int64(statement, parameter, Int64($0)) }
                        ?? sqlite3_bind_null(statement, parameter)
                case Self.latitudeParameter:
                    rc =
                        latitude.map { sqlite3_bind_double(statement, parameter, $0) }
                        ?? sqlite3_bind_null(statement, parameter)
                case Self.longitudeParameter:
                    rc =
                        longitude.map { sqlite3_bind_double(statement, parameter, $0) }
                        ?? sqlite3_bind_null(statement, parameter)
                default:
                    let index = Int(parameter) - 1
                    let start = starts[index]
                    if start < 0 {
                        rc = sqlite3_bind_null(statement, parameter)
                    } else {
                        // SQLITE_STATIC (nil destructor): SQLite reads the bytes in place until the next reset/bind.
                        rc = sqlite3_bind_text(
                            statement,
                            parameter,
                            (base + start).assumingMemoryBound(to: CChar.self),
                            Int32(counts[index]),
                            nil
                        )
                    }
                }
                guard rc == SQLITE_OK else {
                    throw StoreError(.sqlite, "cannot bind parameter \(parameter)", sqliteCode: rc)
                }
            }
            return try body()
        }
    }
}
