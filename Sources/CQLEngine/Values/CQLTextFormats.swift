import CQLWire
import Foundation
import UserStreamCore

/// Text forms of values that SQLite stores as TEXT or CQL writes as string constants: inet addresses, varints and
/// decimals in decimal notation, timestamps, dates and times.
enum CQLTextFormats {
    // MARK: inet

    static func inetBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func inetText(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard bytes.count == 4 || bytes.count == 16 else { return bytes.map { String($0) }.joined(separator: ".") }
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "" }
        return String(cString: buffer)
    }

    // MARK: varint

    /// Decimal text of a two's-complement big-endian integer.
    static func varintText(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "0" }
        let negative = bytes[0] & 0x80 != 0
        var magnitude = negative ? negate(bytes) : bytes
        var digits: [UInt8] = []
        while magnitude.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in magnitude.indices {
                let value = remainder << 8 | Int(magnitude[index])
                magnitude[index] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(ascii: "0") + UInt8(remainder))
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// Two's-complement big-endian bytes (shortest form) of decimal text (`-?[0-9]+`).
    static func varintBytes(_ text: String) -> [UInt8]? {
        var utf8 = Substring(text).utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        } else if utf8.first == UInt8(ascii: "+") {
            utf8 = utf8.dropFirst()
        }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        var magnitude: [UInt8] = [0]  // big-endian
        for digit in utf8 {
            var carry = Int(digit - UInt8(ascii: "0"))
            for index in magnitude.indices.reversed() {
                let value = Int(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
            while carry > 0 {
                magnitude.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        var bytes = [UInt8(0)] + magnitude
        if negative { bytes = negate(bytes) }
        while bytes.count > 1,
            (bytes[0] == 0x00 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0)
        {
            bytes.removeFirst()
        }
        return bytes
    }

    private static func negate(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes.map { ~$0 }
        var index = result.count - 1
        while index >= 0 {
            let (sum, overflow) = result[index].addingReportingOverflow(1)
            result[index] = sum
            if !overflow { break }
            index -= 1
        }
        return result
    }

    // MARK: decimal

    static func decimalText(scale: Int32, unscaled: [UInt8]) -> String {
        var digits = varintText(unscaled)
        var sign = ""
        if digits.hasPrefix("-") {
            sign = "-"
            digits.removeFirst()
        }
        if scale <= 0 {
            return sign + digits + (digits == "0" ? "" : String(repeating: "0", count: Int(-scale)))
        }
        let scale = Int(scale)
        if digits.count <= scale {
            digits = String(repeating: "0", count: scale - digits.count + 1) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return sign + digits[..<point] + "." + digits[point...]
    }

    /// `[-+]digits[.digits][(e|E)[-+]digits]` → scale and unscaled bytes.
    static func decimal(_ text: String) -> (scale: Int32, unscaled: [UInt8])? {
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(text[text.index(after: e)...]) else { return nil }
            exponent = value
            mantissa = String(text[..<e])
        }
        var scale = 0
        if let dot = mantissa.firstIndex(of: ".") {
            scale = mantissa.distance(from: dot, to: mantissa.endIndex) - 1
            mantissa.remove(at: dot)
        }
        guard let unscaled = varintBytes(mantissa) else { return nil }
        let finalScale = scale - exponent
        guard let scale32 = Int32(exactly: finalScale) else { return nil }
        return (scale32, unscaled)
    }

    // MARK: timestamp, date, time

    /// `yyyy-mm-dd[(T| )hh:mm[:ss[.fff]]][Z|(+|-)hh[:]mm]`, or digits (milliseconds), as milliseconds since the epoch.
    static func timestampMilliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = Int64(trimmed) { return value }
        let chars = Array(trimmed.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= chars.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let c = chars[index + offset]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            index += width
            return value
        }
        func accept(_ c: Character) -> Bool {
            guard index < chars.count, chars[index] == c.asciiValue! else { return false }
            index += 1
            return true
        }
        var negativeYear = false
        if accept("-") { negativeYear = true }
        var yearDigits = 0
        while index + yearDigits < chars.count, chars[index + yearDigits] >= 48, chars[index + yearDigits] <= 57 {
            yearDigits += 1
        }
        guard yearDigits >= 4, var year = number(yearDigits), accept("-"), let month = number(2), accept("-"),
            let day = number(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        if negativeYear { year = -year }
        var milliseconds = Timestamp.days(fromCivil: year, month: month, day: day) * 86_400_000
        if accept("T") || accept(" ") {
            guard let hour = number(2), accept(":"), let minute = number(2), hour < 24, minute < 60 else { return nil }
            var second: Int64 = 0
            var fraction: Int64 = 0
            if accept(":") {
                guard let value = number(2), value < 60 else { return nil }
                second = value
                if accept(".") {
                    var digits = 0
                    while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                        if digits < 3 { fraction = fraction * 10 + Int64(chars[index] - 48) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<3 where digits < 3 { fraction *= 10 }
                }
            }
            milliseconds += ((hour * 60 + minute) * 60 + second) * 1000 + fraction
        }
        _ = accept(" ")
        if accept("Z") || accept("z") {
            // UTC
        } else if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign: Int64 = chars[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2) else { return nil }
            _ = accept(":")
            let minutes = number(2) ?? 0
            milliseconds -= sign * (hours * 60 + minutes) * 60_000
        }
        guard index == chars.count else { return nil }
        return milliseconds
    }

    /// Cassandra's text form of a timestamp (cqlsh shows its own): `2024-05-01T12:00:00.000Z`.
    static func timestampText(_ milliseconds: Int64) -> String {
        Timestamp.iso8601(milliseconds: milliseconds)
    }

    static func dateDays(_ text: String) -> Int32? {
        guard text.utf8.count >= 10, !text.contains("T"), !text.contains(":"),
            let milliseconds = timestampMilliseconds(text + "T00:00:00Z")
        else { return nil }
        return Int32(exactly: milliseconds / 86_400_000)
    }

    static func dateText(_ days: Int32) -> String {
        let civil = Timestamp.civil(fromDays: Int64(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(civil.year, 4))-\(pad(civil.month, 2))-\(pad(civil.day, 2))"
    }

    /// `hh:mm:ss[.fffffffff]` as nanoseconds since midnight.
    static func timeNanoseconds(_ text: String) -> Int64? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]), hours < 24, minutes < 60,
            hours >= 0, minutes >= 0
        else { return nil }
        let secondParts = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard secondParts.count <= 2, let seconds = Int64(secondParts[0]), seconds < 60, seconds >= 0 else {
            return nil
        }
        var nanos: Int64 = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            nanos = value
            for _ in digits.count..<9 { nanos *= 10 }
        }
        return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000_000 + nanos
    }

    // MARK: uuids

    /// A version 1 (time-based) UUID for `now()`: 100 ns intervals since 1582-10-15, a random clock sequence and node.
    static func timeUUID(milliseconds: Int64 = Timestamp.nowMilliseconds(), subMillisecond: UInt64 = 0) -> CQLUUID {
        let intervals = UInt64(milliseconds) &* 10_000 &+ 0x01B2_1DD2_1381_4000 &+ (subMillisecond % 10_000)
        let timeLow = intervals & 0xFFFF_FFFF
        let timeMid = (intervals >> 32) & 0xFFFF
        let timeHigh = (intervals >> 48) & 0x0FFF
        let high = timeLow << 32 | timeMid << 16 | 0x1000 | timeHigh
        var random = SystemRandomNumberGenerator()
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return CQLUUID(high: high, low: low)
    }

    static func randomUUID() -> CQLUUID {
        var random = SystemRandomNumberGenerator()
        let high = (random.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return CQLUUID(high: high, low: low)
    }

    /// The Unix milliseconds of a version 1 UUID.
    static func milliseconds(ofTimeUUID high: UInt64) -> Int64 {
        let timeLow = high >> 32
        let timeMid = (high >> 16) & 0xFFFF
        let timeHigh = high & 0x0FFF
        let intervals = timeHigh << 48 | timeMid << 32 | timeLow
        return Int64(bitPattern: (intervals &- 0x01B2_1DD2_1381_4000) / 10_000)
    }
}

extension CQLTextFormats {
    static func nowMilliseconds() -> Int64 { Timestamp.nowMilliseconds() }
}
