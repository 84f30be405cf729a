import NIOCore

/// A record batch, magic v2 (docs/protocols/kafka-record-format.md §1). All integers big-endian:
///
/// ```
/// baseOffset: int64            @0
/// batchLength: int32           @8   bytes after this field: total size = batchLength + 12
/// partitionLeaderEpoch: int32  @12
/// magic: int8                  @16  (2)
/// crc: uint32                  @17  CRC-32C of attributes..end
/// attributes: int16            @21
/// lastOffsetDelta: int32       @23
/// baseTimestamp: int64         @27
/// maxTimestamp: int64          @35
/// producerId: int64            @43
/// producerEpoch: int16         @51
/// baseSequence: int32          @53
/// recordsCount: int32          @57
/// records: [Record]            @61
/// ```
///
/// Decode with ``NIOCore/ByteBuffer/readKafkaRecordBatch(maximumBatchSize:)``, encode with
/// ``KafkaRecordBatchBuilder``.
public struct KafkaRecordBatch: Hashable, Sendable {
    /// Byte offsets of the header fields, from `DefaultRecordBatch.java`.
    public enum Layout {
        public static let baseOffset = 0
        public static let batchLength = 8
        public static let partitionLeaderEpoch = 12
        public static let magic = 16
        public static let crc = 17
        public static let attributes = 21
        public static let lastOffsetDelta = 23
        public static let baseTimestamp = 27
        public static let maxTimestamp = 35
        public static let producerId = 43
        public static let producerEpoch = 51
        public static let baseSequence = 53
        public static let recordsCount = 57
        public static let records = 61
        /// `baseOffset` + `batchLength`: the bytes not counted by `batchLength`.
        public static let logOverhead = 12
        /// The size of a batch without records.
        public static let headerSize = 61
    }

    /// The only magic value this codec reads and writes.
    public static let currentMagic: Int8 = 2

    /// Kafka's default `message.max.bytes` (1 MiB + the 12-byte log overhead): the default bound on a whole batch.
    public static let defaultMaximumSize = 1_048_576 + Layout.logOverhead

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: Attributes
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordsCount: Int32
    /// The records section as stored: the concatenated record encodings, or their compressed form.
    public var recordsData: ByteBuffer

    /// The whole batch size in bytes (`batchLength` + 12).
    public var totalSize: Int { Int(batchLength) + Layout.logOverhead }

    /// The offset of the last record (`baseOffset + lastOffsetDelta`).
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }

    /// The offset after this batch.
    public var nextOffset: Int64 { lastOffset + 1 }

    /// The absolute offset of a record of this batch.
    public func offset(of record: KafkaRecord) -> Int64 {
        baseOffset + Int64(record.offsetDelta)
    }

    /// The timestamp of a record of this batch: `maxTimestamp` for log-append-time batches, else
    /// `baseTimestamp + timestampDelta`.
    public func timestamp(of record: KafkaRecord) -> Int64 {
        attributes.timestampType == .logAppendTime ? maxTimestamp : baseTimestamp &+ record.timestampDelta
    }

    /// Parses the records (docs/protocols/kafka-record-format.md §2). Every length and count is checked against the
    /// remaining bytes before anything is allocated; the records must fill the records section exactly.
    ///
    /// - Throws: ``KafkaWireError/Code-swift.struct/unsupportedCompression`` for compressed batches (the batch itself
    ///   stays valid and can be stored or forwarded as is; `KafkaCompression` decompresses them and calls
    ///   ``records(inRecordsSection:)``), ``KafkaWireError/Code-swift.struct/invalidRecord`` or
    ///   ``KafkaWireError/Code-swift.struct/truncated`` for malformed records.
    public func records() throws(KafkaWireError) -> [KafkaRecord] {
        guard attributes.compression == .none else {
            throw KafkaWireError(
                .unsupportedCompression,
                "record batch at offset \(baseOffset) is compressed with \(attributes.compression)"
            )
        }
        return try records(inRecordsSection: recordsData)
    }

    /// Parses `recordsCount` records from an uncompressed records section: ``recordsData`` itself for an
    /// uncompressed batch, or its decompressed form for a compressed one. The same checks as ``records()`` apply.
    ///
    /// - Throws: ``KafkaWireError/Code-swift.struct/invalidRecord`` or ``KafkaWireError/Code-swift.struct/truncated``
    ///   for malformed records.
    public func records(inRecordsSection section: ByteBuffer) throws(KafkaWireError) -> [KafkaRecord] {
        var buffer = section
        guard recordsCount >= 0, Int(recordsCount) <= buffer.readableBytes / KafkaRecord.minimumEncodedSize else {
            throw KafkaWireError(
                .invalidRecord,
                "recordsCount \(recordsCount) is impossible in \(buffer.readableBytes) bytes of records",
                bytes: buffer
            )
        }
        var records = [KafkaRecord]()
        records.reserveCapacity(Int(recordsCount))
        for _ in 0..<recordsCount {
            records.append(try buffer.readKafkaRecord())
        }
        guard buffer.readableBytes == 0 else {
            throw KafkaWireError(
                .invalidRecord,
                "\(buffer.readableBytes) bytes after the last of \(recordsCount) records",
                bytes: buffer
            )
        }
        return records
    }
}

