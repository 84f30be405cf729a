import KafkaWire
import NIOCore
import Testing

@Suite("Consumer protocol payloads")
struct ConsumerProtocolTests {
    static func encoded(_ subscription: ConsumerProtocolSubscription) -> [UInt8] {
        var buffer = ByteBuffer()
        subscription.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    static func encoded(_ assignment: ConsumerProtocolAssignment) -> [UInt8] {
        var buffer = ByteBuffer()
        assignment.encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    // MARK: Subscription

    @Test func decodesLibrdkafkaSubscription() throws {
        let subscription = try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: JoinGroupTests.subscription))
        #expect(subscription.version == 1)
        #expect(subscription.topics == ["users"])
        #expect(subscription.userData == ByteBuffer())  // empty, not null
        #expect(subscription.ownedPartitions.isEmpty)
        #expect(subscription.generationId == -1)
        #expect(Self.encoded(subscription) == JoinGroupTests.subscription)
    }

    /// The metadata of every protocol in librdkafka's JoinGroup decodes as a subscription.
    @Test func joinGroupMetadataIsASubscription() throws {
        let (_, body) = try Wire.decodeRequest(JoinGroupTests.librdkafkaV5Request)
        let request = try JoinGroupRequest(decoding: body, version: 5)
        for entry in request.protocols {
            #expect(try ConsumerProtocolSubscription(decoding: entry.metadata).topics == ["users"])
        }
    }

