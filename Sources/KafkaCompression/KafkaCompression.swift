import KafkaWire
import NIOCore

/// Compression codecs of Kafka record batches (attributes bits 0–2, docs/protocols/kafka-record-format.md §1), over the
/// system zlib, snappy, lz4 and zstd libraries.
///
/// What each codec reads and writes:
///
/// - gzip: an RFC 1952 gzip stream (several concatenated members are read as one). Written at `level` 1–9
///   (default 6), as Java's `GZIPOutputStream` would.
/// - snappy: both the xerial framing the Java client writes (`\x82SNAPPY\x00`, version, compatible version, then
///   blocks of int32 big-endian length + raw snappy) and a plain raw snappy block (as librdkafka may write); the
///   xerial magic decides. Written xerial-framed, in 32 KiB blocks, like snappy-java. No levels.
/// - lz4: the LZ4 frame format (any block size, linked or independent blocks, block and content checksums verified
///   when present, several frames read as one). Written as the Java client does: 64 KiB independent blocks, no
///   checksums beyond the header's. The broken header checksum of Kafka's old KafkaLZ4 only exists in magic v0/v1
///   message sets, never in v2 batches. Levels 1–12 (default: lz4's fast mode).
/// - zstd: zstd frames, with or without a content size (decoded streaming; skippable frames are skipped, several
///   frames read as one; windows up to zstd's default limit of 128 MiB). Levels per zstd (default 3).
///
/// Decompression is bounded: it stops with ``KafkaCompressionError/Code-swift.struct/tooLarge`` as soon as the
/// output would exceed `maxOutputBytes`; the output buffer never grows past the power of two at or above
/// `maxOutputBytes` (raw snappy checks its declared length before allocating). Malformed or truncated input
/// throws ``KafkaCompressionError/Code-swift.struct/corrupt`` or ``KafkaCompressionError/Code-swift.struct/truncated``.
public struct KafkaCompression: Sendable {
    private init() {}

    /// The default bound on a decompressed records section: 64 MiB.
    public static let defaultMaxOutputBytes = 64 << 20

    /// Whether `codec` is one this module reads and writes (none, gzip, snappy, lz4, zstd).
    public static func supports(_ codec: KafkaRecordBatch.Compression) -> Bool {
        (0...4).contains(codec.rawValue)
    }

    /// Decompresses `data` (its readable bytes), a records section compressed with `codec`; `.none` returns `data`
    /// itself (after the size check).
    ///
    /// - Throws: ``KafkaCompressionError`` `.tooLarge` when the output would exceed `maxOutputBytes`, `.corrupt`,
    ///   `.truncated`, `.unsupportedCodec`, `.libraryFailure`.
    public static func decompress(
        _ data: ByteBuffer,
        codec: KafkaRecordBatch.Compression,
        maxOutputBytes: Int = defaultMaxOutputBytes
    ) throws(KafkaCompressionError) -> ByteBuffer {
        let limit = max(0, maxOutputBytes)
        switch codec {
        case .none:
            guard data.readableBytes <= limit else {
                throw KafkaCompressionError(
                    .tooLarge,
                    codec: codec,
                    "\(data.readableBytes) bytes exceed the limit of \(limit)"
                )
            }
            return data
        case .gzip: return try Gzip.decompress(data, limit: limit)
        case .snappy: return try Snappy.decompress(data, limit: limit)
        case .lz4: return try LZ4.decompress(data, limit: limit)
        case .zstd: return try Zstd.decompress(data, limit: limit)
        default:
            throw KafkaCompressionError(.unsupportedCodec, codec: codec, "unknown compression codec \(codec.rawValue)")
        }
    }

    /// Compresses `data` (its readable bytes) with `codec` at `level` (`nil`: the codec's default; snappy has no
    /// levels and ignores it); `.none` returns `data` itself.
    ///
    /// - Throws: ``KafkaCompressionError`` `.invalidLevel`, `.unsupportedCodec`, `.libraryFailure`.
    public static func compress(
        _ data: ByteBuffer,
        codec: KafkaRecordBatch.Compression,
        level: Int? = nil
    ) throws(KafkaCompressionError) -> ByteBuffer {
        switch codec {
        case .none: return data
        case .gzip: return try Gzip.compress(data, level: level)
        case .snappy: return try Snappy.compress(data)
        case .lz4: return try LZ4.compress(data, level: level)
        case .zstd: return try Zstd.compress(data, level: level)
        default:
            throw KafkaCompressionError(.unsupportedCodec, codec: codec, "unknown compression codec \(codec.rawValue)")
        }
    }

    /// Checks `level` against `range` (`nil` passes).
    static func check(
        level: Int?,
        in range: ClosedRange<Int>,
        codec: KafkaRecordBatch.Compression
    ) throws(KafkaCompressionError) {
        guard let level else { return }
        guard range.contains(level) else {
            throw KafkaCompressionError(.invalidLevel, codec: codec, "level \(level) is outside \(range)")
        }
    }
}

extension KafkaRecordBatch {
    /// The records section uncompressed: ``recordsData`` itself for an uncompressed batch, else its decompression,
    /// bounded by `maxOutputBytes`.
    ///
    /// - Throws: ``KafkaCompressionError`` as ``KafkaCompression/decompress(_:codec:maxOutputBytes:)``.
    public func decompressedRecordsData(
        maxOutputBytes: Int = KafkaCompression.defaultMaxOutputBytes
    ) throws(KafkaCompressionError) -> ByteBuffer {
        guard attributes.compression != .none else { return recordsData }
        do {
            return try KafkaCompression.decompress(
                recordsData,
                codec: attributes.compression,
                maxOutputBytes: maxOutputBytes
            )
        } catch {
            var error = error
            error.message = "record batch at offset \(baseOffset): \(error.message)"
            throw error
        }
    }

    /// Parses the records of a batch, compressed or not: like ``records()``, after decompressing the records section
    /// (bounded by `maxOutputBytes`).
    ///
    /// - Throws: ``KafkaCompressionError`` `.invalidRecords` (with the ``KafkaWireError`` as `underlying`) for
    ///   malformed records, else as ``KafkaCompression/decompress(_:codec:maxOutputBytes:)``.
    public func decompressedRecords(
        maxOutputBytes: Int = KafkaCompression.defaultMaxOutputBytes
    ) throws(KafkaCompressionError) -> [KafkaRecord] {
        let section = try decompressedRecordsData(maxOutputBytes: maxOutputBytes)
        do {
            return try records(inRecordsSection: section)
        } catch {
            throw KafkaCompressionError(
                .invalidRecords,
                codec: attributes.compression,
                "record batch at offset \(baseOffset): \(error.message)",
                underlying: error
            )
        }
    }
}

extension KafkaRecordBatchBuilder {
    /// Completes the batch with its records section compressed with `codec` at `level` (`nil`: the codec's
    /// default), the compression set in the attributes and the CRC-32C over the compressed batch. `.none` is
    /// ``KafkaRecordBatchBuilder/finish()``.
    ///
    /// - Throws: ``KafkaCompressionError`` as ``KafkaCompression/compress(_:codec:level:)``.
    public consuming func finish(
        compression codec: KafkaRecordBatch.Compression,
        level: Int? = nil
    ) throws(KafkaCompressionError) -> ByteBuffer {
        try finish(compression: codec) { (section: ByteBuffer) throws(KafkaCompressionError) -> ByteBuffer? in
            try KafkaCompression.compress(section, codec: codec, level: level)
        }
    }
}
