import NIOCore

// Helpers shared by the message codecs in this folder: ARRAY / COMPACT_ARRAY of structs and of primitives, and the
// "whole body consumed" check. Counts go through `readKafkaArrayCount(minimumElementSize:)` (or its compact twin), so
// they are checked against the bytes left before anything is allocated.

extension ByteBuffer {
    /// Reads an ARRAY (INT32 count) or, when `compact`, a COMPACT_ARRAY (UNSIGNED_VARINT N+1); `nil` for null.
    ///
    /// `minimumElementSize` must not exceed the smallest possible encoding of an element.
    mutating func readKafkaMessageNullableArray<Element>(
        compact: Bool = false,
        minimumElementSize: Int,
        _ readElement: (inout ByteBuffer) throws(KafkaWireError) -> Element
    ) throws(KafkaWireError) -> [Element]? {
        let count =
            compact
            ? try self.readKafkaCompactArrayCount(minimumElementSize: minimumElementSize)
            : try self.readKafkaArrayCount(minimumElementSize: minimumElementSize)
        guard let count else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    /// Reads a non-nullable ARRAY / COMPACT_ARRAY; a null is `.malformed`.
    mutating func readKafkaMessageArray<Element>(
        compact: Bool = false,
        minimumElementSize: Int,
        _ readElement: (inout ByteBuffer) throws(KafkaWireError) -> Element
    ) throws(KafkaWireError) -> [Element] {
        let start = self
        guard
            let elements = try self.readKafkaMessageNullableArray(
                compact: compact,
                minimumElementSize: minimumElementSize,
                readElement
            )
        else {
            throw KafkaWireError(.malformed, "null ARRAY where a value is required", bytes: start)
        }
        return elements
    }

    /// Writes an ARRAY / COMPACT_ARRAY (null for `nil`), each element through `writeElement`.
    mutating func writeKafkaMessageNullableArray<Element>(
        _ elements: [Element]?,
        compact: Bool = false,
        _ writeElement: (Element, inout ByteBuffer) -> Void
    ) {
        if compact {
            self.writeKafkaCompactArrayCount(elements?.count)
        } else {
            self.writeKafkaArrayCount(elements?.count)
        }
        for element in elements ?? [] {
            writeElement(element, &self)
        }
    }

    /// Writes a non-nullable ARRAY / COMPACT_ARRAY.
    mutating func writeKafkaMessageArray<Element>(
        _ elements: [Element],
        compact: Bool = false,
        _ writeElement: (Element, inout ByteBuffer) -> Void
    ) {
        self.writeKafkaMessageNullableArray(Optional(elements), compact: compact, writeElement)
    }

    // MARK: Arrays of primitives

    /// Reads an ARRAY of INT32.
    mutating func readKafkaInt32Array() throws(KafkaWireError) -> [Int32] {
        try self.readKafkaMessageArray(minimumElementSize: 4) { (buffer) throws(KafkaWireError) in
            try buffer.readKafkaInteger(as: Int32.self)
        }
    }

    /// Writes an ARRAY of INT32.
    mutating func writeKafkaInt32Array(_ values: [Int32]) {
        self.writeKafkaArrayCount(values.count)
        for value in values { self.writeInteger(value) }
    }

    /// Reads an ARRAY of INT64.
    mutating func readKafkaInt64Array() throws(KafkaWireError) -> [Int64] {
        try self.readKafkaMessageArray(minimumElementSize: 8) { (buffer) throws(KafkaWireError) in
            try buffer.readKafkaInteger(as: Int64.self)
        }
    }

    /// Writes an ARRAY of INT64.
    mutating func writeKafkaInt64Array(_ values: [Int64]) {
        self.writeKafkaArrayCount(values.count)
        for value in values { self.writeInteger(value) }
    }

    /// Reads an ARRAY of STRING; `nil` for null.
    mutating func readKafkaNullableStringArray() throws(KafkaWireError) -> [String]? {
        try self.readKafkaMessageNullableArray(minimumElementSize: 2) { (buffer) throws(KafkaWireError) in
            try buffer.readKafkaString()
        }
    }

    /// Reads an ARRAY of STRING.
    mutating func readKafkaStringArray() throws(KafkaWireError) -> [String] {
        try self.readKafkaMessageArray(minimumElementSize: 2) { (buffer) throws(KafkaWireError) in
            try buffer.readKafkaString()
        }
    }

    /// Writes an ARRAY of STRING (null for `nil`).
    mutating func writeKafkaNullableStringArray(_ values: [String]?) {
        self.writeKafkaArrayCount(values?.count)
        for value in values ?? [] { self.writeKafkaString(value) }
    }

    // MARK: Whole bodies

    /// Throws `.malformed` unless every byte was read: a message body must be fully consumed.
    func checkKafkaMessageConsumed(_ message: String, version: Int16) throws(KafkaWireError) {
        guard self.readableBytes == 0 else {
            throw KafkaWireError(
                .malformed,
                "\(self.readableBytes) bytes left after \(message) v\(version)",
                bytes: self
            )
        }
    }
}

/// Throws `.unsupportedVersion` unless `versions` contains `version`.
func checkKafkaMessageVersion(
    _ version: Int16,
    _ versions: ClosedRange<Int16>,
    _ message: String,
    body: ByteBuffer
) throws(KafkaWireError) {
    guard versions.contains(version) else {
        throw KafkaWireError(.unsupportedVersion, "\(message) v\(version) is not supported", bytes: body)
    }
}
