/// A Trino interval literal: `INTERVAL '5' MINUTE`, `INTERVAL -'1' DAY`, `INTERVAL '1 02:30:00' DAY TO SECOND`
/// (day-time, kept in milliseconds) or `INTERVAL '3' MONTH`, `INTERVAL '1-6' YEAR TO MONTH` (year-month, kept in
/// months).
struct TrinoInterval: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case yearToMonth
        case dayToSecond
    }

    var kind: Kind
    /// Months of a year-month interval, milliseconds of a day-time one.
    var amount: Int64

    static let invalidLiteral = TrinoErrorCode(code: 59, name: "INVALID_LITERAL", type: "USER_ERROR")

    private static let dayTimeFields = ["DAY", "HOUR", "MINUTE", "SECOND"]
    private static let millisecondsPerField: [String: Int64] = [
        "DAY": 86_400_000, "HOUR": 3_600_000, "MINUTE": 60_000, "SECOND": 1000,
    ]

    /// Parses the literal starting at `tokens[start]` (the `INTERVAL` keyword); returns it and the index after it.
    static func parse(_ tokens: [SQLToken], at start: Int) throws(TrinoQueryFailure) -> (TrinoInterval, Int) {
        let keyword = tokens[start]
        var index = start + 1
        var negative = false
        if index < tokens.count, tokens[index].isSymbol("+") || tokens[index].isSymbol("-") {
            negative = tokens[index].isSymbol("-")
            index += 1
        }
        guard index < tokens.count, tokens[index].kind == .string else {
            let found = index < tokens.count ? tokens[index].value : "<EOF>"
            throw TrinoQueryFailure.at(
                index < tokens.count ? tokens[index] : keyword,
                .syntaxError,
                "mismatched input '\(found)'. Expecting: '+', '-', <string>"
            )
        }
        let text = tokens[index].value
        index += 1
        let fields = ["YEAR", "MONTH"] + dayTimeFields
        guard index < tokens.count, fields.contains(tokens[index].upper) else {
            let found = index < tokens.count ? tokens[index].value : "<EOF>"
            throw TrinoQueryFailure.at(
                index < tokens.count ? tokens[index] : keyword,
                .syntaxError,
                "mismatched input '\(found)'. Expecting: 'DAY', 'HOUR', 'MINUTE', 'MONTH', 'SECOND', 'YEAR'"
            )
        }
        let from = tokens[index].upper
        var to = from
        index += 1
        if index + 1 < tokens.count, tokens[index].isWord("TO"), fields.contains(tokens[index + 1].upper) {
            to = tokens[index + 1].upper
            index += 2
        }
        let invalid = TrinoQueryFailure.at(keyword, invalidLiteral, "'\(text)' is not a valid INTERVAL literal")
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.hasPrefix("-") {
            negative.toggle()
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        var interval: TrinoInterval
        if from == "YEAR" || from == "MONTH" {
            let parts = body.split(separator: "-", omittingEmptySubsequences: false)
            switch (from, to) {
            case ("YEAR", "YEAR"):
                guard parts.count == 1, let years = Int64(parts[0]) else { throw invalid }
                interval = TrinoInterval(kind: .yearToMonth, amount: years * 12)
            case ("MONTH", "MONTH"):
                guard parts.count == 1, let months = Int64(parts[0]) else { throw invalid }
                interval = TrinoInterval(kind: .yearToMonth, amount: months)
            case ("YEAR", "MONTH"):
                guard parts.count == 2, let years = Int64(parts[0]), let months = Int64(parts[1]) else { throw invalid }
                interval = TrinoInterval(kind: .yearToMonth, amount: years * 12 + months)
            default:
                throw TrinoQueryFailure.at(keyword, .syntaxError, "Invalid interval qualifier: \(from) TO \(to)")
            }
        } else {
            guard let first = dayTimeFields.firstIndex(of: from), let last = dayTimeFields.firstIndex(of: to),
                first <= last
            else {
                throw TrinoQueryFailure.at(keyword, .syntaxError, "Invalid interval qualifier: \(from) TO \(to)")
            }
            // `d hh:mm:ss.fff`: a space after the days, colons between the others.
            let parts = body.split(omittingEmptySubsequences: false) { $0 == " " || $0 == ":" }
            guard parts.count == last - first + 1 else { throw invalid }
            var milliseconds: Int64 = 0
            for (offset, part) in parts.enumerated() {
                let field = dayTimeFields[first + offset]
                let scale = millisecondsPerField[field] ?? 1
                if field == "SECOND", let seconds = Double(part), seconds.isFinite, !part.contains("e"),
                    !part.contains("E")
                {
                    milliseconds += Int64((seconds * 1000).rounded())
                } else if let value = Int64(part), value >= 0 {
                    milliseconds += value * scale
                } else {
                    throw invalid
                }
            }
            interval = TrinoInterval(kind: .dayToSecond, amount: milliseconds)
        }
        if negative { interval.amount.negate() }
        return (interval, index)
    }

    /// The Trino type name, for error messages.
    var typeName: String { kind == .yearToMonth ? "interval year to month" : "interval day to second" }
}
