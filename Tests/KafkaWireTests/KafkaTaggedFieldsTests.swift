import KafkaWire
import NIOCore
import Testing

@Suite("Tagged fields")
struct KafkaTaggedFieldsTests {
    @Test func emptySectionIsOneZeroByte() throws {
        var buffer = ByteBuffer()
        #expect(buffer.writeKafkaEmptyTaggedFields() == 1)
        #expect(Array(buffer.readableBytesView) == [0x00])
        #expect(try buffer.skipKafkaTaggedFields() == 0)
        #expect(buffer.readableBytes == 0)
    }

    @Test func unknownTagsAreSkipped() throws {
        // Two fields: tag 0 with 3 bytes, tag 5 with 1 byte; then a trailing marker byte that must remain.
        var buffer = ByteBuffer(bytes: [0x02, 0x00, 0x03, 0xAA, 0xBB, 0xCC, 0x05, 0x01, 0xDD, 0x7F])
        #expect(try buffer.skipKafkaTaggedFields() == 2)
        #expect(Array(buffer.readableBytesView) == [0x7F])
    }

    @Test func fieldsAreHandedOverInOrder() throws {
        var buffer = ByteBuffer()
        buffer.writeKafkaTaggedFields([
            KafkaTaggedField(tag: 1, value: ByteBuffer(bytes: [9])),
            KafkaTaggedField(tag: 300, value: ByteBuffer(bytes: [])),
        ])
        #expect(Array(buffer.readableBytesView) == [0x02, 0x01, 0x01, 0x09, 0xAC, 0x02, 0x00])
        var seen: [KafkaTaggedField] = []
        try buffer.readKafkaTaggedFields { (tag, value) throws(KafkaWireError) in
            seen.append(KafkaTaggedField(tag: tag, value: value))
        }
        #expect(seen.map(\.tag) == [1, 300])
        #expect(seen[0].value == ByteBuffer(bytes: [9]))
    }

    @Test func descendingTagsAreMalformed() {
        var buffer = ByteBuffer(bytes: [0x02, 0x05, 0x00, 0x01, 0x00])
        let error = #expect(throws: KafkaWireError.self) { try buffer.skipKafkaTaggedFields() }
        #expect(error?.code == .malformed)
        #expect(buffer.readerIndex == 0)
    }

    @Test func oversizedFieldIsTruncated() {
        var buffer = ByteBuffer(bytes: [0x01, 0x00, 0x7F, 0xAA])
        let error = #expect(throws: KafkaWireError.self) { try buffer.skipKafkaTaggedFields() }
        #expect(error?.code == .truncated)
    }

    @Test func absurdFieldCountIsTruncated() {
        var buffer = ByteBuffer()
        buffer.writeKafkaUnsignedVarint(1 << 30)
        buffer.writeBytes([0, 0, 0, 0])
        let error = #expect(throws: KafkaWireError.self) { try buffer.skipKafkaTaggedFields() }
        #expect(error?.code == .truncated)
    }
}
