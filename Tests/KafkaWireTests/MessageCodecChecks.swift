import KafkaWire
import NIOCore
import Testing

/// The shape every request and response codec in `KafkaWire/Messages` shares, so the checks below apply to all.
protocol CheckedKafkaMessage: Hashable, Sendable {
    static var supportedVersions: ClosedRange<Int16> { get }
    init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError)
    func encode(into buffer: inout ByteBuffer, version: Int16)
}

extension ProduceRequest: CheckedKafkaMessage {}
extension ProduceResponse: CheckedKafkaMessage {}
extension FetchRequest: CheckedKafkaMessage {}
extension FetchResponse: CheckedKafkaMessage {}
extension ListOffsetsRequest: CheckedKafkaMessage {}
extension ListOffsetsResponse: CheckedKafkaMessage {}
extension MetadataRequest: CheckedKafkaMessage {}
extension MetadataResponse: CheckedKafkaMessage {}
extension CreateTopicsRequest: CheckedKafkaMessage {}
extension CreateTopicsResponse: CheckedKafkaMessage {}
extension DeleteTopicsRequest: CheckedKafkaMessage {}
extension DeleteTopicsResponse: CheckedKafkaMessage {}
extension InitProducerIdRequest: CheckedKafkaMessage {}
extension InitProducerIdResponse: CheckedKafkaMessage {}
extension DescribeConfigsRequest: CheckedKafkaMessage {}
extension DescribeConfigsResponse: CheckedKafkaMessage {}

/// Shared assertions for the message codecs.
enum MessageCodecChecks {
    static func encoded<M: CheckedKafkaMessage>(_ message: M, version: Int16) -> [UInt8] {
        var buffer = ByteBuffer()
        message.encode(into: &buffer, version: version)
        return Array(buffer.readableBytesView)
    }

    /// Encodes `message` in `version`, decodes it back (expecting an equal value) and encodes again (expecting the
    /// same bytes); then runs ``expectMalformedCasesThrow(_:bytes:version:sourceLocation:)`` on the bytes.
    static func expectRoundTrip<M: CheckedKafkaMessage>(
        _ message: M,
        version: Int16,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let bytes = encoded(message, version: version)
        let decoded = try M(decoding: ByteBuffer(bytes: bytes), version: version)
        #expect(decoded == message, "v\(version)", sourceLocation: sourceLocation)
        #expect(encoded(decoded, version: version) == bytes, "v\(version)", sourceLocation: sourceLocation)
        expectMalformedCasesThrow(M.self, bytes: bytes, version: version, sourceLocation: sourceLocation)
    }

    /// Every strict prefix of `bytes` throws (never crashes), one trailing byte is `.malformed`, and versions just
    /// outside the supported range are `.unsupportedVersion`.
    static func expectMalformedCasesThrow<M: CheckedKafkaMessage>(
        _ type: M.Type,
        bytes: [UInt8],
        version: Int16,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for length in 0..<bytes.count {
            #expect(
                throws: KafkaWireError.self,
                "v\(version) truncated to \(length) of \(bytes.count) bytes",
                sourceLocation: sourceLocation
            ) {
                try M(decoding: ByteBuffer(bytes: bytes[..<length]), version: version)
            }
        }
        let trailing = #expect(throws: KafkaWireError.self, sourceLocation: sourceLocation) {
            try M(decoding: ByteBuffer(bytes: bytes + [0x00]), version: version)
        }
        #expect(trailing?.code == .malformed, sourceLocation: sourceLocation)
        for unsupported in [M.supportedVersions.lowerBound - 1, M.supportedVersions.upperBound + 1] {
            let error = #expect(throws: KafkaWireError.self, sourceLocation: sourceLocation) {
                try M(decoding: ByteBuffer(bytes: bytes), version: unsupported)
            }
            #expect(error?.code == .unsupportedVersion, sourceLocation: sourceLocation)
        }
    }

    /// Decoding `bytes` throws `.truncated` (an array count that cannot fit in the bytes left is refused before
    /// anything is allocated).
    static func expectTruncated<M: CheckedKafkaMessage>(
        _ type: M.Type,
        bytes: [UInt8],
        version: Int16,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: KafkaWireError.self, sourceLocation: sourceLocation) {
            try M(decoding: ByteBuffer(bytes: bytes), version: version)
        }
        #expect(error?.code == .truncated, sourceLocation: sourceLocation)
    }

    // MARK: Byte fixture helpers

    static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func int64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
    /// A STRING: INT16 length and UTF-8 bytes.
    static func string(_ value: String) -> [UInt8] { int16(Int16(value.utf8.count)) + Array(value.utf8) }

    /// A record batch of `count` records built with ``KafkaRecordBatchBuilder``.
    static func recordBatch(baseOffset: Int64 = 0, count: Int = 2) -> ByteBuffer {
        var builder = KafkaRecordBatchBuilder(buffer: ByteBuffer(), baseOffset: baseOffset)
        for index in 0..<count {
            builder.append(
                timestamp: 1_700_000_000_000 + Int64(index),
                key: Array("user-\(index)".utf8),
                value: Array("{\"id\":\(index)}".utf8),
                headers: [(key: "source", value: Array("synthetic".utf8))]
            )
        }
        return builder.finish()
    }
}
