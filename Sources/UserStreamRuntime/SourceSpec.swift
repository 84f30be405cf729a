/// A source named as `--source` names it: `randomuser`, `synthetic`, or `replay:PATH`.
public enum SourceSpec: Equatable, Sendable {
    case randomuser
    case synthetic
    case replay(path: String)

    /// - Throws: `RuntimeConfigurationError` for any other text.
    public init(parsing text: String) throws {
        switch text {
        case "randomuser": self = .randomuser
        case "synthetic": self = .synthetic
        default:
            if text.hasPrefix("replay:"), text.count > "replay:".count {
                self = .replay(path: String(text.dropFirst("replay:".count)))
            } else {
                throw RuntimeConfigurationError("--source must be randomuser, synthetic or replay:PATH (got '\(text)')")
            }
        }
    }
}
