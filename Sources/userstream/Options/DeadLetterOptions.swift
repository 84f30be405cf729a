import ArgumentParser
import Pipeline

/// Which dead letters `dlq list` and `dlq replay` take.
struct DeadLetterOptions: ParsableArguments {
    @Option(
        name: .customLong("reason"),
        help: "Only dead letters whose reason contains this text, ignoring case. (env: USERSTREAM_REASON)"
    )
    var reasonOption: String?

    @Option(
        name: .customLong("stage"),
        help: "Only dead letters of this stage: ingest or process. (env: USERSTREAM_STAGE)"
    )
    var stageOption: String?

    var reason: String? { reasonOption ?? Env.optionalString("REASON") }
    var stage: String? { stageOption ?? Env.optionalString("STAGE") }

    func validate() throws {
        if let stage, DeadLetterStage(rawValue: stage) == nil {
            throw ValidationError("--stage must be ingest or process, not '\(stage)'")
        }
    }

    var filter: DeadLetterFilter {
        DeadLetterFilter(reason: reason, stage: stage.flatMap(DeadLetterStage.init(rawValue:)))
    }
}
