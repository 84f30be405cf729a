import NIOCore

/// InitProducerIdResponse (InitProducerIdResponse.json, apiKey 22, valid 0-5, flexible 2+; this codec: 0-4):
///
///     ThrottleTimeMs int32
///     ErrorCode int16
///     ProducerId int64
///     ProducerEpoch int16
///     tagged fields (v2+)
public struct InitProducerIdResponse: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.initProducerId
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    /// The producer id assigned (-1 on error).
    public var producerId: Int64
    /// The epoch for that producer id.
    public var producerEpoch: Int16

    public init(
        throttleTimeMs: Int32 = 0,
        errorCode: KafkaErrorCode = .none,
        producerId: Int64 = -1,
        producerEpoch: Int16
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.producerId = producerId
        self.producerEpoch = producerEpoch
    }

    /// Decodes a whole response body of `version` (as a client would); unknown tagged fields are skipped and the
    /// body must be fully consumed.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "InitProducerIdResponse", body: body)
        var buffer = body
        self.throttleTimeMs = try buffer.readKafkaInteger(as: Int32.self)
        self.errorCode = KafkaErrorCode(try buffer.readKafkaInteger(as: Int16.self))
        self.producerId = try buffer.readKafkaInteger(as: Int64.self)
        self.producerEpoch = try buffer.readKafkaInteger(as: Int16.self)
        if version >= 2 { try buffer.skipKafkaTaggedFields() }
        try buffer.checkKafkaMessageConsumed("InitProducerIdResponse", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "InitProducerIdResponse v\(version) is not supported")
        buffer.writeInteger(throttleTimeMs)
        buffer.writeInteger(errorCode.rawValue)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        if version >= 2 { buffer.writeKafkaEmptyTaggedFields() }
    }
}
