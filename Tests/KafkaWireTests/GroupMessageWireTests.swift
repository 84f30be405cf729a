import KafkaWire
import NIOCore
import Testing

/// Round trips and malformed input for every consumer-group message at every supported version.
@Suite("Group messages on the wire")
struct GroupMessageWireTests {
    static let allCases: [GroupMessageCase] =
        FindCoordinatorTests.cases + JoinGroupTests.cases + SyncGroupTests.cases + HeartbeatTests.cases
        + LeaveGroupTests.cases + OffsetCommitTests.cases + OffsetFetchTests.cases + DescribeGroupsTests.cases
        + ListGroupsTests.cases

    @Test(arguments: allCases)
    func roundTrip(_ message: GroupMessageCase) throws {
        let (equalsSample, reencoded) = try message.decodeAndReencode(message.encoded)
        #expect(equalsSample)
        #expect(reencoded == message.encoded)
    }

    /// Every proper prefix of a valid body is `.truncated` - never a crash, never a success.
    @Test(arguments: allCases)
    func truncatedAtEveryByte(_ message: GroupMessageCase) {
        for length in 0..<message.encoded.readableBytes {
            let prefix = message.encoded.getSlice(at: message.encoded.readerIndex, length: length)!
            let error = #expect(throws: KafkaWireError.self, "prefix of \(length) bytes") {
                try message.decode(prefix, message.version)
            }
            #expect(error?.code == .truncated, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: allCases)
    func trailingBytesAreMalformed(_ message: GroupMessageCase) {
        var body = message.encoded
        body.writeInteger(0, as: UInt8.self)
        let error = #expect(throws: KafkaWireError.self) { try message.decode(body, message.version) }
        #expect(error?.code == .malformed)
    }

    @Test(arguments: allCases.filter { $0.version == $0.supportedVersions.upperBound })
    func unsupportedVersionsAreRejected(_ message: GroupMessageCase) {
        for version in [message.supportedVersions.upperBound + 1, -1, .max] {
            let error = #expect(throws: KafkaWireError.self, "v\(version)") {
                try message.decode(message.encoded, version)
            }
            #expect(error?.code == .unsupportedVersion, "v\(version)")
        }
    }

    /// Array counts that cannot fit in the bytes left are rejected before anything is allocated.
    static let absurdCounts: [(name: String, version: Int16, body: [UInt8], decode: GroupMessageCase.Decode)] = [
        (
            "JoinGroupRequest.Protocols", 5,
            Wire.string("g") + Wire.int32(1) + Wire.int32(1) + Wire.string("") + Wire.nullString
                + Wire.string("consumer") + Wire.int32(.max) + Wire.string("range"),
            GroupMessageCase.decoder(JoinGroupRequest.self)
        ),
        (
            "JoinGroupResponse.Members", 5,
            Wire.int32(0) + Wire.int16(0) + Wire.int32(1) + Wire.string("range") + Wire.string("m")
                + Wire.string("m") + Wire.int32(1 << 30) + Wire.string("m") + Wire.nullString,
            GroupMessageCase.decoder(JoinGroupResponse.self)
        ),
        (
            "SyncGroupRequest.Assignments", 3,
            Wire.string("g") + Wire.int32(1) + Wire.string("m") + Wire.nullString + Wire.int32(2) + Wire.string("m"),
            GroupMessageCase.decoder(SyncGroupRequest.self)
        ),
        (
            "LeaveGroupResponse.Members", 3,
            Wire.int32(0) + Wire.int16(0) + Wire.int32(.max),
            GroupMessageCase.decoder(LeaveGroupResponse.self)
        ),
        (
            "OffsetCommitRequest.Topics.Partitions", 7,
            Wire.string("g") + Wire.int32(1) + Wire.string("m") + Wire.nullString + Wire.int32(1) + Wire.string("t")
                + Wire.int32(.max) + Wire.int32(0) + Wire.int64(0) + Wire.int32(-1),
            GroupMessageCase.decoder(OffsetCommitRequest.self)
        ),
        (
            "OffsetCommitResponse.Topics", 7,
            Wire.int32(0) + Wire.int32(1 << 20),
            GroupMessageCase.decoder(OffsetCommitResponse.self)
        ),
        (
            // Compact count 2^32 - 2 (UNSIGNED_VARINT 0xFFFFFFFF).
            "OffsetFetchRequest.Topics (compact)", 7,
            Wire.compactString("g") + [0xFF, 0xFF, 0xFF, 0xFF, 0x0F] + Wire.compactString("t"),
            GroupMessageCase.decoder(OffsetFetchRequest.self)
        ),
        (
            // 4 bytes each: 3 indexes announced, 2 present.
            "OffsetFetchRequest.PartitionIndexes", 1,
            Wire.string("g") + Wire.int32(1) + Wire.string("t") + Wire.int32(3) + Wire.int32(0) + Wire.int32(1),
            GroupMessageCase.decoder(OffsetFetchRequest.self)
        ),
        (
            "OffsetFetchResponse.Partitions (compact)", 6,
            Wire.int32(0) + [0x02] + Wire.compactString("t") + [0x80, 0x80, 0x04] + Wire.int32(0),
            GroupMessageCase.decoder(OffsetFetchResponse.self)
        ),
        (
            "DescribeGroupsRequest.Groups", 4,
            Wire.int32(1 << 24) + Wire.string("g") + [0x00],
            GroupMessageCase.decoder(DescribeGroupsRequest.self)
        ),
        (
            "DescribeGroupsResponse.Groups.Members", 4,
            Wire.int32(0) + Wire.int32(1) + Wire.int16(0) + Wire.string("g") + Wire.string("Stable")
                + Wire.string("consumer") + Wire.string("range") + Wire.int32(.max) + Wire.int32(0),
            GroupMessageCase.decoder(DescribeGroupsResponse.self)
        ),
        (
            "ListGroupsResponse.Groups", 2,
            Wire.int32(0) + Wire.int16(0) + Wire.int32(3) + Wire.string("g") + Wire.string("consumer"),
            GroupMessageCase.decoder(ListGroupsResponse.self)
        ),
    ]

