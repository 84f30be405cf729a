import KafkaWire
import NIOCore

/// Walks the record batches of a segment file from a position up to a limit, reading in chunks.
struct SegmentScanner {
    enum Step {
        /// A whole batch at `position`, parsed and as raw bytes.
        case batch(position: Int64, KafkaRecordBatch, ByteBuffer)
        /// The limit was reached exactly.
        case end
        /// The bytes at `position` are not a whole valid batch: torn (ends early) or corrupt.
        case invalid(position: Int64, reason: String)
    }

    private let fd: Int32
    private let path: String
    private let limit: Int64
    private let chunkSize: Int
    private let verifyingCRC: Bool
    private var window = ByteBuffer()
    /// The file position of the window's writer index.
    private var filePosition: Int64

    init(segment: Segment, from position: Int64, limit: Int64, verifyingCRC: Bool, chunkSize: Int = 1 << 20) {
        self.fd = segment.fd
        self.path = segment.logPath
        self.filePosition = position
        self.limit = limit
        self.verifyingCRC = verifyingCRC
        self.chunkSize = chunkSize
    }

    /// The file position of the next batch.
    var position: Int64 { filePosition - Int64(window.readableBytes) }

    mutating func next() throws(EmbeddedLogError) -> Step {
        let position = self.position
        if position >= limit { return .end }
        guard try ensure(KafkaRecordBatch.Layout.logOverhead) else {
            return .invalid(position: position, reason: "\(limit - position) bytes, less than a batch header")
        }
        let size: Int
        do throws(KafkaWireError) {
            guard let peeked = try window.peekKafkaRecordBatchSize(maximumBatchSize: Int(Int32.max)) else {
                return .invalid(position: position, reason: "incomplete batch header")
            }
            size = peeked
        } catch {
            return .invalid(position: position, reason: error.message)
        }
        guard try ensure(size) else {
            return .invalid(position: position, reason: "batch of \(size) bytes but \(limit - position) left")
        }
        let bytes = window.getSlice(at: window.readerIndex, length: size)!
        do throws(KafkaWireError) {
            guard
                let batch = try window.readKafkaRecordBatch(
                    maximumBatchSize: Int(Int32.max),
                    verifyingCRC: verifyingCRC
                )
            else {
                return .invalid(position: position, reason: "incomplete batch")
            }
            return .batch(position: position, batch, bytes)
        } catch {
            return .invalid(position: position, reason: "\(error.code): \(error.message)")
        }
    }

    /// Makes `count` bytes readable, reading from the file; false when the limit comes first.
    private mutating func ensure(_ count: Int) throws(EmbeddedLogError) -> Bool {
        if window.readableBytes >= count { return true }
        let missing = count - window.readableBytes
        let available = limit - filePosition
        guard available >= Int64(missing) else { return false }
        let toRead = Int(min(available, Int64(max(missing, chunkSize))))
        // A fresh window: slices handed out from the old one (batches, records) keep it alive unchanged.
        var fresh = ByteBuffer()
        fresh.reserveCapacity(window.readableBytes + toRead)
        fresh.writeImmutableBuffer(window)
        let read = try FileIO.readAppending(fd, into: &fresh, count: toRead, at: filePosition, path: path)
        filePosition += Int64(read)
        window = fresh
        return window.readableBytes >= count
    }
}
