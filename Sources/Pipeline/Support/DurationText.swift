/// Parses durations the way the CLI takes them: `500ms`, `60s`, `5m`, `1h`, `1h30m`, or plain seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let text = text.filter { !$0.isWhitespace }
        guard !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        var total: Int64 = 0
        var number = ""
        var unit = ""
        var parsedAny = false
        func flush() -> Bool {
            guard let value = Double(number), value >= 0 else { return false }
            let millis: Double
            switch unit {
            case "ms": millis = value
            case "s": millis = value * 1000
            case "m", "min": millis = value * 60_000
            case "h": millis = value * 3_600_000
            case "d": millis = value * 86_400_000
            default: return false
            }
            total += Int64(millis)
            number = ""
            unit = ""
            parsedAny = true
            return true
        }
        for char in text {
            if char.isNumber || char == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(char)
            } else if char.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(char)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, !unit.isEmpty, flush(), parsedAny else { return nil }
        return .milliseconds(total)
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
