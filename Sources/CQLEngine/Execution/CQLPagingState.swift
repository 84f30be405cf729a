import CQLWire
import Foundation
import GRDB

/// The opaque `paging_state` the engine hands out: where the next page starts, bound to the query it came from.
///
/// Layout (big-endian): `01` version · 8 bytes query fingerprint (MD5 prefix of keyspace, query text and bound
/// values) · 8 bytes rows returned so far (for LIMIT) · kind `00` (the sort-key values of the last row returned,
/// each as a tag — 0 null, 1 integer, 2 real, 3 text, 4 blob — and its bytes) or `01` (an offset, for computed
/// tables). Resuming with a different query or values is refused.
struct CQLPagingState: Sendable, Hashable {
    enum Position: Sendable, Hashable {
        case after([DatabaseValue])
        case offset(Int)
    }

    var fingerprint: [UInt8]
    var rowsSoFar: Int
    var position: Position

    static func fingerprint(keyspace: String?, query: String, values: [CQLBoundValue]) -> [UInt8] {
        var bytes = Array((keyspace ?? "").utf8) + [0] + Array(query.utf8) + [0]
        for value in values {
            switch value {
            case .null: bytes += [0xFF, 0xFF, 0xFF, 0xFF]
            case .unset: bytes += [0xFF, 0xFF, 0xFF, 0xFE]
            case .bytes(let content):
                let count = UInt32(content.count)
                bytes += [
                    UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF),
                ]
                bytes += content
            }
        }
        return Array(MD5.digest(bytes).prefix(8))
    }

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = [1] + fingerprint
        Self.append(UInt64(rowsSoFar), to: &bytes)
        switch position {
        case .offset(let offset):
            bytes.append(1)
            Self.append(UInt64(offset), to: &bytes)
        case .after(let values):
            bytes.append(0)
            bytes.append(UInt8(values.count))
            for value in values {
                switch value.storage {
                case .null: bytes.append(0)
                case .int64(let integer):
                    bytes.append(1)
                    Self.append(UInt64(bitPattern: integer), to: &bytes)
                case .double(let double):
                    bytes.append(2)
                    Self.append(double.bitPattern, to: &bytes)
                case .string(let text):
                    bytes.append(3)
                    Self.append(UInt64(text.utf8.count), to: &bytes)
                    bytes += Array(text.utf8)
                case .blob(let data):
                    bytes.append(4)
                    Self.append(UInt64(data.count), to: &bytes)
                    bytes += Array(data)
                }
            }
        }
        return bytes
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    init(fingerprint: [UInt8], rowsSoFar: Int, position: Position) {
        self.fingerprint = fingerprint
        self.rowsSoFar = rowsSoFar
        self.position = position
    }

    init(decoding bytes: [UInt8], expecting fingerprint: [UInt8]) throws(CQLEngineError) {
        let invalid = CQLEngineError(.protocolError, "Invalid value for the paging state")
        var index = 0
        func byte() throws(CQLEngineError) -> UInt8 {
            guard index < bytes.count else { throw invalid }
            index += 1
            return bytes[index - 1]
        }
        func uint64() throws(CQLEngineError) -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
            return value
        }
        func slice(_ count: UInt64) throws(CQLEngineError) -> [UInt8] {
            guard count <= UInt64(bytes.count - index) else { throw invalid }
            let result = Array(bytes[index..<index + Int(count)])
            index += Int(count)
            return result
        }
        guard try byte() == 1 else { throw invalid }
        let stored = try slice(8)
        guard stored == fingerprint else {
            throw CQLEngineError.invalid("The paging state does not belong to this query (text or values differ)")
        }
        self.fingerprint = stored
        let rows = try uint64()
        guard rows <= UInt64(Int.max) else { throw invalid }
        rowsSoFar = Int(rows)
        switch try byte() {
        case 1:
            let offset = try uint64()
            guard offset <= UInt64(Int.max) else { throw invalid }
            position = .offset(Int(offset))
        case 0:
            let count = Int(try byte())
            var values: [DatabaseValue] = []
            for _ in 0..<count {
                switch try byte() {
                case 0: values.append(.null)
                case 1: values.append(Int64(bitPattern: try uint64()).databaseValue)
                case 2: values.append(Double(bitPattern: try uint64()).databaseValue)
                case 3: values.append(String(decoding: try slice(try uint64()), as: UTF8.self).databaseValue)
                case 4: values.append(Data(try slice(try uint64())).databaseValue)
                default: throw invalid
                }
            }
            position = .after(values)
        default:
            throw invalid
        }
        guard index == bytes.count else { throw invalid }
    }
}
