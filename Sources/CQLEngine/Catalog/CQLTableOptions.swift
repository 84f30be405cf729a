import CQLWire
import Foundation

/// A table's `WITH` options, kept so that system_schema.tables and DESCRIBE show them. They change nothing in how
/// SQLite stores the rows (no compaction, caching or TTL here). Defaults are Cassandra 4.1's.
struct CQLTableOptions: Sendable, Hashable, Codable {
    var additionalWritePolicy = "99p"
    var bloomFilterFpChance = 0.01
    var caching: [String: String] = ["keys": "ALL", "rows_per_partition": "NONE"]
    var cdc = false
    var comment = ""
    var compaction: [String: String] = [
        "class": "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
        "max_threshold": "32",
        "min_threshold": "4",
    ]
    var compression: [String: String] = [
        "chunk_length_in_kb": "16",
        "class": "org.apache.cassandra.io.compress.LZ4Compressor",
    ]
    var crcCheckChance = 1.0
    var defaultTimeToLive: Int32 = 0
    var gcGraceSeconds: Int32 = 864_000
    var maxIndexInterval: Int32 = 2048
    var memtableFlushPeriodInMs: Int32 = 0
    var minIndexInterval: Int32 = 128
    var readRepair = "BLOCKING"
    var speculativeRetry = "99p"

    init() {}

    /// Applies `WITH name = value` properties; an unknown name is a syntax error, as in Cassandra.
    mutating func apply(_ properties: [(String, CQLTerm)]) throws(CQLEngineError) {
        for (name, term) in properties {
            switch name {
            case "additional_write_policy": additionalWritePolicy = try Self.string(term, name)
            case "bloom_filter_fp_chance": bloomFilterFpChance = try Self.double(term, name)
            case "caching": caching = try Self.map(term, name)
            case "cdc": cdc = try Self.bool(term, name)
            case "comment": comment = try Self.string(term, name)
            case "compaction":
                compaction = try Self.classMap(term, name, package: "org.apache.cassandra.db.compaction.")
            case "compression":
                compression = try Self.classMap(term, name, package: "org.apache.cassandra.io.compress.")
            case "crc_check_chance": crcCheckChance = try Self.double(term, name)
            case "default_time_to_live": defaultTimeToLive = try Self.int(term, name)
            case "gc_grace_seconds": gcGraceSeconds = try Self.int(term, name)
            case "max_index_interval": maxIndexInterval = try Self.int(term, name)
            case "memtable_flush_period_in_ms": memtableFlushPeriodInMs = try Self.int(term, name)
            case "min_index_interval": minIndexInterval = try Self.int(term, name)
            case "read_repair": readRepair = try Self.string(term, name)
            case "speculative_retry": speculativeRetry = try Self.string(term, name)
            case "dclocal_read_repair_chance", "read_repair_chance", "extensions", "memtable", "id",
                "populate_io_cache_on_flush", "index_interval", "replicate_on_write":
                continue
            default:
                throw CQLEngineError.syntax("Unknown property '\(name)'")
            }
        }
    }

    private static func string(_ term: CQLTerm, _ name: String) throws(CQLEngineError) -> String {
        switch term {
        case .string(let text), .integer(let text), .float(let text): return text
        case .boolean(let value): return String(value)
        default: throw CQLEngineError.syntax("Invalid value for property '\(name)'")
        }
    }

    private static func double(_ term: CQLTerm, _ name: String) throws(CQLEngineError) -> Double {
        guard let value = Double(try string(term, name)) else {
            throw CQLEngineError.syntax("Invalid double value for property '\(name)'")
        }
        return value
    }

    private static func int(_ term: CQLTerm, _ name: String) throws(CQLEngineError) -> Int32 {
        guard let value = Int32(try string(term, name)) else {
            throw CQLEngineError.syntax("Invalid integer value for property '\(name)'")
        }
        return value
    }

    private static func bool(_ term: CQLTerm, _ name: String) throws(CQLEngineError) -> Bool {
        switch try string(term, name).lowercased() {
        case "true": return true
        case "false": return false
        default: throw CQLEngineError.syntax("Invalid boolean value for property '\(name)'")
        }
    }

    static func map(_ term: CQLTerm, _ name: String) throws(CQLEngineError) -> [String: String] {
        guard case .map(let pairs) = term else {
            if case .set(let elements) = term, elements.isEmpty { return [:] }
            throw CQLEngineError.syntax("Invalid value for property '\(name)': a map is expected")
        }
        var result: [String: String] = [:]
        for (key, value) in pairs {
            result[try string(key, name)] = try string(value, name)
        }
        return result
    }

    private static func classMap(
        _ term: CQLTerm,
        _ name: String,
        package: String
    ) throws(CQLEngineError) -> [String: String] {
        var result = try map(term, name)
        if let className = result["class"], !className.contains(".") { result["class"] = package + className }
        return result
    }

    /// The options as `system_schema.tables` columns (name → value), for the columns that table has.
    func systemSchemaValues() -> [String: CQLValue] {
        func textMap(_ map: [String: String]) -> CQLValue {
            CQLValueOrder.normalizedMap(map.map { (CQLValue.text($0.key), CQLValue.text($0.value)) })
        }
        return [
            "additional_write_policy": .text(additionalWritePolicy),
            "bloom_filter_fp_chance": .double(bloomFilterFpChance),
            "caching": textMap(caching),
            "cdc": .boolean(cdc),
            "comment": .text(comment),
            "compaction": textMap(compaction),
            "compression": textMap(compression),
            "crc_check_chance": .double(crcCheckChance),
            "dclocal_read_repair_chance": .double(0),
            "default_time_to_live": .int(defaultTimeToLive),
            "extensions": .map([]),
            "flags": .set([.text("compound")]),
            "gc_grace_seconds": .int(gcGraceSeconds),
            "max_index_interval": .int(maxIndexInterval),
            "memtable_flush_period_in_ms": .int(memtableFlushPeriodInMs),
            "min_index_interval": .int(minIndexInterval),
            "read_repair": .text(readRepair),
            "read_repair_chance": .double(0),
            "speculative_retry": .text(speculativeRetry),
        ]
    }

    /// The ` AND name = value` lines of DESCRIBE, in Cassandra 4.1's order.
    func describeLines() -> [String] {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        func map(_ map: [String: String]) -> String {
            "{"
                + map.sorted { $0.key < $1.key }.map { "\(quoted($0.key)): \(quoted($0.value))" }.joined(
                    separator: ", "
                ) + "}"
        }
        return [
            "additional_write_policy = \(quoted(additionalWritePolicy))",
            "bloom_filter_fp_chance = \(bloomFilterFpChance)",
            "caching = \(map(caching))",
            "cdc = \(cdc)",
            "comment = \(quoted(comment))",
            "compaction = \(map(compaction))",
            "compression = \(map(compression))",
            "crc_check_chance = \(crcCheckChance)",
            "default_time_to_live = \(defaultTimeToLive)",
            "extensions = {}",
            "gc_grace_seconds = \(gcGraceSeconds)",
            "max_index_interval = \(maxIndexInterval)",
            "memtable_flush_period_in_ms = \(memtableFlushPeriodInMs)",
            "min_index_interval = \(minIndexInterval)",
            "read_repair = \(quoted(readRepair))",
            "speculative_retry = \(quoted(speculativeRetry))",
        ]
    }
}
