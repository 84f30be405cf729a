import CQLWire
import Foundation
import GRDB
import UserStreamCore

/// How CQL values live in SQLite (one column per CQL column):
///
/// | CQL | SQLite |
/// |---|---|
/// | text, ascii, uuid, timeuuid (canonical lower-case), inet (`127.0.0.1`), varint, decimal (decimal text) | TEXT |
/// | int, bigint, smallint, tinyint, boolean (0/1), timestamp (ms), date (days), time (ns), counter | INTEGER |
/// | double, float | REAL |
/// | blob | BLOB |
/// | list, set, map, tuple | TEXT holding JSON: arrays; a map is an array of `[key, value]` pairs |
///
/// Inside JSON, elements use the same scalar forms (numbers for the integer family, strings for text-like values,
/// blobs as `"0x…"` strings, non-finite floats as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`).
enum CQLSQLiteMapping {
    /// The SQLite column type (STRICT tables) for a CQL type.
    static func sqlType(_ type: CQLType) -> String {
        switch type {
        case .int, .bigint, .smallint, .tinyint, .boolean, .timestamp, .date, .time, .counter: "INTEGER"
        case .double, .float: "REAL"
        case .blob: "BLOB"
        default: "TEXT"
        }
    }

    static func databaseValue(_ value: CQLValue, as type: CQLType) throws(CQLEngineError) -> DatabaseValue {
        switch value {
        case .null, .unset: return .null
        case .text(let text): return text.databaseValue
        case .uuid(let uuid): return uuid.description.databaseValue
        case .inet(let bytes): return CQLTextFormats.inetText(bytes).databaseValue
        case .varint(let bytes): return CQLTextFormats.varintText(bytes).databaseValue
        case .decimal(let scale, let unscaled):
            return CQLTextFormats.decimalText(scale: scale, unscaled: unscaled).databaseValue
        case .bigint(let v), .timestamp(let v): return v.databaseValue
        case .int(let v): return Int64(v).databaseValue
        case .smallint(let v): return Int64(v).databaseValue
        case .tinyint(let v): return Int64(v).databaseValue
        case .date(let v): return Int64(v).databaseValue
        case .boolean(let v): return Int64(v ? 1 : 0).databaseValue
        case .double(let v): return v.databaseValue
        case .float(let v): return Double(v).databaseValue
        case .blob(let bytes): return Data(bytes).databaseValue
        case .list, .set, .map, .tuple, .udt:
            return String(decoding: try json(value, as: type).jsonBytes(), as: UTF8.self).databaseValue
        }
    }

    static func cqlValue(_ value: DatabaseValue, as type: CQLType, column: String) throws(CQLEngineError) -> CQLValue {
        func corrupt() -> CQLEngineError {
            .server("Stored value of \(column) cannot be read as \(type): \(value)")
        }
        switch value.storage {
        case .null:
            return .null
        case .int64(let integer):
            switch type {
            case .int: return .int(Int32(truncatingIfNeeded: integer))
            case .bigint, .counter, .time: return .bigint(integer)
            case .smallint: return .smallint(Int16(truncatingIfNeeded: integer))
            case .tinyint: return .tinyint(Int8(truncatingIfNeeded: integer))
            case .boolean: return .boolean(integer != 0)
            case .timestamp: return .timestamp(integer)
            case .date: return .date(Int32(truncatingIfNeeded: integer))
            case .double: return .double(Double(integer))
            case .float: return .float(Float(integer))
            case .text, .ascii: return .text(String(integer))
            case .varint: return .varint(CQLValue.varintBytes(integer))
            default: throw corrupt()
            }
        case .double(let double):
            switch type {
            case .double: return .double(double)
            case .float: return .float(Float(double))
            case .text, .ascii: return .text(String(double))
            default: throw corrupt()
            }
        case .string(let text):
            switch type {
            case .text, .ascii: return .text(text)
            case .uuid, .timeuuid:
                guard let uuid = CQLUUID(string: text) else { throw corrupt() }
                return .uuid(uuid)
            case .inet:
                guard let bytes = CQLTextFormats.inetBytes(text) else { throw corrupt() }
                return .inet(bytes)
            case .varint:
                guard let bytes = CQLTextFormats.varintBytes(text) else { throw corrupt() }
                return .varint(bytes)
            case .decimal:
                guard let decimal = CQLTextFormats.decimal(text) else { throw corrupt() }
                return .decimal(scale: decimal.scale, unscaled: decimal.unscaled)
            case .timestamp:
                guard let milliseconds = CQLTextFormats.timestampMilliseconds(text) else { throw corrupt() }
                return .timestamp(milliseconds)
            case .list, .set, .map, .tuple:
                let parsed: JSONValue
                do {
                    parsed = try JSONValue(parsing: Array(text.utf8))
                } catch {
                    throw corrupt()
                }
                return try cqlValue(json: parsed, as: type, column: column)
            default: throw corrupt()
            }
        case .blob(let data):
            switch type {
            case .blob: return .blob(Array(data))
            case .text, .ascii: return .text(String(decoding: data, as: UTF8.self))
            default: throw corrupt()
            }
        }
    }

