import UserStreamCore

/// Byte-level formatting for the generator's hot path (no Foundation, one allocation per string at most).
enum SyntheticFormat {
    private static let hexDigits: StaticString = "0123456789abcdef"
    private static let alphanumerics: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

    /// Fills a pattern: `#` a random digit, `@` a random upper-case letter, anything else literally.
    static func fill(_ pattern: StaticString, _ random: inout SyntheticRandom) -> String {
        let count = pattern.utf8CodeUnitCount
        let source = pattern.utf8Start
        return String(unsafeUninitializedCapacity: count) { buffer in
            var bits = random.next()
            var remaining = 12  // 5-bit chunks per 64-bit draw
            for index in 0..<count {
                let byte = source[index]
                if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "@") {
                    if remaining == 0 {
                        bits = random.next()
                        remaining = 12
                    }
                    let chunk = Int(bits & 0x1F)  // 0...31
                    bits >>= 5
                    remaining -= 1
                    if byte == UInt8(ascii: "#") {
                        buffer[index] = UInt8(ascii: "0") + UInt8((chunk * 10) >> 5)
                    } else {
                        buffer[index] = UInt8(ascii: "A") + UInt8((chunk * 26) >> 5)
                    }
                } else {
                    buffer[index] = byte
                }
            }
            return count
        }
    }

    /// `count` lower-case hex digits.
    static func hex(_ count: Int, _ random: inout SyntheticRandom) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            while index < count {
                var bits = random.next()
                for _ in 0..<16 where index < count {
                    buffer[index] = hexDigits.utf8Start[Int(bits & 0xF)]
                    bits >>= 4
                    index += 1
                }
            }
            return count
        }
    }

    /// `count` characters from `[A-Za-z0-9]`.
    static func alphanumeric(_ count: Int, _ random: inout SyntheticRandom) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            for index in 0..<count {
                buffer[index] = alphanumerics.utf8Start[random.below(62)]
            }
            return count
        }
    }

    /// A version-4 UUID in canonical lower-case text.
    static func uuidV4(_ random: inout SyntheticRandom) -> String {
        var high = random.next()
        var low = random.next()
        high = (high & ~0x0000_0000_0000_F000) | 0x0000_0000_0000_4000  // version nibble
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 10xx
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                var shift = (nibbles - 1) * 4
                for _ in 0..<nibbles {
                    buffer[index] = hexDigits.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                    shift -= 4
                }
            }
            put(high >> 32, nibbles: 8)
            buffer[index] = UInt8(ascii: "-"); index += 1
            put(high >> 16, nibbles: 4)
            buffer[index] = UInt8(ascii: "-"); index += 1
            put(high, nibbles: 4)
            buffer[index] = UInt8(ascii: "-"); index += 1
            put(low >> 48, nibbles: 4)
            buffer[index] = UInt8(ascii: "-"); index += 1
            put(low, nibbles: 12)
            return 36
        }
    }

    /// `-12.3456` from ten-thousandths.
    static func fixed4(_ tenThousandths: Int) -> String {
        var magnitude = Int(tenThousandths.magnitude)
        var digits = 5
        var probe = magnitude / 100_000
        while probe > 0 {
            digits += 1
            probe /= 10
        }
        let count = digits + 1 + (tenThousandths < 0 ? 1 : 0)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = count - 1
            var written = 0
            while index >= 0 {
                if written == 4 {
                    buffer[index] = UInt8(ascii: ".")
                } else if index == 0 && tenThousandths < 0 {
                    buffer[index] = UInt8(ascii: "-")
                } else {
                    buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                }
                written += 1
                index -= 1
            }
            return count
        }
    }

    /// The strings joined, written once into a string of the exact size (no intermediate strings).
    static func concat(_ a: String, _ b: String, _ c: String = "", _ d: String = "") -> String {
        var a = a
        var b = b
        var c = c
        var d = d
        let count = a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                for byte in bytes {
                    buffer[index] = byte
                    index += 1
                }
            }
            a.withUTF8 { put($0) }
            b.withUTF8 { put($0) }
            c.withUTF8 { put($0) }
            d.withUTF8 { put($0) }
            return index
        }
    }

    /// Year, month, day (UTC) of a time in milliseconds.
    static func civil(_ milliseconds: Int64) -> (Int, Int, Int) {
        Timestamp.civilDate(milliseconds: milliseconds)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, written straight into the string's storage.
    static func iso8601(_ milliseconds: Int64) -> String {
        let days = Timestamp.days(milliseconds: milliseconds)
        let msOfDay = milliseconds - days * 86_400_000
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int64, at offset: Int, width: Int) {
                var rest = value
                var index = offset + width - 1
                while index >= offset {
                    buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                    index -= 1
                }
            }
            put(year, at: 0, width: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, width: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, width: 2)
            buffer[10] = UInt8(ascii: "T")
            put(msOfDay / 3_600_000, at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            put((msOfDay / 60_000) % 60, at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            put((msOfDay / 1000) % 60, at: 17, width: 2)
            buffer[19] = UInt8(ascii: ".")
            put(msOfDay % 1000, at: 20, width: 3)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }
}
