import NIOCore

/// One record of a batch (docs/protocols/kafka-record-format.md §2):
///
/// ```
/// length: varint            bytes after this field
/// attributes: int8
/// timestampDelta: varlong
/// offsetDelta: varint
/// keyLength: varint         -1 = null
/// key: byte[]
/// valueLength: varint       -1 = null
/// value: byte[]
/// headersCount: varint
/// Headers => [Header]
/// ```
///
/// Key, value and header values are slices of the batch's buffer (no copy).
public struct KafkaRecord: Hashable, Sendable {
    /// The fewest bytes a record takes: a 1-byte length and 6 one-byte fields.
    public static let minimumEncodedSize = 7

    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [KafkaRecordHeader]

    public init(
        attributes: Int8 = 0,
        timestampDelta: Int64,
        offsetDelta: Int32,
        key: ByteBuffer?,
        value: ByteBuffer?,
        headers: [KafkaRecordHeader] = []
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// A record header: a UTF-8 key (not nullable) and nullable bytes.
///
/// ```
/// headerKeyLength: varint
/// headerKey: String
/// headerValueLength: varint   -1 = null
/// Value: byte[]
/// ```
public struct KafkaRecordHeader: Hashable, Sendable {
    public var key: String
    public var value: ByteBuffer?

    public init(key: String, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

extension ByteBuffer {
    /// Reads one whole record. The buffer is expected to hold a complete records section, so running out of bytes is
    /// an error (``KafkaWireError/Code-swift.struct/truncated``), not a reason to wait.
    public mutating func readKafkaRecord() throws(KafkaWireError) -> KafkaRecord {
        let start = self.readerIndex
        guard let length = try self.readKafkaVarint() else {
            throw KafkaWireError(.truncated, "record length missing", bytes: self)
        }
        guard length >= Int32(KafkaRecord.minimumEncodedSize - 1) else {
            self.moveReaderIndex(to: start)
            throw KafkaWireError(.invalidRecord, "record length \(length) is below the minimum", bytes: self)
        }
        guard var body = self.readSlice(length: Int(length)) else {
            let context = self.getSlice(at: start, length: self.writerIndex - start)
            self.moveReaderIndex(to: start)
            throw KafkaWireError(
                .truncated,
                "record length \(length) exceeds the \(self.readableBytes) remaining bytes",
                bytes: context
            )
        }
        let record = try body.readKafkaRecordBody(length: length)
        guard body.readableBytes == 0 else {
            throw KafkaWireError(
                .invalidRecord,
                "record of length \(length) has \(body.readableBytes) unread bytes",
                bytes: body
            )
        }
        return record
    }

    private mutating func readKafkaRecordBody(length: Int32) throws(KafkaWireError) -> KafkaRecord {
        guard let attributes = self.readInteger(as: Int8.self),
            let timestampDelta = try self.readKafkaVarlong(),
            let offsetDelta = try self.readKafkaVarint()
        else {
            throw KafkaWireError(.truncated, "record header incomplete", bytes: self)
        }
        let key = try self.readKafkaNullableBytes(field: "key")
        let value = try self.readKafkaNullableBytes(field: "value")
        guard let headersCount = try self.readKafkaVarint() else {
            throw KafkaWireError(.truncated, "headersCount missing", bytes: self)
        }
        // A header takes at least 2 bytes (two one-byte lengths).
        guard headersCount >= 0, Int(headersCount) <= self.readableBytes / 2 else {
            throw KafkaWireError(
                .invalidRecord,
                "headersCount \(headersCount) is impossible in \(self.readableBytes) bytes",
                bytes: self
            )
        }
        var headers = [KafkaRecordHeader]()
        headers.reserveCapacity(Int(headersCount))
        for _ in 0..<headersCount {
            guard let keyLength = try self.readKafkaVarint() else {
                throw KafkaWireError(.truncated, "header key length missing", bytes: self)
            }
            guard keyLength >= 0 else {
                throw KafkaWireError(.invalidRecord, "header key length \(keyLength) is negative", bytes: self)
            }
            guard let headerKey = self.readString(length: Int(keyLength)) else {
                throw KafkaWireError(
                    .truncated,
                    "header key length \(keyLength) exceeds the \(self.readableBytes) remaining bytes",
                    bytes: self
                )
            }
            let headerValue = try self.readKafkaNullableBytes(field: "header value")
            headers.append(KafkaRecordHeader(key: headerKey, value: headerValue))
        }
        return KafkaRecord(
            attributes: attributes,
            timestampDelta: timestampDelta,
            offsetDelta: offsetDelta,
            key: key,
            value: value,
            headers: headers
        )
    }

    /// A varint length (-1 = null) followed by that many bytes, as a slice.
    private mutating func readKafkaNullableBytes(field: String) throws(KafkaWireError) -> ByteBuffer? {
        guard let length = try self.readKafkaVarint() else {
            throw KafkaWireError(.truncated, "\(field) length missing", bytes: self)
        }
        if length == -1 { return nil }
        guard length >= 0 else {
            throw KafkaWireError(.invalidRecord, "\(field) length \(length) is negative", bytes: self)
        }
        guard let bytes = self.readSlice(length: Int(length)) else {
            throw KafkaWireError(
                .truncated,
                "\(field) length \(length) exceeds the \(self.readableBytes) remaining bytes",
                bytes: self
            )
        }
        return bytes
    }
}