extension KafkaRecordBatch {
    /// The batch `attributes` (int16): compression in bits 0–2, timestamp type in bit 3, transactional bit 4, control
    /// bit 5, delete-horizon bit 6.
    public struct Attributes: Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int16

        public init(rawValue: Int16) { self.rawValue = rawValue }

        public init(
            compression: Compression = .none,
            timestampType: TimestampType = .createTime,
            isTransactional: Bool = false,
            isControlBatch: Bool = false
        ) {
            self.rawValue = 0
            self.compression = compression
            self.timestampType = timestampType
            self.isTransactional = isTransactional
            self.isControlBatch = isControlBatch
        }

        public var compression: Compression {
            get { Compression(rawValue: rawValue & 0x07) }
            set { rawValue = (rawValue & ~0x07) | (newValue.rawValue & 0x07) }
        }

        public var timestampType: TimestampType {
            get { rawValue & 0x08 == 0 ? .createTime : .logAppendTime }
            set { setBit(0x08, newValue == .logAppendTime) }
        }

        public var isTransactional: Bool {
            get { rawValue & 0x10 != 0 }
            set { setBit(0x10, newValue) }
        }

        public var isControlBatch: Bool {
            get { rawValue & 0x20 != 0 }
            set { setBit(0x20, newValue) }
        }

        public var hasDeleteHorizonMs: Bool {
            get { rawValue & 0x40 != 0 }
            set { setBit(0x40, newValue) }
        }

        private mutating func setBit(_ bit: Int16, _ on: Bool) {
            rawValue = on ? rawValue | bit : rawValue & ~bit
        }

        public var description: String {
            "compression=\(compression) timestampType=\(timestampType) transactional=\(isTransactional) "
                + "control=\(isControlBatch)"
        }
    }

    /// The compression codec of a batch (attributes bits 0–2).
    public struct Compression: Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }

        public static let none = Compression(rawValue: 0)
        public static let gzip = Compression(rawValue: 1)
        public static let snappy = Compression(rawValue: 2)
        public static let lz4 = Compression(rawValue: 3)
        public static let zstd = Compression(rawValue: 4)

        public var description: String {
            switch rawValue {
            case 0: "none"
            case 1: "gzip"
            case 2: "snappy"
            case 3: "lz4"
            case 4: "zstd"
            default: "unknown(\(rawValue))"
            }
        }
    }

    /// Attributes bit 3: 0 = CreateTime, 1 = LogAppendTime.
    public enum TimestampType: Hashable, Sendable {
        case createTime
        case logAppendTime
    }
}
