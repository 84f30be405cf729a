import KafkaCompression
import KafkaWire
import NIOCore

/// Configuration of an ``EmbeddedLog``.
public struct EmbeddedLogConfiguration: Sendable {
    /// The log directory (e.g. `<data-dir>/log`); created when missing. Layout:
    /// `<topic>-<partition>/<20-digit base offset>.log|.index`, `__consumer_offsets/<group>.json`, `writer.lock`.
    public var directory: String

    /// Partitions of topics created implicitly (by `produce` or a consumer on a missing topic). Default 3.
    public var defaultPartitions: Int = 3

    /// A segment rolls over to a new file once appending the next batch would take it past this size.
    /// Default 64 MiB; at most 1 GiB.
    public var segmentBytes: Int = 64 * 1024 * 1024

    /// Bytes of batches between two entries of the sparse offset index. Default 4096.
    public var indexIntervalBytes: Int = 4096

    /// Per-partition size limit: whole non-active segments are deleted, oldest first, while the partition stays at or
    /// above this size without them (Kafka's `retention.bytes`). `nil` (the default): unlimited.
    public var retentionBytes: Int64? = nil

    /// Age limit: a non-active segment whose newest record timestamp is older than this is deleted (Kafka's
    /// `retention.ms`). Default 7 days; `nil`: unlimited.
    public var retentionMilliseconds: Int64? = 7 * 24 * 60 * 60 * 1000

    /// When appends are fsynced. Default ``FsyncPolicy/everyBatch``.
    public var fsync: FsyncPolicy = .everyBatch

    /// The largest record batch in bytes, the 12-byte log overhead included (Kafka's `message.max.bytes`). A
    /// `produce` call is split into batches of at most this size; a record that does not fit in a batch of its own is
    /// rejected before anything is written; raw batches larger than this are refused. Default 1 MiB.
    public var maxBatchBytes: Int = 1024 * 1024

    /// The largest records section a compressed batch may decompress to: raw batches that would decompress to more
    /// are refused, and reading a stored one fails (a zip bomb is stopped at this size, never decompressed whole).
    /// Default 64 MiB; at least `maxBatchBytes`, at most 1 GiB.
    public var maxDecompressedBatchBytes: Int = KafkaCompression.defaultMaxOutputBytes

    /// The codec of the batches ``EmbeddedLog/produce(_:to:)`` writes (gzip, snappy, lz4 or zstd; a batch that would
    /// not shrink is written uncompressed, as Kafka clients do). Default `.none`.
    public var compression: KafkaRecordBatch.Compression = .none

    /// The level of ``compression`` (`nil`: the codec's default; gzip 1–9, lz4 1–12, zstd per libzstd).
    public var compressionLevel: Int? = nil

    public init(directory: String) {
        self.directory = directory
    }

    public init(
        directory: String,
        defaultPartitions: Int = 3,
        segmentBytes: Int = 64 * 1024 * 1024,
        indexIntervalBytes: Int = 4096,
        retentionBytes: Int64? = nil,
        retentionMilliseconds: Int64? = 7 * 24 * 60 * 60 * 1000,
        fsync: FsyncPolicy = .everyBatch,
        maxBatchBytes: Int = 1024 * 1024,
        maxDecompressedBatchBytes: Int = KafkaCompression.defaultMaxOutputBytes,
        compression: KafkaRecordBatch.Compression = .none,
        compressionLevel: Int? = nil
    ) {
        self.directory = directory
        self.defaultPartitions = defaultPartitions
        self.segmentBytes = segmentBytes
        self.indexIntervalBytes = indexIntervalBytes
        self.retentionBytes = retentionBytes
        self.retentionMilliseconds = retentionMilliseconds
        self.fsync = fsync
        self.maxBatchBytes = maxBatchBytes
        self.maxDecompressedBatchBytes = maxDecompressedBatchBytes
        self.compression = compression
        self.compressionLevel = compressionLevel
    }

    func validate() throws(EmbeddedLogError) {
        func check(_ condition: Bool, _ message: String) throws(EmbeddedLogError) {
            guard condition else { throw EmbeddedLogError(.invalidConfiguration, message) }
        }
        try check(!directory.isEmpty, "directory is empty")
        try check((1...100_000).contains(defaultPartitions), "defaultPartitions must be in 1...100000")
        try check((1024...(1 << 30)).contains(segmentBytes), "segmentBytes must be in 1 KiB...1 GiB")
        try check(indexIntervalBytes > 0, "indexIntervalBytes must be positive")
        try check(retentionBytes.map { $0 >= 0 } ?? true, "retentionBytes must not be negative")
        try check(retentionMilliseconds.map { $0 >= 0 } ?? true, "retentionMilliseconds must not be negative")
        try check(
            (128...(64 << 20)).contains(maxBatchBytes),
            "maxBatchBytes must be in 128 bytes...64 MiB"
        )
        try check(
            (maxBatchBytes...(1 << 30)).contains(maxDecompressedBatchBytes),
            "maxDecompressedBatchBytes must be in maxBatchBytes...1 GiB"
        )
        try check(KafkaCompression.supports(compression), "compression \(compression) is not supported")
        do {
            _ = try KafkaCompression.compress(ByteBuffer(), codec: compression, level: compressionLevel)
        } catch {
            throw EmbeddedLogError(.invalidConfiguration, "compressionLevel: \(error.message)")
        }
    }
}
