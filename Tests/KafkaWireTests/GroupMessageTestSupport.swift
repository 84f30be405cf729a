import KafkaWire
import NIOCore
import Testing

/// What every consumer-group message codec offers, so the round-trip and malformed-input suites can run over all of
/// them.
protocol GroupMessageCodec: Hashable, Sendable {
    static var supportedVersions: ClosedRange<Int16> { get }
    init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError)
    func encode(into buffer: inout ByteBuffer, version: Int16)
}

extension FindCoordinatorRequest: GroupMessageCodec {}
extension FindCoordinatorResponse: GroupMessageCodec {}
extension JoinGroupRequest: GroupMessageCodec {}
extension JoinGroupResponse: GroupMessageCodec {}
extension SyncGroupRequest: GroupMessageCodec {}
extension SyncGroupResponse: GroupMessageCodec {}
extension HeartbeatRequest: GroupMessageCodec {}
extension HeartbeatResponse: GroupMessageCodec {}
extension LeaveGroupRequest: GroupMessageCodec {}
extension LeaveGroupResponse: GroupMessageCodec {}
extension OffsetCommitRequest: GroupMessageCodec {}
extension OffsetCommitResponse: GroupMessageCodec {}
extension OffsetFetchRequest: GroupMessageCodec {}
extension OffsetFetchResponse: GroupMessageCodec {}
extension DescribeGroupsRequest: GroupMessageCodec {}
extension DescribeGroupsResponse: GroupMessageCodec {}
extension ListGroupsRequest: GroupMessageCodec {}
extension ListGroupsResponse: GroupMessageCodec {}

/// One message type at one version: a sample with every field of that version set to a non-default value (and the
/// fields the version lacks at their JSON defaults), encoded.
struct GroupMessageCase: Sendable, CustomTestStringConvertible {
    let name: String
    let version: Int16
    let supportedVersions: ClosedRange<Int16>
    /// The sample, encoded in `version`.
    let encoded: ByteBuffer
    /// Decodes `bytes` in `version`, and says whether the result equals the sample, with its re-encoding.
    let decodeAndReencode: @Sendable (ByteBuffer) throws(KafkaWireError) -> (equalsSample: Bool, reencoded: ByteBuffer)
    typealias Decode = @Sendable (ByteBuffer, Int16) throws(KafkaWireError) -> Void

    /// Decodes `bytes` in any version.
    let decode: Decode

    var testDescription: String { "\(name) v\(version)" }

    /// Decodes with `M`, for malformed-input tables.
    static func decoder<M: GroupMessageCodec>(_: M.Type) -> Decode {
        { (bytes: ByteBuffer, version: Int16) throws(KafkaWireError) in _ = try M(decoding: bytes, version: version) }
    }

    /// One case per supported version of `M`.
    static func cases<M: GroupMessageCodec>(_ sample: @escaping @Sendable (Int16) -> M) -> [GroupMessageCase] {
        M.supportedVersions.map { version in
            var encoded = ByteBuffer()
            sample(version).encode(into: &encoded, version: version)
            return GroupMessageCase(
                name: "\(M.self)",
                version: version,
                supportedVersions: M.supportedVersions,
                encoded: encoded,
                decodeAndReencode: { (bytes: ByteBuffer) throws(KafkaWireError) in
                    let decoded = try M(decoding: bytes, version: version)
                    var reencoded = ByteBuffer()
                    decoded.encode(into: &reencoded, version: version)
                    return (decoded == sample(version), reencoded)
                },
                decode: decoder(M.self)
            )
        }
    }
}

/// Hand-assembled wire bytes for fixtures, independent of the codec under test.
enum Wire {
    static func int8(_ value: Int8) -> [UInt8] { [UInt8(bitPattern: value)] }
    static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    static func int64(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    /// STRING: INT16 length and UTF-8.
    static func string(_ value: String) -> [UInt8] { int16(Int16(value.utf8.count)) + Array(value.utf8) }
    /// A null NULLABLE_STRING.
    static let nullString: [UInt8] = [0xFF, 0xFF]
    /// COMPACT_STRING of fewer than 127 bytes: one-byte length N+1 and UTF-8.
    static func compactString(_ value: String) -> [UInt8] { [UInt8(value.utf8.count + 1)] + Array(value.utf8) }
    /// BYTES: INT32 length and the bytes.
    static func bytes(_ value: [UInt8]) -> [UInt8] { int32(Int32(value.count)) + value }

    /// A request frame as a client sends it: size, header v1 (or v2 with an empty tag section when `flexible`), body.
    static func requestFrame(
        apiKey: Int16,
        version: Int16,
        correlationId: Int32,
        clientId: String = "rdkafka",
        flexible: Bool = false,
        body: [UInt8]
    ) -> [UInt8] {
        let header = int16(apiKey) + int16(version) + int32(correlationId) + string(clientId) + (flexible ? [0x00] : [])
        return int32(Int32(header.count + body.count)) + header + body
    }

    /// Splits a request frame into its header and body through the library's frame and header decoders.
    static func decodeRequest(_ frame: [UInt8]) throws -> (KafkaRequestHeader, ByteBuffer) {
        let frames = try KafkaFrameDecoderTests.frames(from: frame, chunkSize: 7)
        try #require(frames.count == 1)
        return try KafkaRequestHeader.decode(frame: frames[0])
    }

    /// Encodes a request back into a frame with `header`.
    static func encodeRequest(header: KafkaRequestHeader, _ encodeBody: (inout ByteBuffer) -> Void) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeKafkaFrame { (frame: inout ByteBuffer) in
            frame.writeKafkaRequestHeader(header)
            encodeBody(&frame)
        }
        return Array(buffer.readableBytesView)
    }

    /// The body bytes a message encodes to in `version`.
    static func encoded<M: GroupMessageCodec>(_ message: M, version: Int16) -> [UInt8] {
        var buffer = ByteBuffer()
        message.encode(into: &buffer, version: version)
        return Array(buffer.readableBytesView)
    }
}
