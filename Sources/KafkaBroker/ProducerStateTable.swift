import Synchronization
import UserStreamCore

/// Idempotent-producer state per producer id and partition, as Kafka keeps it: the epoch and the sequence ranges of
/// the last five appended batches with their offsets. A retried batch that was already appended is answered with
/// its original offset instead of being stored twice; a gap in the sequence is refused.
///
/// Kept in memory: after a restart a producer's next batch is accepted whatever its sequence (as Kafka does for a
/// producer whose state it no longer has).
final class ProducerStateTable: Sendable {
    struct Key: Hashable {
        var producerId: Int64
        var partition: TopicPartition
    }

    struct Entry {
        var firstSequence: Int32
        var lastSequence: Int32
        var baseOffset: Int64
    }

    struct State {
        var epoch: Int16
        var recent: [Entry]
    }

    enum Check: Equatable {
        case append
        case duplicate(baseOffset: Int64)
        case outOfOrder(expected: Int32)
        case fencedEpoch(current: Int16)
    }

    private let states = Mutex<[Key: State]>([:])
    private let nextProducerId: Atomic<Int64>

    init() {
        // Ids increase across restarts, so a restarted broker never hands out an id an old batch carries.
        nextProducerId = Atomic(Timestamp.nowMilliseconds() * 1000)
    }

    func allocateProducerId() -> Int64 {
        nextProducerId.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func check(_ key: Key, epoch: Int16, firstSequence: Int32, lastSequence: Int32) -> Check {
        states.withLock { states in
            guard let state = states[key] else { return .append }
            if epoch < state.epoch { return .fencedEpoch(current: state.epoch) }
            if epoch > state.epoch { return .append }
            if let entry = state.recent.first(where: {
                $0.firstSequence == firstSequence && $0.lastSequence == lastSequence
            }) {
                return .duplicate(baseOffset: entry.baseOffset)
            }
            let expected = state.recent.last.map { $0.lastSequence &+ 1 } ?? 0
            if expected < 0 || firstSequence == expected { return .append }
            return .outOfOrder(expected: expected)
        }
    }

    func record(_ key: Key, epoch: Int16, firstSequence: Int32, lastSequence: Int32, baseOffset: Int64) {
        states.withLock { states in
            var state = states[key] ?? State(epoch: epoch, recent: [])
            if epoch != state.epoch { state = State(epoch: epoch, recent: []) }
            state.recent.append(Entry(firstSequence: firstSequence, lastSequence: lastSequence, baseOffset: baseOffset))
            if state.recent.count > 5 { state.recent.removeFirst(state.recent.count - 5) }
            states[key] = state
        }
    }
}
