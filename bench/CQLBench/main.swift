// Concurrent prepared inserts of user rows through our own CQLClient:
//   cql-bench HOST:PORT [ROWS] [CONCURRENCY] [BATCH]
// Prints "<rows> <seconds> <rows per second>" for single-row inserts, then for unlogged batches of BATCH rows.
import CQLClient
import Foundation
import CQLWire

let arguments = CommandLine.arguments
guard arguments.count >= 2, let endpoint = CQLEndpoint(parsing: arguments[1]) else {
    print("usage: cql-bench HOST:PORT [ROWS] [CONCURRENCY] [BATCH]")
    exit(2)
}
let rows = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let concurrency = arguments.count > 3 ? Int(arguments[3]) ?? 128 : 128
let batchSize = arguments.count > 4 ? Int(arguments[4]) ?? 50 : 50

func row(_ i: Int) -> [CQLValue] {
    var generator = SystemRandomNumberGenerator()
    return [
        .uuid(CQLUUID(high: generator.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x4000, low: generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000)),
        .text("First\(i)"), .text("Last\(i)"), .text(i % 2 == 0 ? "male" : "female"),
        .text("\(i) Main Street, Springfield, Oregon, United States"), .text("\(10000 + i % 90000)"),
        .text("user\(i)@example.com"), .text("user\(i)"), .text("1990-01-01T00:00:00.000Z"),
        .text("2010-01-01T00:00:00.000Z"), .text("(555) 010-0000"),
        .text("https://randomuser.me/api/portraits/women/1.jpg"), .text("US"), .text("United States"),
        .text("Springfield"), .text("Oregon"), .int(Int32(20 + i % 60)), .double(44.05), .double(-123.02),
        .text("(555) 010-0001"), .text("2026-11-21T12:00:00.000Z"),
    ]
}
let insertCQL = """
    INSERT INTO spark_streams.created_users (id, first_name, last_name, gender, address, post_code, email, username, \
    dob, registered_date, phone, picture, nat, country, city, state, age, latitude, longitude, cell, ingested_at) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

let client = try CQLClient(configuration: CQLClientConfiguration(contactPoints: [endpoint]))
try await client.connect()
let insert = try await client.prepare(insertCQL)
let values = (0..<rows).map(row)
let clock = ContinuousClock()

func report(_ label: String, _ elapsed: Duration) {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("\(label) \(rows) \(String(format: "%.3f", seconds)) \(Int(Double(rows) / seconds))")
}

// Single-row prepared inserts, `concurrency` in flight.
var started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    var next = 0
    for _ in 0..<min(concurrency, rows) {
        let i = next
        next += 1
        group.addTask { try await client.execute(insert, values[i], consistency: .one) }
    }
    while try await group.next() != nil {
        if next < rows {
            let i = next
            next += 1
            group.addTask { try await client.execute(insert, values[i], consistency: .one) }
        }
    }
}
report("single", clock.now - started)

// Unlogged batches of prepared inserts (new ids), `concurrency` batches in flight.
let batches = stride(from: 0, to: rows, by: batchSize).map { start in
    (start..<min(start + batchSize, rows)).map { row($0) }
}
started = clock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    var next = 0
    func send(_ index: Int) {
        group.addTask {
            try await client.batch(batches[index].map { .prepared(insert, $0) }, type: .unlogged, consistency: .one)
        }
    }
    for _ in 0..<min(concurrency, batches.count) {
        send(next)
        next += 1
    }
    while try await group.next() != nil {
        if next < batches.count {
            send(next)
            next += 1
        }
    }
}
report("batched", clock.now - started)
try await client.close()
