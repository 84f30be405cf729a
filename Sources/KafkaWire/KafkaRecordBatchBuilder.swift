import NIOCore

/// Encodes one record batch (magic v2, uncompressed) into a `ByteBuffer`, record by record, then fills in the header
/// and the CRC-32C in ``finish()``.
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
    private var buffer: ByteBuffer
    private let start: Int
    private let baseOffset: Int64
    private let partitionLeaderEpoch: Int32
    private let attributes: KafkaRecordBatch.Attributes
    private let producerId: Int64
    private let producerEpoch: Int16
    private let baseSequence: Int32

    /// The number of records appended so far.
    public private(set) var recordsCount: Int32 = 0
    /// The first record's timestamp (-1 while empty).
    public private(set) var baseTimestamp: Int64 = -1
    /// The largest record timestamp (-1 while empty).
    public private(set) var maxTimestamp: Int64 = -1

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
    public var encodedSize: Int { buffer.writerIndex - start }

    /// The bytes a record would add to this batch if appended next.
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
    public mutating func append(
        timestamp: Int64,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: some Collection<(key: String, value: [UInt8]?)>
    ) {
        appendRecord(timestamp: timestamp, key: key, value: value, headers: headers)
    }

    /// Appends a record without headers.
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
    /// the buffer with the batch appended.
    public func finish() -> ByteBuffer {
        typealias Layout = KafkaRecordBatch.Layout
        var buffer = self.buffer
        let total = buffer.writerIndex - start
        buffer.setInteger(baseOffset, at: start + Layout.baseOffset)
        buffer.setInteger(Int32(total - Layout.logOverhead), at: start + Layout.batchLength)
        buffer.setInteger(partitionLeaderEpoch, at: start + Layout.partitionLeaderEpoch)
        buffer.setInteger(KafkaRecordBatch.currentMagic, at: start + Layout.magic)
        buffer.setInteger(attributes.rawValue, at: start + Layout.attributes)
        buffer.setInteger(recordsCount - 1, at: start + Layout.lastOffsetDelta)
        buffer.setInteger(baseTimestamp, at: start + Layout.baseTimestamp)
        buffer.setInteger(maxTimestamp, at: start + Layout.maxTimestamp)
        buffer.setInteger(producerId, at: start + Layout.producerId)
        buffer.setInteger(producerEpoch, at: start + Layout.producerEpoch)
        buffer.setInteger(baseSequence, at: start + Layout.baseSequence)
        buffer.setInteger(recordsCount, at: start + Layout.recordsCount)
        let crc = buffer.withUnsafeReadableBytes { pointer in
            let from = start - buffer.readerIndex
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: pointer[(from + Layout.attributes)...]))
        }
        buffer.setInteger(crc, at: start + Layout.crc)
        return buffer
    }

    // MARK: - Encoding

    private func bodySize<Key: KafkaRecordBytes, Value: KafkaRecordBytes, HeaderValue: KafkaRecordBytes>(
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

    private static func nullableSize(_ bytes: (some KafkaRecordBytes)?) -> Int {
        guard let bytes else { return 1 }
        return KafkaVarint.size(Int32(bytes.kafkaByteCount)) + bytes.kafkaByteCount
    }

    private mutating func appendRecord<Key: KafkaRecordBytes, Value: KafkaRecordBytes, HeaderValue: KafkaRecordBytes>(
        timestamp: Int64,
        key: Key?,
        value: Value?,
        headers: some Collection<(key: String, value: HeaderValue?)>
    ) {
        if recordsCount == 0 {
            baseTimestamp = timestamp
            maxTimestamp = timestamp
        } else {
            maxTimestamp = max(maxTimestamp, timestamp)
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
        recordsCount += 1
    }

    private mutating func writeNullable(_ bytes: (some KafkaRecordBytes)?) {
        guard let bytes else {
            buffer.writeKafkaVarint(-1)
            return
        }
        buffer.writeKafkaVarint(Int32(bytes.kafkaByteCount))
        bytes.write(into: &buffer)
    }
}

/// Bytes a record field can be encoded from.
protocol KafkaRecordBytes {
    var kafkaByteCount: Int { get }
    func write(into buffer: inout ByteBuffer)
}

extension Array: KafkaRecordBytes where Element == UInt8 {
    var kafkaByteCount: Int { count }
    func write(into buffer: inout ByteBuffer) { buffer.writeBytes(self) }
}

extension ByteBuffer: KafkaRecordBytes {
    var kafkaByteCount: Int { readableBytes }
    func write(into buffer: inout ByteBuffer) {
        var copy = self
        buffer.writeBuffer(&copy)
    }
}
