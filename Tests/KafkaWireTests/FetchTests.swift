import KafkaWire
import NIOCore
import Testing

@Suite("Fetch")
struct FetchTests {
    typealias C = MessageCodecChecks

    /// Fetch v11 as librdkafka 2.0.2 sends it (docs/protocols/kafka-client-needs.md §3): consumer (ReplicaId -1),
    /// read_committed, no fetch session (SessionId 0, SessionEpoch -1), no forgotten topics, empty RackId.
    static let librdkafkaV11Request: [UInt8] =
        [0xFF, 0xFF, 0xFF, 0xFF]  // ReplicaId -1
        + [0x00, 0x00, 0x01, 0xF4]  // MaxWaitMs 500
        + [0x00, 0x00, 0x00, 0x01]  // MinBytes 1
        + [0x03, 0x20, 0x00, 0x00]  // MaxBytes 52428800
        + [0x01]  // IsolationLevel READ_COMMITTED
        + [0x00, 0x00, 0x00, 0x00]  // SessionId 0
        + [0xFF, 0xFF, 0xFF, 0xFF]  // SessionEpoch -1
        + [0x00, 0x00, 0x00, 0x01]  // Topics: 1
        + [0x00, 0x05] + Array("users".utf8)  // Topic
        + [0x00, 0x00, 0x00, 0x01]  // Partitions: 1
        + [0x00, 0x00, 0x00, 0x00]  // Partition 0
        + [0xFF, 0xFF, 0xFF, 0xFF]  // CurrentLeaderEpoch -1 (v9+)
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07]  // FetchOffset 7
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // LogStartOffset -1 (v5+)
        + [0x00, 0x10, 0x00, 0x00]  // PartitionMaxBytes 1048576
        + [0x00, 0x00, 0x00, 0x00]  // ForgottenTopicsData: 0 (v7+)
        + [0x00, 0x00]  // RackId "" (v11)

    @Test func decodesLibrdkafkaV11Request() throws {
        let request = try FetchRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV11Request), version: 11)
        let expected = FetchRequest(
            replicaId: -1,
            maxWaitMs: 500,
            minBytes: 1,
            maxBytes: 52_428_800,
            isolationLevel: 1,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [
                .init(
                    topic: "users",
                    partitions: [
                        .init(
                            partition: 0,
                            currentLeaderEpoch: -1,
                            fetchOffset: 7,
                            logStartOffset: -1,
                            partitionMaxBytes: 1_048_576
                        )
                    ]
                )
            ],
            forgottenTopicsData: [],
            rackId: ""
        )
        #expect(request == expected)
        #expect(C.encoded(request, version: 11) == Self.librdkafkaV11Request)
        C.expectMalformedCasesThrow(FetchRequest.self, bytes: Self.librdkafkaV11Request, version: 11)
    }

    static let batches: ByteBuffer = {
        var buffer = C.recordBatch(baseOffset: 7, count: 2)
        buffer.writeImmutableBuffer(C.recordBatch(baseOffset: 9, count: 3))
        return buffer
    }()

    /// The v11 answer to the request above: two stored batches (offsets 7-8 and 9-11) returned as they are, LSO =
    /// HWM (no transactions), AbortedTransactions null, PreferredReadReplica -1.
    static var v11Response: [UInt8] {
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0
            + [0x00, 0x00]  // ErrorCode 0 (v7+)
            + [0x00, 0x00, 0x00, 0x00]  // SessionId 0 (v7+)
            + [0x00, 0x00, 0x00, 0x01]  // Responses: 1
            + [0x00, 0x05] + Array("users".utf8)  // Topic
            + [0x00, 0x00, 0x00, 0x01]  // Partitions: 1
            + [0x00, 0x00, 0x00, 0x00]  // PartitionIndex 0
            + [0x00, 0x00]  // ErrorCode 0
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C]  // HighWatermark 12
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C]  // LastStableOffset 12
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]  // LogStartOffset 0
            + [0xFF, 0xFF, 0xFF, 0xFF]  // AbortedTransactions null
            + [0xFF, 0xFF, 0xFF, 0xFF]  // PreferredReadReplica -1
            + C.int32(Int32(batches.readableBytes)) + Array(batches.readableBytesView)  // Records
    }

    static let v11ResponseValue = FetchResponse(
        responses: [
            .init(
                topic: "users",
                partitions: [
                    .init(
                        partitionIndex: 0,
                        highWatermark: 12,
                        lastStableOffset: 12,
                        logStartOffset: 0,
                        abortedTransactions: nil,
                        preferredReadReplica: -1,
                        records: batches
                    )
                ]
            )
        ]
    )

    @Test func encodesV11ResponseWithRecordsUnchanged() throws {
        let bytes = C.encoded(Self.v11ResponseValue, version: 11)
        #expect(bytes == Self.v11Response)
        // The records are the tail of the body, byte for byte.
        #expect(Array(bytes.suffix(Self.batches.readableBytes)) == Array(Self.batches.readableBytesView))

        let decoded = try FetchResponse(decoding: ByteBuffer(bytes: bytes), version: 11)
        #expect(decoded == Self.v11ResponseValue)
        #expect(decoded.responses[0].partitions[0].records == Self.batches)
        C.expectMalformedCasesThrow(FetchResponse.self, bytes: Self.v11Response, version: 11)
    }

    @Test func encodingAppendsToAnExistingBuffer() throws {
        // A frame header already written: the body follows it and the records keep their bytes.
        var buffer = ByteBuffer(bytes: [0xAA, 0xBB])
        Self.v11ResponseValue.encode(into: &buffer, version: 11)
        #expect(Array(buffer.readableBytesView) == [0xAA, 0xBB] + Self.v11Response)
    }

    @Test func abortedTransactionsAndNullRecords() throws {
        let response = FetchResponse(
            responses: [
                .init(
                    topic: "t",
                    partitions: [
                        .init(
                            partitionIndex: 1,
                            errorCode: .offsetOutOfRange,
                            highWatermark: 5,
                            lastStableOffset: 4,
                            abortedTransactions: [.init(producerId: 9, firstOffset: 2)],
                            records: nil
                        )
                    ]
                )
            ]
        )
        let bytes = C.encoded(response, version: 4)
        #expect(
            bytes
                == C.int32(0) + C.int32(1) + C.string("t") + C.int32(1) + C.int32(1) + C.int16(1) + C.int64(5)
                + C.int64(4) + C.int32(1) + C.int64(9) + C.int64(2) + C.int32(-1)
        )
        #expect(try FetchResponse(decoding: ByteBuffer(bytes: bytes), version: 4) == response)
    }

    static func request(version: Int16) -> FetchRequest {
        FetchRequest(
            maxWaitMs: 100,
            minBytes: 1,
            maxBytes: 1024,
            isolationLevel: 1,
            sessionId: version >= 7 ? 5 : 0,
            sessionEpoch: version >= 7 ? 2 : -1,
            topics: [
                .init(
                    topic: "users",
                    partitions: [
                        .init(
                            partition: 0,
                            currentLeaderEpoch: version >= 9 ? 3 : -1,
                            fetchOffset: 10,
                            logStartOffset: version >= 5 ? 1 : -1,
                            partitionMaxBytes: 512
                        ),
                        .init(partition: 1, fetchOffset: 0, partitionMaxBytes: 512),
                    ]
                ),
                .init(topic: "none", partitions: []),
            ],
            forgottenTopicsData: version >= 7
                ? [.init(topic: "old", partitions: [0, 2]), .init(topic: "x", partitions: [])] : [],
            rackId: version >= 11 ? "rack-a" : ""
        )
    }

    static func response(version: Int16) -> FetchResponse {
        FetchResponse(
            throttleTimeMs: 3,
            errorCode: version >= 7 ? .fetchSessionIdNotFound : .none,
            sessionId: version >= 7 ? 5 : 0,
            responses: [
                .init(
                    topic: "users",
                    partitions: [
                        .init(
                            partitionIndex: 0,
                            highWatermark: 12,
                            lastStableOffset: 12,
                            logStartOffset: version >= 5 ? 0 : -1,
                            abortedTransactions: [],
                            preferredReadReplica: version >= 11 ? 2 : -1,
                            records: batches
                        ),
                        .init(
                            partitionIndex: 1,
                            errorCode: .notLeaderOrFollower,
                            highWatermark: -1,
                            abortedTransactions: [.init(producerId: 1, firstOffset: 0)],
                            records: ByteBuffer()
                        ),
                        .init(partitionIndex: 2, highWatermark: 0, records: nil),
                    ]
                )
            ]
        )
    }

    @Test(arguments: FetchRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: FetchResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.response(version: version), version: version)
    }

    @Test func absurdCountsAreRefusedBeforeAllocating() {
        let header = C.int32(-1) + C.int32(0) + C.int32(0) + C.int32(0) + [0x00] + C.int32(0) + C.int32(-1)
        C.expectTruncated(FetchRequest.self, bytes: header + C.int32(0x4000_0000) + [0, 0, 0, 0], version: 11)
        C.expectTruncated(
            FetchRequest.self,
            bytes: header + C.int32(1) + C.string("t") + C.int32(2) + [UInt8](repeating: 0, count: 40),
            version: 11
        )
        // One partition with an aborted-transactions count of 2^28.
        C.expectTruncated(
            FetchResponse.self,
            bytes: C.int32(0) + C.int16(0) + C.int32(0) + C.int32(1) + C.string("t") + C.int32(1) + C.int32(0)
                + C.int16(0) + C.int64(0) + C.int64(0) + C.int64(0) + C.int32(0x1000_0000)
                + [UInt8](repeating: 0, count: 8),
            version: 11
        )
    }

    @Test func negativeRecordsLengthIsMalformed() {
        var bytes = Self.v11Response
        let lengthAt = bytes.count - Self.batches.readableBytes - 4
        bytes.replaceSubrange(lengthAt..<(lengthAt + 4), with: C.int32(-2))
        let error = #expect(throws: KafkaWireError.self) {
            try FetchResponse(decoding: ByteBuffer(bytes: bytes), version: 11)
        }
        #expect(error?.code == .malformed)
    }
}
