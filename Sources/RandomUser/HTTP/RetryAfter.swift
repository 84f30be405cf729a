import UserStreamCore

/// Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), into a delay bounded by `0 ... maximum`.
enum RetryAfter {
    static func delay(
        _ value: String,
        nowMilliseconds: Int64 = Timestamp.nowMilliseconds(),
        maximum: Duration
    ) -> Duration? {
        let text = value.trimmingBlanks(" \t")
        if let seconds = Int(text) {
            return min(.seconds(max(0, seconds)), maximum)
        }
        if let seconds = Double(text), seconds.isFinite {
            return min(.milliseconds(Int64(max(0, seconds) * 1000)), maximum)
        }
        guard let date = httpDateMilliseconds(text) else { return nil }
        let delta = max(0, date - nowMilliseconds)
        return min(.milliseconds(delta), maximum)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate only (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers must send.
    static func httpDateMilliseconds(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let monthIndex = months.firstIndex(of: String(parts[2]))
        else { return nil }
        let day = parts[1].count == 1 ? "0" + parts[1] : String(parts[1])
        let month = monthIndex + 1 < 10 ? "0\(monthIndex + 1)" : "\(monthIndex + 1)"
        return Timestamp.milliseconds(iso8601: "\(parts[3])-\(month)-\(day)T\(parts[4])Z")
    }
}

extension String {
    func trimmingBlanks(_ set: String) -> String {
        let characters = Set(set)
        var start = startIndex
        var end = endIndex
        while start < end, characters.contains(self[start]) { start = index(after: start) }
        while end > start, characters.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
