/// The instructions of a Dockerfile, by stage: enough to check ours without a Docker engine.
struct Dockerfile {
    struct Instruction {
        var keyword: String
        var arguments: String
    }

    struct Stage {
        var image: String
        var name: String?
        var instructions: [Instruction] = []

        func all(_ keyword: String) -> [String] {
            instructions.filter { $0.keyword == keyword }.map(\.arguments)
        }

        /// The packages of every `apt-get install` in this stage.
        var aptPackages: [String] {
            all("RUN").flatMap { command -> [String] in
                var packages: [String] = []
                for segment in command.components(separatedBy: "&&") {
                    let words = segment.split(whereSeparator: \.isWhitespace).map(String.init)
                    guard let install = words.firstIndex(of: "install"), words[..<install].contains("apt-get") else {
                        continue
                    }
                    packages += words[(install + 1)...].filter { !$0.hasPrefix("-") }
                }
                return packages
            }
        }
    }

    var stages: [Stage] = []

    /// Parses `text`: comments dropped, continuation lines joined, `${ARG}` in FROM replaced by the ARG's default.
    init(_ text: String) {
        var logical: [String] = []
        var current = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasPrefix("#") { continue }  // a comment inside a continued instruction
            if line.hasSuffix("\\") {
                current += line.dropLast() + " "
            } else {
                logical.append(current + line)
                current = ""
            }
        }
        var arguments: [String: String] = [:]
        for line in logical {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let keyword = parts[0].uppercased()
            let rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            switch keyword {
            case "ARG" where stages.isEmpty:
                let pair = rest.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { arguments[pair[0]] = pair[1] }
            case "FROM":
                let words = rest.split(separator: " ").map { word in
                    arguments.reduce(String(word)) { $0.replacingOccurrences(of: "${\($1.key)}", with: $1.value) }
                }
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                stages.append(Stage(image: words[0], name: name))
            default:
                if !stages.isEmpty {
                    stages[stages.count - 1].instructions.append(Instruction(keyword: keyword, arguments: rest))
                }
            }
        }
    }
}
