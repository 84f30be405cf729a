import NIOCore

// Tagged fields, docs/protocols/kafka-record-format.md §4 (KIP-482): at the end of every struct/message and of flexible
// headers, "UNSIGNED_VARINT number of tagged fields, then for each UNSIGNED_VARINT tag, UNSIGNED_VARINT size, `size`
// bytes. An empty tag section is one 0x00 byte. Tags must be ascending; unknown tags are skipped."

/// One tagged field as it appears on the wire: its tag and its raw value.
public struct KafkaTaggedField: Hashable, Sendable {
    public var tag: UInt32
    public var value: ByteBuffer

    public init(tag: UInt32, value: ByteBuffer) {
        self.tag = tag
        self.value = value
    }
}

extension ByteBuffer {
    /// Reads a tagged-field section, handing each field's tag and value slice to `body` in wire order; fields the
    /// caller does not know are simply ignored by it. Returns the number of fields.
    ///
    /// The field count and every size are checked against the readable bytes before anything is read.
    ///
    /// - Throws: `.truncated` when a count or size claims more bytes than there are, `.malformed` when tags are not
    ///   strictly ascending.
    @discardableResult
    public mutating func readKafkaTaggedFields(
        _ body: (_ tag: UInt32, _ value: ByteBuffer) throws(KafkaWireError) -> Void
    ) throws(KafkaWireError) -> Int {
        let start = self
        do throws(KafkaWireError) {
            // Every field takes at least two bytes (a one-byte tag and a one-byte size).
            let count = try self.readKafkaRequiredUnsignedVarint()
            guard Int(count) <= self.readableBytes / 2 else {
                throw KafkaWireError(.truncated, "tagged field count cannot fit in the bytes left", bytes: start)
            }
            var previous: UInt32? = nil
            for _ in 0..<Int(count) {
                let tag = try self.readKafkaRequiredUnsignedVarint()
                if let previous, tag <= previous {
                    throw KafkaWireError(
                        .malformed,
                        "tagged field \(tag) follows \(previous); tags must be ascending",
                        bytes: start
                    )
                }
                previous = tag
                let size = try self.readKafkaRequiredUnsignedVarint()
                guard let value = self.readSlice(length: Int(size)) else {
                    throw KafkaWireError(
                        .truncated,
                        "tagged field \(tag) of \(size) bytes exceeds the \(self.readableBytes) bytes left",
                        bytes: start
                    )
                }
                try body(tag, value)
            }
            return Int(count)
        } catch {
            self = start
            throw error
        }
    }

    /// Reads a tagged-field section and skips every field (for messages that define no tagged fields this codec
    /// uses). Returns the number of fields skipped.
    @discardableResult
    public mutating func skipKafkaTaggedFields() throws(KafkaWireError) -> Int {
        try self.readKafkaTaggedFields { (_, _) throws(KafkaWireError) in }
    }

    /// Writes an empty tagged-field section: one 0x00 byte.
    @discardableResult
    public mutating func writeKafkaEmptyTaggedFields() -> Int {
        self.writeInteger(0, as: UInt8.self)
    }

    /// Writes a tagged-field section; `fields` must have strictly ascending tags.
    @discardableResult
    public mutating func writeKafkaTaggedFields(_ fields: [KafkaTaggedField]) -> Int {
        var written = self.writeKafkaUnsignedVarint(UInt32(fields.count))
        var previous: UInt32? = nil
        for var field in fields {
            precondition(previous.map { field.tag > $0 } ?? true, "tagged fields must have ascending tags")
            previous = field.tag
            written += self.writeKafkaUnsignedVarint(field.tag)
            written += self.writeKafkaUnsignedVarint(UInt32(field.value.readableBytes))
            written += self.writeBuffer(&field.value)
        }
        return written
    }

    /// An UNSIGNED_VARINT that must be present: `.truncated` when the data ends inside it.
    mutating func readKafkaRequiredUnsignedVarint() throws(KafkaWireError) -> UInt32 {
        guard let value = try self.readKafkaUnsignedVarint() else {
            throw KafkaWireError(.truncated, "the data ends inside an UNSIGNED_VARINT", bytes: self)
        }
        return value
    }
}
