/// Checks on UUID text without Foundation.
public enum UUIDText {
    /// `true` for `8-4-4-4-12` hex digits with hyphens; with `lowercaseOnly`, hex letters must be lower case
    /// (the canonical form).
    @inline(__always)
    public static func isCanonical(_ text: String, lowercaseOnly: Bool = true) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return false }
        if let result = utf8.withContiguousStorageIfAvailable({ check($0, lowercaseOnly: lowercaseOnly) }) {
            return result
        }
        return check(Array(utf8), lowercaseOnly: lowercaseOnly)
    }

    private static func check(_ bytes: some RandomAccessCollection<UInt8>, lowercaseOnly: Bool) -> Bool {
        var position = 0
        for byte in bytes {
            switch position {
            case 8, 13, 18, 23:
                if byte != UInt8(ascii: "-") { return false }
            default:
                let isDigit = byte &- UInt8(ascii: "0") < 10
                let isLower = byte &- UInt8(ascii: "a") < 6
                let isUpper = !lowercaseOnly && byte &- UInt8(ascii: "A") < 6
                if !(isDigit || isLower || isUpper) { return false }
            }
            position += 1
        }
        return true
    }
}
