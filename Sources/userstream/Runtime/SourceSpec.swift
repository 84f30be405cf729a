import ArgumentParser

/// `--source`: `randomuser`, `synthetic`, or `replay:PATH`.
enum SourceSpec: Equatable {
    case randomuser
    case synthetic
    case replay(path: String)

    init(parsing text: String) throws {
        switch text {
        case "randomuser": self = .randomuser
        case "synthetic": self = .synthetic
        default:
            if text.hasPrefix("replay:"), text.count > "replay:".count {
                self = .replay(path: String(text.dropFirst("replay:".count)))
            } else {
                throw ValidationError("--source must be randomuser, synthetic or replay:PATH (got '\(text)')")
            }
        }
    }
}
