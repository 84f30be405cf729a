import NIOCore

// Version-aware field helpers shared by the message codecs in this folder. A message version is either classic
// (INT16 string lengths, INT32 byte lengths and array counts) or flexible (UNSIGNED_VARINT N+1 lengths and counts,
// a tag section after every struct); docs/protocols/kafka-record-format.md §4. Counts are checked against the bytes
// left before the caller allocates anything.

extension ByteBuffer {
    // MARK: Reading

    /// Reads a STRING or COMPACT_STRING; a null is `.malformed`.
    mutating func readKafkaString(flexible: Bool) throws(KafkaWireError) -> String {
        flexible ? try self.readKafkaCompactString() : try self.readKafkaString()
    }

    /// Reads a NULLABLE_STRING or COMPACT_NULLABLE_STRING.
    mutating func readKafkaNullableString(flexible: Bool) throws(KafkaWireError) -> String? {
        flexible ? try self.readKafkaCompactNullableString() : try self.readKafkaNullableString()
    }

    /// Reads BYTES or COMPACT_BYTES as a slice; a null is `.malformed`.
    mutating func readKafkaBytes(flexible: Bool) throws(KafkaWireError) -> ByteBuffer {
        flexible ? try self.readKafkaCompactBytes() : try self.readKafkaBytes()
    }

    /// Reads an ARRAY or COMPACT_ARRAY that may be null (`nil`), each element with `readElement`; the count is
    /// checked against the readable bytes before the array is allocated.
    mutating func readKafkaNullableArray<Element>(
        flexible: Bool,
        minimumElementSize: Int,
        _ readElement: (inout ByteBuffer) throws(KafkaWireError) -> Element
    ) throws(KafkaWireError) -> [Element]? {
        try self.readKafkaMessageNullableArray(compact: flexible, minimumElementSize: minimumElementSize, readElement)
    }

    /// Reads an ARRAY or COMPACT_ARRAY that may not be null (a null is `.malformed`).
    mutating func readKafkaArray<Element>(
        flexible: Bool,
        minimumElementSize: Int,
        _ readElement: (inout ByteBuffer) throws(KafkaWireError) -> Element
    ) throws(KafkaWireError) -> [Element] {
        try self.readKafkaMessageArray(compact: flexible, minimumElementSize: minimumElementSize, readElement)
    }

    /// Throws `.malformed` when bytes are left after a whole message body.
    func checkKafkaMessageEnd(_ message: String, version: Int16) throws(KafkaWireError) {
        guard self.readableBytes == 0 else {
            throw KafkaWireError(
                .malformed,
                "\(self.readableBytes) bytes left after \(message) v\(version)",
                bytes: self
            )
        }
    }

    // MARK: Writing

    /// Writes a STRING or COMPACT_STRING.
    mutating func writeKafkaString(_ value: String, flexible: Bool) {
        if flexible {
            self.writeKafkaCompactString(value)
        } else {
            self.writeKafkaString(value)
        }
    }

    /// Writes a NULLABLE_STRING or COMPACT_NULLABLE_STRING.
    mutating func writeKafkaNullableString(_ value: String?, flexible: Bool) {
        if flexible {
            self.writeKafkaCompactNullableString(value)
        } else {
            self.writeKafkaNullableString(value)
        }
    }

    /// Writes BYTES or COMPACT_BYTES.
    mutating func writeKafkaBytes(_ value: ByteBuffer, flexible: Bool) {
        if flexible {
            self.writeKafkaCompactBytes(value)
        } else {
            self.writeKafkaBytes(value)
        }
    }

    /// Writes an ARRAY or COMPACT_ARRAY (`nil` as a null array), each element with `writeElement`.
    mutating func writeKafkaArray<Element>(
        _ elements: [Element]?,
        flexible: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        if flexible {
            self.writeKafkaCompactArrayCount(elements?.count)
        } else {
            self.writeKafkaArrayCount(elements?.count)
        }
        for element in elements ?? [] {
            writeElement(&self, element)
        }
    }
}
