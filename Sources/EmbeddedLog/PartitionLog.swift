import KafkaCompression
import KafkaWire
import Logging
import NIOCore
import Synchronization
import UserStreamCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A batch inside an append buffer.
struct PendingBatch {
    /// Where the batch starts in the buffer.
    var index: Int
    var size: Int
    var lastOffsetDelta: Int32
    var maxTimestamp: Int64
}

/// What an append wrote, and whether it still needs an fsync before its records may be shown.
struct AppendOutcome: Sendable {
    var baseOffset: Int64
    var nextOffset: Int64
    var logStartOffset: Int64
    var needsSync: Bool
}

/// One partition: its segments, offsets and the lock guarding them.
///
/// Writes (`pwrite` into the page cache) happen under the lock, so offsets and file positions are assigned in
/// order; fsyncs happen outside it, on this partition's serial I/O queue. Records become visible to readers (the
/// high watermark moves) only once they are as durable as the ``FsyncPolicy`` promises.
final class PartitionLog: Sendable {
    let topicPartition: TopicPartition
    let directory: String
    private let configuration: EmbeddedLogConfiguration
    private let logger: Logger
    private let syncQueue: BlockingQueue
    private let state: Mutex<State>

    private struct State {
        /// Ordered by base offset; the last one is active.
        var segments: [Segment]
        /// The offset the next batch gets.
        var nextOffset: Int64
        /// The offset up to which records are visible.
        var highWatermark: Int64
        /// The offset up to which records are known to be fsynced.
        var durableOffset: Int64
        var logStartOffset: Int64
        var lastSync: ContinuousClock.Instant
        /// Set when an fsync failed: the page cache may have dropped data, so writes stop until a reopen recovers.
        var failure: String?
        var closed = false

        var active: Segment { segments[segments.count - 1] }
    }

