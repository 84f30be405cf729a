import Foundation
import UserStreamCore

/// The stage that dead-lettered a record (`dlq_stage`).
public enum DeadLetterStage: String, Sendable, CaseIterable {
    /// The ingestor could not decode or flatten the user.
    case ingest
    /// The processor could not decode or validate the record.
    case process
}

/// Which dead letters `dlq list` and `dlq replay` take.
public struct DeadLetterFilter: Sendable, Hashable {
    /// Text the `dlq_reason` header must contain, ignoring case; `nil` takes every reason.
    public var reason: String?
    /// The stage that must have dead-lettered the record; `nil` takes both.
    public var stage: DeadLetterStage?

    public init(reason: String? = nil, stage: DeadLetterStage? = nil) {
        self.reason = reason
        self.stage = stage
    }

    public func matches(_ letter: DeadLetterEntry) -> Bool {
        if let stage, letter.stage != stage.rawValue { return false }
        if let reason, !reason.isEmpty, letter.reason.range(of: reason, options: .caseInsensitive) == nil {
            return false
        }
        return true
    }
}
