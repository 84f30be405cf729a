extension QueryResult {
    /// The result as text in the given format (see `QueryOutputFormat`).
    public func formatted(as format: QueryOutputFormat) -> String {
        switch format {
        case .table: return formattedTable()
        case .json: return formattedJSON()
        case .csv: return formattedCSV()
        }
    }

    /// Text shown for SQL NULL in the table format.
    static let nullText = "NULL"

    private func formattedTable() -> String {
        // Display width approximated by the number of characters (grapheme clusters); control characters in cells
        // are escaped so that a cell never breaks the layout.
        let header = columns.map(Self.tableCell)
        let body = rows.map { row in
            (0..<columns.count).map { index in
                index < row.count ? row[index].map(Self.tableCell) ?? Self.nullText : ""
            }
        }
        var widths = header.map(\.count)
        for row in body {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { text += " | " }
                text += cell
                if index < cells.count - 1 {
                    text += String(repeating: " ", count: widths[index] - cell.count)
                }
            }
            return text
        }
        var lines = [line(header)]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
        lines.append(contentsOf: body.map(line))
        lines.append(rows.count == 1 ? "(1 row)" : "(\(rows.count) rows)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func tableCell(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }

    private func formattedJSON() -> String {
        var text = "["
        for (rowIndex, row) in rows.enumerated() {
            text += rowIndex == 0 ? "\n  {" : ",\n  {"
            for (index, column) in columns.enumerated() {
                if index > 0 { text += ", " }
                text += Self.jsonString(column) + ": "
                if index < row.count, let cell = row[index] {
                    text += Self.jsonValue(cell, kind: kind(row: rowIndex, column: index))
                } else {
                    text += "null"
                }
            }
            text += "}"
        }
        text += rows.isEmpty ? "]\n" : "\n]\n"
        return text
    }

    private func kind(row: Int, column: Int) -> QueryCellKind {
        guard row < kinds.count, column < kinds[row].count else { return .text }
        return kinds[row][column]
    }

    /// A number or a boolean unquoted when its text is one in JSON; anything else (text, `Inf`, `NaN`) as a string.
    static func jsonValue(_ text: String, kind: QueryCellKind) -> String {
        switch kind {
        case .number where isJSONNumber(text): return text
        case .boolean where text == "true" || text == "false": return text
        default: return jsonString(text)
        }
    }

    /// Whether `text` is a number by JSON's grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
    package static func isJSONNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        func digits() -> Int {
            let count = bytes.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private func formattedCSV() -> String {
        var lines = [columns.map(Self.csvField).joined(separator: ",")]
        for row in rows {
            lines.append(
                (0..<columns.count).map { index in
                    index < row.count ? row[index].map(Self.csvField) ?? "" : ""
                }.joined(separator: ",")
            )
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ text: String) -> String {
        // An empty string is quoted so that it differs from NULL (an empty field), as PostgreSQL's CSV does.
        let needsQuotes =
            text.isEmpty
            || text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