    private init(
        topicPartition: TopicPartition,
        directory: String,
        configuration: EmbeddedLogConfiguration,
        logger: Logger,
        segments: [Segment]
    ) {
        self.topicPartition = topicPartition
        self.directory = directory
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "kafka.topic"] = "\(topicPartition.topic)"
        logger[metadataKey: "kafka.partition"] = "\(topicPartition.partition)"
        self.logger = logger
        self.syncQueue = BlockingQueue(label: "userstream.log.fsync.\(topicPartition)")
        let end = segments[segments.count - 1].nextOffset
        self.state = Mutex(
            State(
                segments: segments,
                nextOffset: end,
                highWatermark: end,
                durableOffset: end,
                logStartOffset: segments[0].baseOffset,
                lastSync: .now
            )
        )
    }

    // MARK: - Open and recovery

    /// Opens (or, with `create`, creates) the partition directory and recovers it:
    ///
    /// - the last (active) segment is read in full: every batch's framing and CRC-32C is checked, and the file is
    ///   truncated at the first torn or corrupt batch (a warning says how many bytes were dropped); its index is
    ///   rebuilt;
    /// - older segments were fsynced when they rolled, so they are trusted but verified cheaply: the index file must
    ///   be consistent, and the batches from its last entry to the end of the file must frame exactly to the end and
    ///   pass their CRC. A segment failing that gets the full check and truncation too.
    static func open(
        _ topicPartition: TopicPartition,
        in logDirectory: String,
        configuration: EmbeddedLogConfiguration,
        logger: Logger,
        create: Bool
    ) throws(EmbeddedLogError) -> PartitionLog {
        let directory = logDirectory + "/" + topicPartition.description
        if create {
            try FileIO.makeDirectories(directory)
        }
        let bases = try FileIO.list(directory).compactMap(Segment.baseOffset(ofLogFile:)).sorted()
        var segments: [Segment] = []
        if bases.isEmpty {
            segments.append(try Segment(directory: directory, baseOffset: 0, create: true))
            try FileIO.syncDirectory(directory)
            try FileIO.syncDirectory(logDirectory)
        } else {
            var partitionLogger = logger
            partitionLogger[metadataKey: "kafka.partition"] = "\(topicPartition)"
            for (position, base) in bases.enumerated() {
                let segment = try Segment(directory: directory, baseOffset: base, create: false)
                if position == bases.count - 1 {
                    try recover(segment, interval: configuration.indexIntervalBytes, logger: partitionLogger)
                } else if try !verifyTail(of: segment) {
                    partitionLogger.warning(
                        "log.segment_tail_invalid",
                        metadata: ["log.segment": "\(segment.logPath)"]
                    )
                    try recover(segment, interval: configuration.indexIntervalBytes, logger: partitionLogger)
                }
                segments.append(segment)
            }
        }
        let partition = PartitionLog(
            topicPartition: topicPartition,
            directory: directory,
            configuration: configuration,
            logger: logger,
            segments: segments
        )
        try partition.enforceRetention(now: Timestamp.nowMilliseconds())
        return partition
    }

    /// Full check of a segment: framing and CRC of every batch, offsets increasing; truncates at the first bad
    /// batch and rebuilds the index.
    private static func recover(_ segment: Segment, interval: Int, logger: Logger) throws(EmbeddedLogError) {
        let fileSize = try FileIO.size(segment.fd, path: segment.logPath)
        segment.reset()
        var scanner = SegmentScanner(segment: segment, from: 0, limit: fileSize, verifyingCRC: true)
        var invalid: (position: Int64, reason: String)?
        scan: while true {
            switch try scanner.next() {
            case .end:
                break scan
            case .invalid(let position, let reason):
                invalid = (position, reason)
                break scan
            case .batch(let position, let batch, _):
                guard batch.baseOffset >= segment.nextOffset, batch.lastOffsetDelta >= 0 else {
                    invalid = (
                        position,
                        "batch offsets \(batch.baseOffset)...\(batch.lastOffset) do not follow \(segment.nextOffset)"
                    )
                    break scan
                }
                segment.noteBatch(
                    baseOffset: batch.baseOffset,
                    nextOffset: batch.nextOffset,
                    maxTimestamp: batch.maxTimestamp,
                    position: position,
                    size: batch.totalSize,
                    interval: interval
                )
            }
        }
        if let invalid {
            logger.warning(
                "log.truncated",
                metadata: [
                    "log.segment": "\(segment.logPath)",
                    "log.position": "\(invalid.position)",
                    "log.bytes_dropped": "\(fileSize - invalid.position)",
                    "log.reason": "\(invalid.reason)",
                ]
            )
            try FileIO.truncate(segment.fd, to: invalid.position, path: segment.logPath)
            try FileIO.sync(segment.fd, path: segment.logPath)
        }
        try segment.writeIndexFile()
    }

    /// The cheap check of an older segment (see ``open(_:in:configuration:logger:create:)``).
    private static func verifyTail(of segment: Segment) throws(EmbeddedLogError) -> Bool {
        let fileSize = try FileIO.size(segment.fd, path: segment.logPath)
        guard fileSize > 0 else { return true }
        guard try segment.loadIndexFile(fileSize: fileSize) else { return false }
        let start = segment.index.last.map { Int64($0.position) } ?? 0
        var scanner = SegmentScanner(segment: segment, from: start, limit: fileSize, verifyingCRC: true)
        var nextOffset = segment.baseOffset + Int64(segment.index.last?.relativeOffset ?? 0)
        var maxTimestamp: Int64 = -1
        while true {
            switch try scanner.next() {
            case .end:
                segment.restore(size: fileSize, nextOffset: nextOffset, maxTimestamp: maxTimestamp)
                return true
            case .invalid:
                return false
            case .batch(_, let batch, _):
                guard batch.baseOffset >= nextOffset, batch.lastOffsetDelta >= 0 else { return false }
                nextOffset = batch.nextOffset
                maxTimestamp = max(maxTimestamp, batch.maxTimestamp)
            }
        }
    }

    // MARK: - Offsets

    var offsetRange: ClosedOffsetRange {
        get throws(EmbeddedLogError) {
            try state.withLock { state throws(EmbeddedLogError) in
                try check(state)
                return ClosedOffsetRange(earliest: state.logStartOffset, end: state.highWatermark)
            }
        }
    }

    /// The offset past the visible records, without checks (for wake-up decisions).
    var highWatermark: Int64 { state.withLock { $0.highWatermark } }

    private func check(_ state: State) throws(EmbeddedLogError) {
        if state.closed {
            throw EmbeddedLogError(.closed, "the log is closed", topicPartition: topicPartition.description)
        }
    }

    // MARK: - Append

    /// Writes the batches of `buffer` (assigning their base offsets) and decides whether the caller must fsync.
    func append(_ buffer: inout ByteBuffer, batches: [PendingBatch]) throws(EmbeddedLogError) -> AppendOutcome {
        let now = ContinuousClock.now
        return try state.withLock { state throws(EmbeddedLogError) -> AppendOutcome in
            try check(state)
            if let failure = state.failure {
                throw EmbeddedLogError(
                    .closed,
                    "writes stopped after an fsync failure (\(failure)); reopen the log to recover",
                    topicPartition: topicPartition.description
                )
            }
            let baseOffset = state.nextOffset
            for batch in batches {
                if state.active.size > 0 && state.active.size + Int64(batch.size) > Int64(configuration.segmentBytes) {
                    try roll(&state)
                }
                let segment = state.active
                let position = segment.size
                buffer.setKafkaRecordBatchBaseOffset(state.nextOffset, at: batch.index)
                do throws(EmbeddedLogError) {
                    try FileIO.pwriteAll(
                        segment.fd,
                        buffer,
                        from: batch.index - buffer.readerIndex,
                        count: batch.size,
                        at: position,
                        path: segment.logPath
                    )
                } catch {
                    // Leave no partial batch behind (recovery would drop it anyway).
                    try? FileIO.truncate(segment.fd, to: position, path: segment.logPath)
                    throw error
                }
                let next = state.nextOffset + Int64(batch.lastOffsetDelta) + 1
                if let entry = segment.noteBatch(
                    baseOffset: state.nextOffset,
                    nextOffset: next,
                    maxTimestamp: batch.maxTimestamp,
                    position: position,
                    size: batch.size,
                    interval: configuration.indexIntervalBytes
                ) {
                    try segment.persist(entry)
                }
                state.nextOffset = next
            }
            let needsSync: Bool
            switch configuration.fsync.base {
            case .everyBatch:
                needsSync = true
            case .interval(let milliseconds):
                needsSync = now - state.lastSync >= .milliseconds(milliseconds)
                if needsSync {
                    state.lastSync = now
                }
            case .never:
                needsSync = false
            }
            if !needsSync {
                state.highWatermark = state.nextOffset
            }
            return AppendOutcome(
                baseOffset: baseOffset,
                nextOffset: state.nextOffset,
                logStartOffset: state.logStartOffset,
                needsSync: needsSync
            )
        }
    }

    /// Fsyncs the active segment on this partition's I/O queue unless an fsync that started after `offset` was
    /// written already covered it (group commit), then makes everything it covered visible.
    func sync(covering offset: Int64) async throws(EmbeddedLogError) {
        // The queue's thread does not see the task's profile: take it along.
        let profile = StageProfile.current
        try await syncQueue.run { () throws(EmbeddedLogError) in
            let target: (Segment, Int64)? = self.state.withLock { state in
                guard !state.closed, state.durableOffset < offset else { return nil }
                return (state.active, state.nextOffset)
            }
            guard let target else { return }
            let (segment, end) = target
            do throws(EmbeddedLogError) {
                let started = ContinuousClock.now
                try FileIO.sync(segment.fd, path: segment.logPath)
                profile?.add(.fsync, ContinuousClock.now - started)
            } catch {
                self.state.withLock { $0.failure = error.message }
                self.logger.error("log.fsync_failed", metadata: ["log.error": "\(error)"])
                throw error
            }
            self.state.withLock { state in
                state.durableOffset = max(state.durableOffset, end)
                state.highWatermark = max(state.highWatermark, end)
                state.lastSync = .now
            }
        }
    }

    /// Fsyncs whatever was written and not yet synced, and makes it visible.
    func flush() async throws(EmbeddedLogError) {
        let end = state.withLock { $0.nextOffset }
        try await sync(covering: end)
        state.withLock { $0.highWatermark = max($0.highWatermark, end) }
    }

    /// Rolls to a new segment: the old one (log and index) is fsynced first, so older segments are always durable.
    /// Runs under the lock; it happens once per `segmentBytes`.
    private func roll(_ state: inout State) throws(EmbeddedLogError) {
        let old = state.active
        try FileIO.sync(old.fd, path: old.logPath)
        try FileIO.sync(old.indexFD, path: old.indexPath)
        state.durableOffset = state.nextOffset
        state.highWatermark = state.nextOffset
        let segment = try Segment(directory: directory, baseOffset: state.nextOffset, create: true)
        try FileIO.syncDirectory(directory)
        state.segments.append(segment)
        logger.debug("log.segment_rolled", metadata: ["log.base_offset": "\(segment.baseOffset)"])
        try enforceRetention(&state, now: Timestamp.nowMilliseconds())
    }

    // MARK: - Retention

    /// Deletes whole non-active segments, oldest first, that are older than the retention time or not needed to keep
    /// `retentionBytes`; moves the log start offset to the first remaining segment.
    func enforceRetention(now: Int64) throws(EmbeddedLogError) {
        try state.withLock { state throws(EmbeddedLogError) in
            guard !state.closed else { return }
            try enforceRetention(&state, now: now)
        }
    }

    private func enforceRetention(_ state: inout State, now: Int64) throws(EmbeddedLogError) {
        var deleted: [Segment] = []
        if let retention = configuration.retentionMilliseconds {
            while state.segments.count > 1, state.segments[0].maxTimestamp < now - retention {
                deleted.append(state.segments.removeFirst())
            }
        }
        if let retention = configuration.retentionBytes {
            var total = state.segments.reduce(Int64(0)) { $0 + $1.size }
            while state.segments.count > 1, total - state.segments[0].size >= retention {
                total -= state.segments[0].size
                deleted.append(state.segments.removeFirst())
            }
        }
        guard !deleted.isEmpty else { return }
        state.logStartOffset = max(state.logStartOffset, state.segments[0].baseOffset)
        for segment in deleted {
            try FileIO.remove(segment.logPath)
            try FileIO.remove(segment.indexPath)
        }
        logger.info(
            "log.retention_deleted",
            metadata: [
                "log.segments": "\(deleted.count)",
                "log.start_offset": "\(state.logStartOffset)",
            ]
        )
    }

    // MARK: - Reading

    private struct ReadPlan {
        var start: Int64
        var end: Int64
        var parts: [(segment: Segment, position: Int64, limit: Int64)]
    }

    /// Under the lock: where to read from. Offsets below the log start read from the log start.
    private func plan(from offset: Int64) throws(EmbeddedLogError) -> ReadPlan {
        try state.withLock { state throws(EmbeddedLogError) -> ReadPlan in
            try check(state)
            let start = max(offset, state.logStartOffset)
            guard start < state.highWatermark else {
                return ReadPlan(start: start, end: state.highWatermark, parts: [])
            }
            var low = 0
            var high = state.segments.count
            while low < high {
                let middle = (low + high) / 2
                if state.segments[middle].baseOffset <= start { low = middle + 1 } else { high = middle }
            }
            let first = max(0, low - 1)
            var parts: [(segment: Segment, position: Int64, limit: Int64)] = []
            for index in first..<state.segments.count {
                let segment = state.segments[index]
                parts.append((segment, index == first ? segment.position(for: start) : 0, segment.size))
            }
            return ReadPlan(start: start, end: state.highWatermark, parts: parts)
        }
    }

    /// Reads visible records from `offset` (or the log start, if later), whole batches at a time, until at least
    /// `maxRecords` (the last batch is not cut). Returns them and the offset after the last batch read (past skipped
    /// control batches too).
    func read(from offset: Int64, maxRecords: Int) throws(EmbeddedLogError) -> (records: [ConsumedRecord], next: Int64)
    {
        let plan = try plan(from: offset)
        var records: [ConsumedRecord] = []
        var next = plan.start
        guard !plan.parts.isEmpty, maxRecords > 0 else { return (records, next) }
        records.reserveCapacity(min(maxRecords, 16_384))
        let topic = topicPartition.topic
        let partition = topicPartition.partition
        parts: for part in plan.parts {
            var scanner = SegmentScanner(
                segment: part.segment,
                from: part.position,
                limit: part.limit,
                verifyingCRC: true
            )
            while true {
                let step = try scanner.next()
                guard case .batch(_, let batch, _) = step else {
                    if case .invalid(let position, let reason) = step {
                        throw EmbeddedLogError(
                            .corruptState,
                            "unreadable batch at \(part.segment.logPath):\(position): \(reason)",
                            topicPartition: topicPartition.description
                        )
                    }
                    continue parts
                }
                if batch.baseOffset >= plan.end { break parts }
                if batch.nextOffset <= plan.start { continue }
                if batch.attributes.isControlBatch {
                    next = max(next, batch.nextOffset)
                    continue
                }
                let decoded: [KafkaRecord]
                do throws(KafkaCompressionError) {
                    decoded = try batch.decompressedRecords(maxOutputBytes: configuration.maxDecompressedBatchBytes)
                } catch {
                    throw EmbeddedLogError(
                        compressing: error,
                        otherwise: .corruptState,
                        "cannot decode a stored batch: \(error.message)",
                        topicPartition: topicPartition.description
                    )
                }
                for record in decoded {
                    let recordOffset = batch.offset(of: record)
                    guard recordOffset >= plan.start else { continue }
                    records.append(
                        ConsumedRecord(
                            topic: topic,
                            partition: partition,
                            offset: recordOffset,
                            timestamp: batch.timestamp(of: record),
                            key: record.key.map { Array($0.readableBytesView) },
                            value: record.value.map { Array($0.readableBytesView) },
                            headers: record.headers.map {
                                LogHeader(key: $0.key, value: $0.value.map { Array($0.readableBytesView) })
                            }
                        )
                    )
                }
                next = max(next, batch.nextOffset)
                if records.count >= maxRecords { break parts }
            }
        }
        return (records, min(next, plan.end))
    }

    /// Whole stored batches from the one containing `offset`, up to `maxBytes` (at least one batch when any is
    /// available), within one segment and below the high watermark.
    func readRaw(from offset: Int64, maxBytes: Int) throws(EmbeddedLogError) -> ByteBuffer {
        let range = try offsetRange
        guard offset >= range.earliest, offset <= range.end else {
            throw EmbeddedLogError(
                .offsetOutOfRange,
                "offset \(offset) is outside \(range.earliest)...\(range.end)",
                topicPartition: topicPartition.description
            )
        }
        let plan = try plan(from: offset)
        var output = ByteBuffer()
        for part in plan.parts {
            var scanner = SegmentScanner(
                segment: part.segment,
                from: part.position,
                limit: part.limit,
                verifyingCRC: false,
                chunkSize: max(64 * 1024, min(maxBytes, 1 << 20))
            )
            while case .batch(_, let batch, let bytes) = try scanner.next() {
                if batch.baseOffset >= plan.end { return output }
                if batch.nextOffset <= plan.start { continue }
                if output.readableBytes > 0 && output.readableBytes + batch.totalSize > maxBytes { return output }
                output.writeImmutableBuffer(bytes)
            }
            if output.readableBytes > 0 { return output }
        }
        return output
    }

    // MARK: - Close

    /// Fsyncs and drops the segments (descriptors close when in-flight readers finish).
    func close() throws(EmbeddedLogError) {
        let segments: [Segment] = state.withLock { state in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.segments = [] }
            return state.segments
        }
        if let active = segments.last {
            try FileIO.sync(active.fd, path: active.logPath)
            try FileIO.sync(active.indexFD, path: active.indexPath)
        }
    }
}
