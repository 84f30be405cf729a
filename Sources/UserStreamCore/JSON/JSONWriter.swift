/// Appends JSON text to a byte buffer. Hand-written for the per-record paths: strings are copied in runs and only
/// the characters JSON requires are escaped (`"`, `\`, control characters); non-ASCII is written as UTF-8.
enum JSONWriter {
    @inline(__always)
    static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `text` as a quoted JSON string.
    @inline(__always)
    static func appendString(_ text: String, to out: inout [UInt8]) {
        // Native strings are read in place; small (inline) strings from a stack copy. No allocation either way.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendString(utf8: $0, to: &out) }
        if done == nil {
            var copy = text
            copy.withUTF8 { appendString(utf8: $0, to: &out) }
        }
    }

    static func appendString(utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        guard SWAR.firstSpecial(UnsafeRawBufferPointer(utf8), from: 0) != nil else {
            // The common case: nothing to escape.
            out.append(contentsOf: utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            }
            appendEscape(byte, to: &out)
            index += 1
            runStart = index
        }
        if runStart < count {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hex.utf8Start[Int(byte >> 4)])
            out.append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }

    /// Appends a decimal integer.
    @inline(__always)
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { scratch -> Int in
            var position = scratch.count
            repeat {
                position -= 1
                scratch[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                position -= 1
                scratch[position] = UInt8(ascii: "-")
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[position...]))
            return scratch.count - position
        }
        _ = count
    }

    /// Appends a finite double as a JSON number (shortest round-tripping form). Callers skip non-finite values.
    @inline(__always)
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        out.append(contentsOf: numberText(value).utf8)
    }

    /// A finite double as JSON number text: integers without a fraction (`47`), `-0.0` kept, otherwise Swift's
    /// shortest round-tripping form (`-86.3514`, `1e-05`).
    @inline(__always)
    static func numberText(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0" }
        if value.magnitude < 9_007_199_254_740_992, value == value.rounded(.towardZero) {
            return String(Int(value))
        }
        return value.description
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (assumed valid, not a surrogate).
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}

/// Number parsing over bytes, without allocating in the common cases.
enum JSONNumberParsing {
    /// An integer written with optional sign and decimal digits only (no fraction or exponent), if it fits.
    static func int(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        guard index < bytes.count, bytes.count - index <= 19 else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
            index += 1
        }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// A decimal number (`-12.3456`, `1e5`, also with a leading `+` or surrounding spaces when `lenient`), exactly
    /// rounded: a fast path for up to 15 significant digits and small exponents (exact in binary64), `strtod`
    /// via `Double(String)` otherwise.
    static func double(_ bytes: UnsafeRawBufferPointer, lenient: Bool = false) -> Double? {
        var start = 0
        var end = bytes.count
        if lenient {
            while start < end, bytes[start] == 0x20 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        }
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        } else if lenient, index < end, bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var sawDigit = false
        var scale = 0
        while index < end, bytes[index] &- UInt8(ascii: "0") < 10 {
            let digit = UInt64(bytes[index] &- UInt8(ascii: "0"))
            if mantissa != 0 || digit != 0 { significant += 1 }
            if significant <= 19 { mantissa = mantissa &* 10 &+ digit } else { scale += 1 }
            sawDigit = true
            index += 1
        }
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var sawFraction = false
            while index < end, bytes[index] &- UInt8(ascii: "0") < 10 {
                let digit = UInt64(bytes[index] &- UInt8(ascii: "0"))
                if mantissa != 0 || digit != 0 { significant += 1 }
                if significant <= 19 {
                    mantissa = mantissa &* 10 &+ digit
                    scale -= 1
                }
                sawFraction = true
                index += 1
            }
            guard sawFraction || (lenient && sawDigit) else { return nil }
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var negativeExponent = false
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negativeExponent = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < end, bytes[index] &- UInt8(ascii: "0") < 10 else { return nil }
            while index < end, bytes[index] &- UInt8(ascii: "0") < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
                index += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        guard index == end else { return nil }
        let totalScale = scale + exponent
        if significant <= 15 && totalScale >= -22 && totalScale <= 22 {
            var value = Double(mantissa)
            if totalScale < 0 { value /= powersOfTen[-totalScale] } else { value *= powersOfTen[totalScale] }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return Double(text)
    }
}

/// Word-at-a-time byte searches for the JSON string hot paths.
enum SWAR {
    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// High bit set in each byte of `word` that is zero.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// High bit set in each byte of `word` that is `"`, `\\` or below 0x20.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let quote = zeroBytes(word ^ broadcast(UInt8(ascii: "\"")))
        let backslash = zeroBytes(word ^ broadcast(UInt8(ascii: "\\")))
        let control = (word &- broadcast(0x20)) & ~word & 0x8080_8080_8080_8080
        return quote | backslash | control
    }

    /// Index of the first `"`, `\\` or control byte at or after `start`, or `nil`.
    @inline(__always)
    static func firstSpecial(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        let count = bytes.count
        while index + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let mask = specialBytes(word)
            if mask != 0 {
                // The lowest flagged byte is exact (borrows only propagate upwards from a true match).
                return index + mask.trailingZeroBitCount / 8
            }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return nil
    }
}
