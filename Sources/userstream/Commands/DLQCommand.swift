import ArgumentParser
import Foundation
import Pipeline
import UserStreamCore

struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List the dead letters of users_created.dlq and replay them to users_created.",
        discussion: """
            Works on the embedded log of --data-dir, or with --kafka on a Kafka cluster (such as `userstream \
            broker`, or the broker `run` serves while it holds the data directory).
            """,
        subcommands: [List.self, Replay.self]
    )

    /// The columns `dlq list` and `dlq replay --dry-run` print; the value only in json and csv.
    static func table(_ letters: [DeadLetterEntry], values: Bool) -> QueryResult {
        var columns = [
            "partition", "offset", "time", "key", "stage", "reason", "origin", "run_id", "replay", "replayed_from",
        ]
        if values { columns.append("value") }
        let rows: [[String?]] = letters.map { letter in
            var row: [String?] = [
                String(letter.partition), String(letter.offset), Timestamp.iso8601(milliseconds: letter.timestamp),
                letter.key, letter.stage, letter.reason, letter.origin, letter.runID, letter.state.rawValue,
                letter.replayedFrom,
            ]
            if values { row.append(letter.record.value.map { String(decoding: $0, as: UTF8.self) }) }
            return row
        }
        return QueryResult(columns: columns, rows: rows)
    }
}
