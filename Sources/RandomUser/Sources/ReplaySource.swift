import Foundation
import Synchronization
import UserStreamCore

/// A `UserSource` (name `replay`) reading saved randomuser data from a file: an API response
/// (`{"results": […]}`), a JSON array of users, a single user object, or JSON Lines where each line is any of
/// these. Returns batches of up to `maxUsers`, then `nil`.
///
/// A malformed line, or a user object that does not decode, becomes `SourcedUser.rejected` with the reason (and
/// for JSON Lines the line number) — never silently dropped. A file that cannot be read throws
/// `UserSourceError(.unreadable)`.
public final class ReplaySource: UserSource {
    public let name = "replay"
    public let path: String

    private struct State {
        var loaded = false
        var pending: [SourcedUser] = []
        var cursor = 0
        /// For JSON Lines: the bytes, the next line's start and number.
        var lines: [UInt8] = []
        var lineStart = 0
        var lineNumber = 0
        var linesDone = true
    }

    private let state = Mutex(State())
    private let nowMilliseconds: Int64

    /// - Parameter path: the file to replay; read on the first `nextBatch`, which throws
    ///   `UserSourceError(.unreadable)` if it cannot be read.
    public init(path: String, nowMilliseconds: Int64 = Timestamp.nowMilliseconds()) {
        self.path = path
        self.nowMilliseconds = nowMilliseconds
    }

    public func nextBatch(maxUsers: Int) async throws -> SourceBatch? {
        let limit = max(1, maxUsers)
        let needsLoad = state.withLock { !$0.loaded }
        if needsLoad {
            let bytes: [UInt8]
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                bytes = [UInt8](data)
            } catch {
                throw UserSourceError(
                    code: .unreadable,
                    message: "cannot read replay file \(path): \(error.localizedDescription)"
                )
            }
            let initial = Self.load(bytes, nowMilliseconds: nowMilliseconds)
            state.withLock { state in
                guard !state.loaded else { return }
                state = initial
            }
        }
        return state.withLock { state -> SourceBatch? in
            var batch: [SourcedUser] = []
            while batch.count < limit {
                if state.cursor < state.pending.count {
                    let take = min(limit - batch.count, state.pending.count - state.cursor)
                    batch.append(contentsOf: state.pending[state.cursor..<(state.cursor + take)])
                    state.cursor += take
                    continue
                }
                state.pending.removeAll(keepingCapacity: true)
                state.cursor = 0
                guard !state.linesDone else { break }
                Self.readNextLine(&state, nowMilliseconds: nowMilliseconds)
            }
            return batch.isEmpty ? nil : SourceBatch(users: batch)
        }
    }

    /// A whole-document file is decoded at once; otherwise it is read as JSON Lines, one line at a time.
    private static func load(_ bytes: [UInt8], nowMilliseconds: Int64) -> State {
        var state = State()
        state.loaded = true
        if let document = try? JSONValue(parsing: bytes, maxBytes: Int.max) {
            state.pending = users(from: document, location: nil, raw: bytes, nowMilliseconds: nowMilliseconds)
            state.linesDone = true
        } else {
            state.lines = bytes
            state.linesDone = bytes.isEmpty
        }
        return state
    }

    private static func readNextLine(_ state: inout State, nowMilliseconds: Int64) {
        let bytes = state.lines
        while state.lineStart < bytes.count {
            var end = state.lineStart
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let start = state.lineStart
            state.lineStart = end + 1
            state.lineNumber += 1
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = bytes[start..<lineEnd]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                let document = try JSONValue(parsing: line, maxBytes: Int.max)
                state.pending = users(
                    from: document,
                    location: "line \(state.lineNumber)",
                    raw: Array(line),
                    nowMilliseconds: nowMilliseconds
                )
            } catch {
                state.pending = [
                    .rejected(raw: Array(line), reason: "line \(state.lineNumber): malformed JSON: \(error.message)")
                ]
            }
            if state.lineStart >= bytes.count { state.linesDone = true }
            return
        }
        state.linesDone = true
    }

    private static func users(
        from document: JSONValue,
        location: String?,
        raw: [UInt8],
        nowMilliseconds: Int64
    ) -> [SourcedUser] {
        let prefix = location.map { "\($0): " } ?? ""
        do {
            let response = try RandomUserResponse.decode(
                document,
                acceptingBareUsers: true,
                nowMilliseconds: nowMilliseconds
            )
            guard !prefix.isEmpty else { return response.users }
            return response.users.map { user in
                if case .rejected(let raw, let reason) = user { return .rejected(raw: raw, reason: prefix + reason) }
                return user
            }
        } catch {
            return [.rejected(raw: raw, reason: prefix + "\(error.kind): \(error.message)")]
        }
    }
}
