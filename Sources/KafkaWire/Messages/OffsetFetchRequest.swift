import NIOCore

/// OffsetFetchRequest (OffsetFetchRequest.json, apiKey 9, valid 0-9, flexible 6+); this codec covers 0-7:
///
///     GroupId STRING
///     Topics [Name STRING, PartitionIndexes [INT32]]   (null = all topics, v2+)
///     RequireStable BOOLEAN (v7+)
///
/// v6 and v7 are flexible: COMPACT_STRING / COMPACT_ARRAY and a tag section after every topic and after the body.
/// librdkafka 2.0.2 sends v7 (docs/protocols/kafka-client-needs.md §3).
public struct OffsetFetchRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.offsetFetch
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...7

    /// One entry of `Topics`.
    public struct OffsetFetchRequestTopic: Hashable, Sendable {
        public var name: String
        public var partitionIndexes: [Int32]

        public init(name: String, partitionIndexes: [Int32]) {
            self.name = name
            self.partitionIndexes = partitionIndexes
        }
    }

    public var groupId: String
    /// The topics and partitions to fetch offsets for; `nil` for all topics (v2+ only).
    public var topics: [OffsetFetchRequestTopic]?
    /// Whether the broker should answer UNSTABLE_OFFSET_COMMIT (88) for partitions with pending transactional
    /// offsets instead of returning them (v7+; false before).
    public var requireStable: Bool

    public init(groupId: String, topics: [OffsetFetchRequestTopic]?, requireStable: Bool = false) {
        self.groupId = groupId
        self.topics = topics
        self.requireStable = requireStable
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed. Tagged fields are skipped.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body (a null `Topics` before v2 included), `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "OffsetFetchRequest v\(version) is not supported", bytes: body)
        }
        let flexible = version >= 6
        var buffer = body
        self.groupId = try buffer.readKafkaString(flexible: flexible)
        let topicsStart = buffer
        // Name (2 or 1) + PartitionIndexes (4 or 1) + tag section (flexible).
        self.topics = try buffer.readKafkaNullableArray(flexible: flexible, minimumElementSize: flexible ? 3 : 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            let name = try buffer.readKafkaString(flexible: flexible)
            let partitionIndexes = try buffer.readKafkaArray(flexible: flexible, minimumElementSize: 4) {
                (buffer: inout ByteBuffer) throws(KafkaWireError) in
                try buffer.readKafkaInteger(as: Int32.self)
            }
            if flexible { try buffer.skipKafkaTaggedFields() }
            return OffsetFetchRequestTopic(name: name, partitionIndexes: partitionIndexes)
        }
        if self.topics == nil && version < 2 {
            throw KafkaWireError(.malformed, "null Topics in OffsetFetchRequest v\(version)", bytes: topicsStart)
        }
        self.requireStable = version >= 7 ? try buffer.readKafkaBoolean() : false
        if flexible { try buffer.skipKafkaTaggedFields() }
        try buffer.checkKafkaMessageEnd("OffsetFetchRequest", version: version)
    }

    /// Encodes the body for `version` (0-7); `topics` may only be `nil` from v2.
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "OffsetFetchRequest v\(version) is not supported")
        precondition(topics != nil || version >= 2, "OffsetFetchRequest v\(version) cannot ask for all topics")
        let flexible = version >= 6
        buffer.writeKafkaString(groupId, flexible: flexible)
        buffer.writeKafkaArray(topics, flexible: flexible) { buffer, topic in
            buffer.writeKafkaString(topic.name, flexible: flexible)
            buffer.writeKafkaArray(topic.partitionIndexes, flexible: flexible) { buffer, index in
                buffer.writeInteger(index)
            }
            if flexible { buffer.writeKafkaEmptyTaggedFields() }
        }
        if version >= 7 {
            buffer.writeKafkaBoolean(requireStable)
        }
        if flexible { buffer.writeKafkaEmptyTaggedFields() }
    }
}