    // MARK: JSON

    static func json(_ value: CQLValue, as type: CQLType) throws(CQLEngineError) -> JSONValue {
        switch (value, type) {
        case (.null, _), (.unset, _): return .null
        case (.list(let elements), .list(let element)), (.set(let elements), .set(let element)),
            (.list(let elements), .set(let element)), (.set(let elements), .list(let element)):
            return .array(try elements.map { (value) throws(CQLEngineError) in try json(value, as: element) })
        case (.map(let pairs), .map(let keyType, let valueType)):
            var array: [JSONValue] = []
            for (key, item) in pairs {
                array.append(.array([try json(key, as: keyType), try json(item, as: valueType)]))
            }
            return .array(array)
        case (.tuple(let elements), .tuple(let types)):
            var array: [JSONValue] = []
            for (index, elementType) in types.enumerated() {
                array.append(index < elements.count ? try json(elements[index], as: elementType) : .null)
            }
            return .array(array)
        case (.text(let text), _): return .string(text)
        case (.uuid(let uuid), _): return .string(uuid.description)
        case (.inet(let bytes), _): return .string(CQLTextFormats.inetText(bytes))
        case (.varint(let bytes), _): return .string(CQLTextFormats.varintText(bytes))
        case (.decimal(let scale, let unscaled), _):
            return .string(CQLTextFormats.decimalText(scale: scale, unscaled: unscaled))
        case (.boolean(let bool), _): return .bool(bool)
        case (.double(let double), _): return number(double)
        case (.float(let float), _): return number(Double(float))
        case (.blob(let bytes), _): return .string("0x" + bytes.map { String(format: "%02x", $0) }.joined())
        default:
            if let integer = CQLValueOrder.integer(value) { return .number(String(integer)) }
            throw CQLEngineError.invalid("Cannot store a \(value) value as \(type)")
        }
    }

    private static func number(_ double: Double) -> JSONValue {
        if double.isNaN { return .string("NaN") }
        if double.isInfinite { return .string(double < 0 ? "-Infinity" : "Infinity") }
        return .number("\(double)")
    }

    static func cqlValue(json: JSONValue, as type: CQLType, column: String) throws(CQLEngineError) -> CQLValue {
        func corrupt() -> CQLEngineError { .server("Stored JSON of \(column) cannot be read as \(type)") }
        if case .null = json { return .null }
        switch type {
        case .list(let element), .set(let element):
            guard case .array(let items) = json else { throw corrupt() }
            var values: [CQLValue] = []
            for item in items { values.append(try cqlValue(json: item, as: element, column: column)) }
            if case .set = type { return .set(values) }
            return .list(values)
        case .map(let keyType, let valueType):
            guard case .array(let items) = json else { throw corrupt() }
            var pairs: [(CQLValue, CQLValue)] = []
            for item in items {
                guard case .array(let pair) = item, pair.count == 2 else { throw corrupt() }
                pairs.append(
                    (
                        try cqlValue(json: pair[0], as: keyType, column: column),
                        try cqlValue(json: pair[1], as: valueType, column: column)
                    )
                )
            }
            return .map(pairs)
        case .tuple(let types):
            guard case .array(let items) = json else { throw corrupt() }
            var values: [CQLValue] = []
            for (index, elementType) in types.enumerated() {
                values.append(
                    index < items.count ? try cqlValue(json: items[index], as: elementType, column: column) : .null
                )
            }
            return .tuple(values)
        case .boolean:
            guard case .bool(let bool) = json else { throw corrupt() }
            return .boolean(bool)
        case .double, .float:
            let double: Double
            switch json {
            case .number(let text): double = Double(text) ?? .nan
            case .string(let text): double = CQLTermEvaluator.double(text) ?? .nan
            default: throw corrupt()
            }
            return type == .double ? .double(double) : .float(Float(double))
        case .blob:
            guard case .string(let text) = json, text.hasPrefix("0x") else { throw corrupt() }
            var bytes: [UInt8] = []
            var index = text.index(text.startIndex, offsetBy: 2)
            while index < text.endIndex {
                let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
                guard let byte = UInt8(text[index..<next], radix: 16) else { throw corrupt() }
                bytes.append(byte)
                index = next
            }
            return .blob(bytes)
        default:
            switch json {
            case .number(let text):
                guard let integer = Int64(text) else { throw corrupt() }
                return try cqlValue(integer.databaseValue, as: type, column: column)
            case .string(let text):
                return try cqlValue(text.databaseValue, as: type, column: column)
            default:
                throw corrupt()
            }
        }
    }

    /// A decimal or floating value as a Double (for comparisons).
    static func decimalDouble(_ value: CQLValue) -> Double? {
        switch value {
        case .double(let v): v
        case .float(let v): Double(v)
        case .decimal(let scale, let unscaled): Double(CQLTextFormats.decimalText(scale: scale, unscaled: unscaled))
        default: CQLValueOrder.integer(value).map(Double.init)
        }
    }
}
