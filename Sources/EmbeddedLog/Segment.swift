import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One segment of a partition: `<base offset>.log`, concatenated record batches exactly as the Kafka protocol
/// carries them, and `<base offset>.index`, a sparse offset index of 8-byte entries (big-endian `UInt32` offset
/// relative to the base, `UInt32` file position), one every `indexIntervalBytes` of batches. The index can always be
/// rebuilt from the log.
///
/// Thread safety: the mutable fields are only touched under the owning partition's lock. Readers capture a reference
/// and a size under that lock and then `pread` without it; the descriptors close when the last reference goes, so a
/// segment deleted by retention stays readable by a reader already holding it.
final class Segment: @unchecked Sendable {
    struct IndexEntry: Hashable {
        var relativeOffset: UInt32
        var position: UInt32
    }

    let baseOffset: Int64
    let logPath: String
    let indexPath: String
    let fd: Int32
    let indexFD: Int32

    /// Bytes of whole batches in the file.
    var size: Int64 = 0
    /// The offset after the last batch (the base offset while empty).
    var nextOffset: Int64
    /// The largest batch `maxTimestamp` seen (-1: none). For segments verified only at their tail on open, the largest
    /// of the tail's batches.
    var maxTimestamp: Int64 = -1
    private(set) var index: [IndexEntry] = []
    private var bytesSinceIndexEntry = 0

    static func fileName(baseOffset: Int64, extension ext: String) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + ext
    }

    /// Parses `<20 digits>.log`.
    static func baseOffset(ofLogFile name: String) -> Int64? {
        guard name.hasSuffix(".log") else { return nil }
        let digits = name.dropLast(4)
        guard digits.count == 20, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return Int64(digits)
    }

    init(directory: String, baseOffset: Int64, create: Bool) throws(EmbeddedLogError) {
        self.baseOffset = baseOffset
        self.nextOffset = baseOffset
        self.logPath = directory + "/" + Self.fileName(baseOffset: baseOffset, extension: "log")
        self.indexPath = directory + "/" + Self.fileName(baseOffset: baseOffset, extension: "index")
        let flags = O_RDWR | (create ? O_CREAT | O_EXCL : 0)
        self.fd = try FileIO.openFile(logPath, flags)
        do throws(EmbeddedLogError) {
            self.indexFD = try FileIO.openFile(indexPath, O_RDWR | O_CREAT)
        } catch {
            FileIO.closeFile(fd)
            throw error
        }
    }

    deinit {
        FileIO.closeFile(fd)
        FileIO.closeFile(indexFD)
    }

    /// The file position to start scanning from for `offset`: the last indexed batch at or before it.
    func position(for offset: Int64) -> Int64 {
        let relative = offset - baseOffset
        guard relative > 0, !index.isEmpty else { return 0 }
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if Int64(index[middle].relativeOffset) <= relative {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low == 0 ? 0 : Int64(index[low - 1].position)
    }

    /// Accounts for a batch written at `position`, adding an index entry when `interval` bytes passed since the last.
    /// Returns the entry to persist, if any.
    @discardableResult
    func noteBatch(
        baseOffset batchBase: Int64,
        nextOffset batchNext: Int64,
        maxTimestamp batchMax: Int64,
        position: Int64,
        size batchSize: Int,
        interval: Int
    ) -> IndexEntry? {
        var added: IndexEntry?
        if position > 0 && bytesSinceIndexEntry >= interval {
            let entry = IndexEntry(relativeOffset: UInt32(batchBase - baseOffset), position: UInt32(position))
            index.append(entry)
            bytesSinceIndexEntry = 0
            added = entry
        }
        bytesSinceIndexEntry += batchSize
        size = position + Int64(batchSize)
        nextOffset = batchNext
        maxTimestamp = max(maxTimestamp, batchMax)
        return added
    }

    /// Appends an index entry to the index file.
    func persist(_ entry: IndexEntry) throws(EmbeddedLogError) {
        var buffer = ByteBuffer()
        buffer.writeInteger(entry.relativeOffset)
        buffer.writeInteger(entry.position)
        try FileIO.pwriteAll(indexFD, buffer, from: 0, count: 8, at: Int64(index.count - 1) * 8, path: indexPath)
    }

    /// Forgets the index and the accounting, before a full scan rebuilds them.
    func reset() {
        index = []
        bytesSinceIndexEntry = 0
        size = 0
        nextOffset = baseOffset
        maxTimestamp = -1
    }

    /// Rewrites the index file from memory.
    func writeIndexFile() throws(EmbeddedLogError) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(index.count * 8)
        for entry in index {
            buffer.writeInteger(entry.relativeOffset)
            buffer.writeInteger(entry.position)
        }
        try FileIO.truncate(indexFD, to: 0, path: indexPath)
        try FileIO.pwriteAll(indexFD, buffer, from: 0, count: buffer.readableBytes, at: 0, path: indexPath)
    }

    /// Loads the index file if it is consistent (whole entries, strictly increasing, inside a file of `fileSize`
    /// bytes). Returns false, leaving the index empty, otherwise.
    func loadIndexFile(fileSize: Int64) throws(EmbeddedLogError) -> Bool {
        let indexSize = try FileIO.size(indexFD, path: indexPath)
        guard indexSize % 8 == 0 else { return false }
        var buffer = ByteBuffer()
        try FileIO.readAppending(indexFD, into: &buffer, count: Int(indexSize), at: 0, path: indexPath)
        guard buffer.readableBytes == Int(indexSize) else { return false }
        var entries: [IndexEntry] = []
        entries.reserveCapacity(Int(indexSize / 8))
        while let relative = buffer.readInteger(as: UInt32.self), let position = buffer.readInteger(as: UInt32.self) {
            if let last = entries.last, relative <= last.relativeOffset || position <= last.position { return false }
            guard position > 0, Int64(position) < fileSize else { return false }
            entries.append(IndexEntry(relativeOffset: relative, position: position))
        }
        index = entries
        return true
    }

    /// Sets the accounting after a tail walk that started at an index entry (or 0) and ended at `end`.
    func restore(size: Int64, nextOffset: Int64, maxTimestamp: Int64) {
        self.size = size
        self.nextOffset = nextOffset
        self.maxTimestamp = maxTimestamp
    }
}