    @Test(arguments: absurdCounts.indices)
    func arrayCountLargerThanTheBytesLeft(_ index: Int) {
        let (name, version, body, decode) = Self.absurdCounts[index]
        let error = #expect(throws: KafkaWireError.self, "\(name)") { try decode(ByteBuffer(bytes: body), version) }
        #expect(error?.code == .truncated, "\(name)")
    }

    @Test func negativeAndNullCountsWhereNotAllowed() {
        // JoinGroupRequest v0 with Protocols count -2 (impossible) and -1 (null, not nullable).
        let prefix = Wire.string("g") + Wire.int32(1) + Wire.string("") + Wire.string("consumer")
        for count: Int32 in [-2, -1] {
            let error = #expect(throws: KafkaWireError.self, "count \(count)") {
                try JoinGroupRequest(decoding: ByteBuffer(bytes: prefix + Wire.int32(count)), version: 0)
            }
            #expect(error?.code == .malformed, "count \(count)")
        }
        // OffsetFetchResponse v6 Topics compact null (0): not nullable.
        let error = #expect(throws: KafkaWireError.self) {
            try OffsetFetchResponse(
                decoding: ByteBuffer(bytes: Wire.int32(0) + [0x00] + Wire.int16(0) + [0x00]),
                version: 6
            )
        }
        #expect(error?.code == .malformed)
    }

    @Test func apiKeys() {
        #expect(FindCoordinatorRequest.apiKey.rawValue == 10 && FindCoordinatorResponse.apiKey.rawValue == 10)
        #expect(JoinGroupRequest.apiKey.rawValue == 11 && JoinGroupResponse.apiKey.rawValue == 11)
        #expect(HeartbeatRequest.apiKey.rawValue == 12 && HeartbeatResponse.apiKey.rawValue == 12)
        #expect(LeaveGroupRequest.apiKey.rawValue == 13 && LeaveGroupResponse.apiKey.rawValue == 13)
        #expect(SyncGroupRequest.apiKey.rawValue == 14 && SyncGroupResponse.apiKey.rawValue == 14)
        #expect(OffsetCommitRequest.apiKey.rawValue == 8 && OffsetCommitResponse.apiKey.rawValue == 8)
        #expect(OffsetFetchRequest.apiKey.rawValue == 9 && OffsetFetchResponse.apiKey.rawValue == 9)
        #expect(DescribeGroupsRequest.apiKey.rawValue == 15 && DescribeGroupsResponse.apiKey.rawValue == 15)
        #expect(ListGroupsRequest.apiKey.rawValue == 16 && ListGroupsResponse.apiKey.rawValue == 16)
        // MinVersion 0 everywhere: librdkafka disables its balanced consumer otherwise
        // (docs/protocols/kafka-client-needs.md §2).
        let ranges: [ClosedRange<Int16>] = [
            FindCoordinatorRequest.supportedVersions, JoinGroupRequest.supportedVersions,
            HeartbeatRequest.supportedVersions, LeaveGroupRequest.supportedVersions,
            SyncGroupRequest.supportedVersions, OffsetCommitRequest.supportedVersions,
            OffsetFetchRequest.supportedVersions, DescribeGroupsRequest.supportedVersions,
            ListGroupsRequest.supportedVersions,
        ]
        #expect(ranges == [0...2, 0...5, 0...3, 0...3, 0...3, 0...7, 0...7, 0...4, 0...2])
        // Responses cover the same versions as their requests.
        let responseRanges: [ClosedRange<Int16>] = [
            FindCoordinatorResponse.supportedVersions, JoinGroupResponse.supportedVersions,
            HeartbeatResponse.supportedVersions, LeaveGroupResponse.supportedVersions,
            SyncGroupResponse.supportedVersions, OffsetCommitResponse.supportedVersions,
            OffsetFetchResponse.supportedVersions, DescribeGroupsResponse.supportedVersions,
            ListGroupsResponse.supportedVersions,
        ]
        #expect(responseRanges == ranges)
    }
}
