import NIOCore

/// InitProducerIdRequest (InitProducerIdRequest.json, apiKey 22, valid 0-5, flexible 2+; this codec: 0-4):
///
///     TransactionalId NULLABLE_STRING (COMPACT_NULLABLE_STRING v2+)
///     TransactionTimeoutMs int32
///     ProducerId int64 (v3+)
///     ProducerEpoch int16 (v3+)
///     tagged fields (v2+)
///
/// librdkafka 2.0.2 sends it (up to v4, flexible) when enable.idempotence or transactional.id is set.
public struct InitProducerIdRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.initProducerId
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// The transactional id, or `nil` for an idempotent producer without transactions.
    public var transactionalId: String?
    /// How long an idle transaction may stay open before the coordinator aborts it.
    public var transactionTimeoutMs: Int32
    /// The producer's current id when bumping its epoch (v3+; -1 for a new producer or before v3).
    public var producerId: Int64
    /// The producer's current epoch (v3+; -1 for a new producer or before v3).
    public var producerEpoch: Int16

    public init(
        transactionalId: String? = nil,
        transactionTimeoutMs: Int32,
        producerId: Int64 = -1,
        producerEpoch: Int16 = -1
    ) {
        self.transactionalId = transactionalId
        self.transactionTimeoutMs = transactionTimeoutMs
        self.producerId = producerId
        self.producerEpoch = producerEpoch
    }

    /// Decodes a whole request body of `version`; unknown tagged fields are skipped and the body must be fully
    /// consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` / `.malformed`
    ///   for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        try checkKafkaMessageVersion(version, Self.supportedVersions, "InitProducerIdRequest", body: body)
        let flexible = version >= 2
        var buffer = body
        self.transactionalId =
            flexible ? try buffer.readKafkaCompactNullableString() : try buffer.readKafkaNullableString()
        self.transactionTimeoutMs = try buffer.readKafkaInteger(as: Int32.self)
        if version >= 3 {
            self.producerId = try buffer.readKafkaInteger(as: Int64.self)
            self.producerEpoch = try buffer.readKafkaInteger(as: Int16.self)
        } else {
            self.producerId = -1
            self.producerEpoch = -1
        }
        if flexible { try buffer.skipKafkaTaggedFields() }
        try buffer.checkKafkaMessageConsumed("InitProducerIdRequest", version: version)
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "InitProducerIdRequest v\(version) is not supported")
        let flexible = version >= 2
        if flexible {
            buffer.writeKafkaCompactNullableString(transactionalId)
        } else {
            buffer.writeKafkaNullableString(transactionalId)
        }
        buffer.writeInteger(transactionTimeoutMs)
        if version >= 3 {
            buffer.writeInteger(producerId)
            buffer.writeInteger(producerEpoch)
        }
        if flexible { buffer.writeKafkaEmptyTaggedFields() }
    }
}
