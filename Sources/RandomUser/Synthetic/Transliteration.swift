/// Crude transliteration to the lower-case ASCII used in randomuser e-mail addresses: diacritics stripped
/// (`ljubiša` → `ljubisa`, `strøm` → `strom`), Persian romanised consonant by consonant, spaces and apostrophes
/// dropped, hyphens kept. Runs once per word list entry, not per user.
enum Transliteration {
    static func emailForm(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) || value == 0x2D {
                    out.unicodeScalars.append(scalar)
                }
                continue
            }
            if let mapped = latin[scalar] ?? persian[scalar] {
                out += mapped
            }
        }
        return out
    }

    private static let latin: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        let groups: [(String, String)] = [
            ("áàâäãåāăą", "a"), ("çćčĉ", "c"), ("ďđ", "d"), ("éèêëěēėę", "e"), ("ğĝ", "g"), ("íìîïīı", "i"),
            ("ĵ", "j"), ("ķ", "k"), ("łľĺļ", "l"), ("ñńňņ", "n"), ("óòôöõøōő", "o"), ("ŕř", "r"), ("śšşŝș", "s"),
            ("ťţț", "t"), ("úùûüůūűų", "u"), ("ýÿ", "y"), ("žźż", "z"),
        ]
        for (letters, replacement) in groups {
            for scalar in letters.unicodeScalars { table[scalar] = replacement }
        }
        table["æ"] = "ae"
        table["œ"] = "oe"
        table["ß"] = "ss"
        table["þ"] = "th"
        table["ð"] = "d"
        return table
    }()

    private static let persian: [Unicode.Scalar: String] = [
        "ا": "a", "آ": "a", "أ": "a", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h",
        "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z",
        "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "gh", "ک": "k", "ك": "k", "گ": "g", "ل": "l",
        "م": "m", "ن": "n", "و": "v", "ه": "h", "ی": "y", "ي": "y", "ئ": "", "ء": "",
    ]
}
