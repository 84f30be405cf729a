import NIOCore

/// Encodes one record batch (magic v2) into a `ByteBuffer`, record by record, then fills in the header and the
/// CRC-32C in ``finish()`` (uncompressed) or ``finish(compression:compressingRecordsWith:)`` (compressed).
///
/// ```swift
/// var builder = KafkaRecordBatchBuilder(buffer: ByteBuffer(), baseOffset: 0)
/// builder.append(timestamp: now, key: key, value: value, headers: [(key: "source", value: bytes)])
/// let batch = builder.finish()
/// ```
///
/// Like a Java producer, the first record's timestamp is the batch's `baseTimestamp`, offsets deltas count from 0,
/// and a non-idempotent producer's `producerId`, `producerEpoch` and `baseSequence` are -1.
public struct KafkaRecordBatchBuilder {
    // Internal but inlinable: the append path is generic and must specialise in the caller's module.
    @usableFromInline var buffer: ByteBuffer
    @usableFromInline let start: Int
    @usableFromInline let baseOffset: Int64
    @usableFromInline let partitionLeaderEpoch: Int32
    @usableFromInline let attributes: KafkaRecordBatch.Attributes
    @usableFromInline let producerId: Int64
    @usableFromInline let producerEpoch: Int16
    @usableFromInline let baseSequence: Int32
    @usableFromInline var count: Int32 = 0
    @usableFromInline var firstTimestamp: Int64 = -1
    @usableFromInline var largestTimestamp: Int64 = -1

    /// The number of records appended so far.
    public var recordsCount: Int32 { count }
    /// The first record's timestamp (-1 while empty).
    public var baseTimestamp: Int64 { firstTimestamp }
    /// The largest record timestamp (-1 while empty).
    public var maxTimestamp: Int64 { largestTimestamp }

    /// Starts a batch at the writer index of `buffer` (which may already hold other batches).
    public init(
        buffer: ByteBuffer = ByteBuffer(),
        baseOffset: Int64 = 0,
        partitionLeaderEpoch: Int32 = -1,
        timestampType: KafkaRecordBatch.TimestampType = .createTime,
        producerId: Int64 = -1,
        producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1
    ) {
        self.buffer = buffer
        self.start = buffer.writerIndex
        self.baseOffset = baseOffset
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.attributes = .init(compression: .none, timestampType: timestampType)
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.buffer.writeRepeatingByte(0, count: KafkaRecordBatch.Layout.headerSize)
    }

    /// The size of the batch so far, header included.
    @inlinable
    public var encodedSize: Int { buffer.writerIndex - start }

    /// The bytes a record would add to this batch if appended next.
    @inlinable
    public func encodedSize(
        ofRecordWithTimestamp timestamp: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: some Collection<(key: String, value: [UInt8]?)>
    ) -> Int {
        let body = bodySize(timestamp: timestamp, key: key, value: value, headers: headers)
        return KafkaVarint.size(Int32(clamping: body)) + body
    }

    /// Appends a record.
    @inlinable
    public mutating func append(
        timestamp: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: some Collection<(key: String, value: [UInt8]?)>
    ) {
        appendRecord(timestamp: timestamp, key: key, value: value, headers: headers)
    }

    /// Appends a record without headers.
    @inlinable
    public mutating func append(timestamp: Int64, key: [UInt8]?, value: [UInt8]?) {
        appendRecord(
            timestamp: timestamp,
            key: key,
            value: value,
            headers: EmptyCollection<(key: String, value: [UInt8]?)>()
        )
    }

    /// Appends a decoded record again (its key, value and headers; the offset delta is this batch's next one).
    public mutating func append(_ record: KafkaRecord, timestamp: Int64) {
        appendRecord(
            timestamp: timestamp,
            key: record.key,
            value: record.value,
            headers: record.headers.lazy.map { (key: $0.key, value: $0.value) }
        )
    }

    /// Completes the header (`batchLength`, `lastOffsetDelta`, timestamps, `recordsCount`) and the CRC, and returns
    /// the buffer with the batch appended. Consuming: the header is written in place, without copying the batch.
    public consuming func finish() -> ByteBuffer {
        completeHeader(attributes: attributes)
        return buffer
    }

    /// Like ``finish()``, but compressed: the records section is replaced by `compress(records section)` and the
    /// attributes carry `compression`; `batchLength` and the CRC-32C cover the compressed bytes, `recordsCount` stays
    /// the number of records (docs/protocols/kafka-record-format.md §1). When `compress` returns `nil` (e.g.
    /// compression would not make the batch smaller) the batch is finished uncompressed. KafkaWire does not compress
    /// itself: `KafkaCompression` passes its codecs here (`KafkaRecordBatchBuilder.finish(compression:level:)`).
    public consuming func finish<Failure: Error>(
        compression: KafkaRecordBatch.Compression,
        compressingRecordsWith compress: (ByteBuffer) throws(Failure) -> ByteBuffer?
    ) throws(Failure) -> ByteBuffer {
        var attributes = self.attributes
        if compression != .none {
            let recordsStart = start + KafkaRecordBatch.Layout.records
            // The slice is a temporary: released before the writes below, which then do not copy the storage.
            if var compressed = try compress(
                buffer.getSlice(at: recordsStart, length: buffer.writerIndex - recordsStart)!
            ) {
                attributes.compression = compression
                buffer.moveWriterIndex(to: recordsStart)
                buffer.writeBuffer(&compressed)
            }
        }
        completeHeader(attributes: attributes)
        return buffer
    }

