import EmbeddedLog
import Pipeline

extension FsyncPolicy {
    /// The policy as `--log-fsync` names it: `batch` (or `always`), `interval:<duration>` (e.g. `interval:100ms`), or
    /// `never`.
    ///
    /// - Throws: `RuntimeConfigurationError` for any other text.
    public init(parsing text: String) throws {
        switch text {
        case "batch", "always": self = .everyBatch
        case "never": self = .never
        default:
            if text.hasPrefix("interval:"), let duration = DurationText.parse(String(text.dropFirst(9))),
                duration.milliseconds > 0
            {
                self = .interval(milliseconds: duration.milliseconds)
            } else {
                throw RuntimeConfigurationError(
                    "--log-fsync must be batch, interval:<duration> or never (got '\(text)')"
                )
            }
        }
    }
}
