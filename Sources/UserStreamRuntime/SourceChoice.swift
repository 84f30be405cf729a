import Logging
import RandomUser
import UserStreamCore

/// Where the pipeline's users come from.
public enum SourceChoice: Sendable {
    /// randomuser.me (or a compatible API) over HTTP.
    case randomuser(RandomUserAPIConfiguration)
    /// The synthetic generator. A `seed` that is a decimal `UInt64` seeds it as that number, any other text as text;
    /// `nil` picks a random seed. `nationalities` (upper case) restricts the generated users.
    case synthetic(seed: String?, nationalities: [String]?)
    /// The users of a replay file, in order.
    case replay(path: String)

    /// The source named by `spec`, with randomuser's `apiURL`, and `nat` (comma-separated) and `seed` for randomuser
    /// and the synthetic generator.
    public init(_ spec: SourceSpec, apiURL: String, nat: String?, seed: String?) {
        switch spec {
        case .randomuser:
            var configuration = RandomUserAPIConfiguration()
            configuration.apiURL = apiURL
            configuration.nat = nat
            configuration.seed = seed
            self = .randomuser(configuration)
        case .synthetic:
            self = .synthetic(seed: seed, nationalities: nat.map { $0.split(separator: ",").map { $0.uppercased() } })
        case .replay(let path):
            self = .replay(path: path)
        }
    }

    /// Opens the source.
    func makeSource(logger: Logger) -> any UserSource {
        switch self {
        case .randomuser(let configuration):
            return RandomUserAPISource(configuration: configuration, logger: logger)
        case .synthetic(let seed, let nats):
            let generator: SyntheticUserGenerator
            switch seed {
            case .none: generator = SyntheticUserGenerator(seed: UInt64.random(in: 0...UInt64.max), nats: nats)
            case .some(let text):
                generator =
                    UInt64(text).map { SyntheticUserGenerator(seed: $0, nats: nats) }
                    ?? SyntheticUserGenerator(seed: text, nats: nats)
            }
            return SyntheticSource(generator: generator)
        case .replay(let path):
            return ReplaySource(path: path)
        }
    }
}