    private mutating func completeHeader(attributes: KafkaRecordBatch.Attributes) {
        typealias Layout = KafkaRecordBatch.Layout
        let total = buffer.writerIndex - start
        buffer.setInteger(baseOffset, at: start + Layout.baseOffset)
        buffer.setInteger(Int32(total - Layout.logOverhead), at: start + Layout.batchLength)
        buffer.setInteger(partitionLeaderEpoch, at: start + Layout.partitionLeaderEpoch)
        buffer.setInteger(KafkaRecordBatch.currentMagic, at: start + Layout.magic)
        buffer.setInteger(attributes.rawValue, at: start + Layout.attributes)
        buffer.setInteger(count - 1, at: start + Layout.lastOffsetDelta)
        buffer.setInteger(firstTimestamp, at: start + Layout.baseTimestamp)
        buffer.setInteger(largestTimestamp, at: start + Layout.maxTimestamp)
        buffer.setInteger(producerId, at: start + Layout.producerId)
        buffer.setInteger(producerEpoch, at: start + Layout.producerEpoch)
        buffer.setInteger(baseSequence, at: start + Layout.baseSequence)
        buffer.setInteger(count, at: start + Layout.recordsCount)
        let from = start - buffer.readerIndex + Layout.attributes
        let crc = buffer.withUnsafeReadableBytes { pointer in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: pointer[from...]))
        }
        buffer.setInteger(crc, at: start + Layout.crc)
    }

    // MARK: - Encoding

    @inlinable
    func bodySize<Key: KafkaRecordBytes, Value: KafkaRecordBytes, HeaderValue: KafkaRecordBytes>(
        timestamp: Int64,
        key: Key?,
        value: Value?,
        headers: some Collection<(key: String, value: HeaderValue?)>
    ) -> Int {
        let timestampDelta = recordsCount == 0 ? 0 : timestamp &- baseTimestamp
        var size = 1 + KafkaVarint.size(timestampDelta) + KafkaVarint.size(recordsCount)
        size += Self.nullableSize(key) + Self.nullableSize(value)
        size += KafkaVarint.size(Int32(headers.count))
        for header in headers {
            let keyLength = header.key.utf8.count
            size += KafkaVarint.size(Int32(keyLength)) + keyLength + Self.nullableSize(header.value)
        }
        return size
    }

    @inlinable
    static func nullableSize(_ bytes: (some KafkaRecordBytes)?) -> Int {
        guard let bytes else { return 1 }
        return KafkaVarint.size(Int32(bytes.kafkaByteCount)) + bytes.kafkaByteCount
    }

    @inlinable
    mutating func appendRecord<Key: KafkaRecordBytes, Value: KafkaRecordBytes, HeaderValue: KafkaRecordBytes>(
        timestamp: Int64,
        key: Key?,
        value: Value?,
        headers: some Collection<(key: String, value: HeaderValue?)>
    ) {
        if count == 0 {
            firstTimestamp = timestamp
            largestTimestamp = timestamp
        } else {
            largestTimestamp = max(largestTimestamp, timestamp)
        }
        let body = bodySize(timestamp: timestamp, key: key, value: value, headers: headers)
        buffer.reserveCapacity(minimumWritableBytes: body + 5)
        buffer.writeKafkaVarint(Int32(body))
        buffer.writeInteger(Int8(0))  // attributes: unused
        buffer.writeKafkaVarlong(timestamp &- baseTimestamp)
        buffer.writeKafkaVarint(recordsCount)
        writeNullable(key)
        writeNullable(value)
        buffer.writeKafkaVarint(Int32(headers.count))
        for header in headers {
            buffer.writeKafkaVarint(Int32(header.key.utf8.count))
            buffer.writeString(header.key)
            writeNullable(header.value)
        }
        count += 1
    }

    @inlinable
    mutating func writeNullable(_ bytes: (some KafkaRecordBytes)?) {
        guard let bytes else {
            buffer.writeKafkaVarint(-1)
            return
        }
        buffer.writeKafkaVarint(Int32(bytes.kafkaByteCount))
        bytes.write(into: &buffer)
    }
}

/// Bytes a record field can be encoded from.
@usableFromInline
protocol KafkaRecordBytes {
    var kafkaByteCount: Int { get }
    func write(into buffer: inout ByteBuffer)
}

extension Array: KafkaRecordBytes where Element == UInt8 {
    @inlinable
    var kafkaByteCount: Int { count }
    @inlinable
    func write(into buffer: inout ByteBuffer) { buffer.writeBytes(self) }
}

extension ByteBuffer: KafkaRecordBytes {
    @inlinable
    var kafkaByteCount: Int { readableBytes }
    @inlinable
    func write(into buffer: inout ByteBuffer) {
        var copy = self
        buffer.writeBuffer(&copy)
    }
}
