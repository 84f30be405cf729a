import NIOCore

/// SyncGroupRequest (SyncGroupRequest.json, apiKey 14, valid 0-5, flexible 4+); this codec covers 0-3:
///
///     GroupId STRING
///     GenerationId INT32
///     MemberId STRING
///     GroupInstanceId NULLABLE_STRING (v3+)
///     Assignments [MemberId STRING, Assignment BYTES]
///
/// Only the leader fills `Assignments` (one ``ConsumerProtocolAssignment`` per member); the others send it empty.
/// librdkafka 2.0.2 sends v3.
public struct SyncGroupRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.syncGroup
    /// The versions this codec decodes and encodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...3

    /// One entry of `Assignments`.
    public struct SyncGroupRequestAssignment: Hashable, Sendable {
        /// The member to assign to.
        public var memberId: String
        /// The member's assignment (for ProtocolType "consumer" a ``ConsumerProtocolAssignment``).
        public var assignment: ByteBuffer

        public init(memberId: String, assignment: ByteBuffer) {
            self.memberId = memberId
            self.assignment = assignment
        }
    }

    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    /// The static member id (v3+; `nil` before).
    public var groupInstanceId: String?
    /// The leader's assignment for every member; empty from followers.
    public var assignments: [SyncGroupRequestAssignment]

    public init(
        groupId: String,
        generationId: Int32,
        memberId: String,
        groupInstanceId: String? = nil,
        assignments: [SyncGroupRequestAssignment] = []
    ) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.assignments = assignments
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions``, `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "SyncGroupRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        self.groupId = try buffer.readKafkaString()
        self.generationId = try buffer.readKafkaInteger(as: Int32.self)
        self.memberId = try buffer.readKafkaString()
        self.groupInstanceId = version >= 3 ? try buffer.readKafkaNullableString() : nil
        // MemberId STRING (2) + Assignment BYTES (4).
        self.assignments = try buffer.readKafkaArray(flexible: false, minimumElementSize: 6) {
            (buffer: inout ByteBuffer) throws(KafkaWireError) in
            SyncGroupRequestAssignment(memberId: try buffer.readKafkaString(), assignment: try buffer.readKafkaBytes())
        }
        try buffer.checkKafkaMessageEnd("SyncGroupRequest", version: version)
    }

    /// Encodes the body for `version` (0-3).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "SyncGroupRequest v\(version) is not supported")
        buffer.writeKafkaString(groupId)
        buffer.writeInteger(generationId)
        buffer.writeKafkaString(memberId)
        if version >= 3 {
            buffer.writeKafkaNullableString(groupInstanceId)
        }
        buffer.writeKafkaArray(assignments, flexible: false) { buffer, entry in
            buffer.writeKafkaString(entry.memberId)
            buffer.writeKafkaBytes(entry.assignment)
        }
    }
}