    @Test func v0SubscriptionHasNoOwnedPartitions() throws {
        let bytes = Wire.int16(0) + Wire.int32(2) + Wire.string("a") + Wire.string("b") + Wire.int32(-1)
        let subscription = try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: bytes))
        #expect(subscription == ConsumerProtocolSubscription(version: 0, topics: ["a", "b"], userData: nil))
        #expect(Self.encoded(subscription) == bytes)
    }

    static let subscriptionV2: [UInt8] =
        Wire.int16(2) + Wire.int32(1) + Wire.string("users") + Wire.bytes([0x01, 0x02])
        + Wire.int32(1) + Wire.string("users") + Wire.int32(2) + Wire.int32(0) + Wire.int32(3)  // OwnedPartitions
        + Wire.int32(7)  // GenerationId

    @Test func v2SubscriptionCarriesOwnedPartitionsAndGeneration() throws {
        let subscription = try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: Self.subscriptionV2))
        #expect(
            subscription
                == ConsumerProtocolSubscription(
                    version: 2,
                    topics: ["users"],
                    userData: ByteBuffer(bytes: [0x01, 0x02]),
                    ownedPartitions: [.init(topic: "users", partitions: [0, 3])],
                    generationId: 7
                )
        )
        #expect(Self.encoded(subscription) == Self.subscriptionV2)
    }

    /// v3 (RackId) and later: the v2 fields are read, the rest ignored; encoding writes v2.
    @Test func newerSubscriptionVersionsAreReadTolerantly() throws {
        let v3 = Wire.int16(3) + Array(Self.subscriptionV2.dropFirst(2)) + Wire.string("rack-a")
        let subscription = try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: v3))
        #expect(subscription.version == 3)
        #expect(subscription.generationId == 7)
        #expect(subscription.ownedPartitions == [.init(topic: "users", partitions: [0, 3])])
        #expect(Self.encoded(subscription) == Self.subscriptionV2)
    }

    @Test(arguments: [Int16(0), 1, 2])
    func subscriptionRoundTripAndMalformedInput(version: Int16) throws {
        let subscription = ConsumerProtocolSubscription(
            version: version,
            topics: ["users", "audit"],
            userData: ByteBuffer(bytes: [9]),
            ownedPartitions: version >= 1
                ? [.init(topic: "users", partitions: [1]), .init(topic: "x", partitions: [])] : [],
            generationId: version >= 2 ? 4 : -1
        )
        let bytes = Self.encoded(subscription)
        #expect(try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: bytes)) == subscription)
        for length in 0..<bytes.count {
            let error = #expect(throws: KafkaWireError.self, "prefix of \(length) bytes") {
                try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: bytes.prefix(length)))
            }
            #expect(error?.code == .truncated, "prefix of \(length) bytes")
        }
        let trailing = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolSubscription(decoding: ByteBuffer(bytes: bytes + [0]))
        }
        #expect(trailing?.code == .malformed)
    }

    @Test func malformedSubscriptions() {
        let negative = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolSubscription(
                decoding: ByteBuffer(bytes: Wire.int16(-1) + Wire.int32(0) + Wire.int32(-1))
            )
        }
        #expect(negative?.code == .malformed)
        let absurd = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolSubscription(
                decoding: ByteBuffer(bytes: Wire.int16(1) + Wire.int32(.max) + Wire.string("t"))
            )
        }
        #expect(absurd?.code == .truncated)
        let nullTopics = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolSubscription(
                decoding: ByteBuffer(bytes: Wire.int16(0) + Wire.int32(-1) + Wire.int32(-1))
            )
        }
        #expect(nullTopics?.code == .malformed)
    }

    // MARK: Assignment

    @Test func decodesAnAssignment() throws {
        let assignment = try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: SyncGroupTests.assignment))
        #expect(
            assignment
                == ConsumerProtocolAssignment(
                    version: 0,
                    assignedPartitions: [.init(topic: "users", partitions: [0, 1])],
                    userData: nil
                )
        )
        #expect(Self.encoded(assignment) == SyncGroupTests.assignment)
    }

    @Test func encodesAnAssignment() {
        let assignment = ConsumerProtocolAssignment(
            version: 1,
            assignedPartitions: [.init(topic: "users", partitions: [2]), .init(topic: "audit", partitions: [0, 1])],
            userData: ByteBuffer()
        )
        #expect(
            Self.encoded(assignment)
                == Wire.int16(1) + Wire.int32(2)
                + Wire.string("users") + Wire.int32(1) + Wire.int32(2)
                + Wire.string("audit") + Wire.int32(2) + Wire.int32(0) + Wire.int32(1)
                + Wire.int32(0)  // UserData, empty
        )
    }

    @Test func newerAssignmentVersionsAreReadTolerantly() throws {
        let v4 = Wire.int16(4) + Array(SyncGroupTests.assignment.dropFirst(2)) + [0xEE, 0xEE]
        let assignment = try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: v4))
        #expect(assignment.version == 4)
        #expect(assignment.assignedPartitions == [.init(topic: "users", partitions: [0, 1])])
        #expect(Self.encoded(assignment) == Wire.int16(3) + Array(SyncGroupTests.assignment.dropFirst(2)))
    }

    @Test(arguments: [Int16(0), 1, 2, 3])
    func assignmentRoundTripAndMalformedInput(version: Int16) throws {
        let assignment = ConsumerProtocolAssignment(
            version: version,
            assignedPartitions: [.init(topic: "users", partitions: [0, 5]), .init(topic: "x", partitions: [])],
            userData: ByteBuffer(bytes: [1, 2, 3])
        )
        let bytes = Self.encoded(assignment)
        #expect(try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: bytes)) == assignment)
        for length in 0..<bytes.count {
            let error = #expect(throws: KafkaWireError.self, "prefix of \(length) bytes") {
                try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: bytes.prefix(length)))
            }
            #expect(error?.code == .truncated, "prefix of \(length) bytes")
        }
        let trailing = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: bytes + [0]))
        }
        #expect(trailing?.code == .malformed)
    }

    @Test func malformedAssignments() {
        let negative = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolAssignment(decoding: ByteBuffer(bytes: Wire.int16(-3) + Wire.int32(0) + Wire.int32(-1)))
        }
        #expect(negative?.code == .malformed)
        // One topic announcing 2^30 partitions with 4 bytes left.
        let absurd = #expect(throws: KafkaWireError.self) {
            try ConsumerProtocolAssignment(
                decoding: ByteBuffer(
                    bytes: Wire.int16(0) + Wire.int32(1) + Wire.string("t") + Wire.int32(1 << 30) + Wire.int32(0)
                )
            )
        }
        #expect(absurd?.code == .truncated)
    }
}
