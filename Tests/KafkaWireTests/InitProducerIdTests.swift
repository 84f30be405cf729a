import KafkaWire
import NIOCore
import Testing

@Suite("InitProducerId")
struct InitProducerIdTests {
    typealias C = MessageCodecChecks

    /// InitProducerId v4 (flexible) as an idempotent librdkafka 2.0.2 producer sends it: no transactional id, a
    /// new producer (ProducerId -1, ProducerEpoch -1).
    static let librdkafkaV4Request: [UInt8] =
        [0x00]  // TransactionalId null (COMPACT_NULLABLE_STRING)
        + [0x00, 0x00, 0xEA, 0x60]  // TransactionTimeoutMs 60000
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // ProducerId -1 (v3+)
        + [0xFF, 0xFF]  // ProducerEpoch -1 (v3+)
        + [0x00]  // tagged fields

    @Test func decodesLibrdkafkaV4Request() throws {
        let request = try InitProducerIdRequest(decoding: ByteBuffer(bytes: Self.librdkafkaV4Request), version: 4)
        #expect(request == InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60000))
        #expect(C.encoded(request, version: 4) == Self.librdkafkaV4Request)
        C.expectMalformedCasesThrow(InitProducerIdRequest.self, bytes: Self.librdkafkaV4Request, version: 4)
    }

    @Test func skipsUnknownTagsAndReadsCompactTransactionalId() throws {
        let bytes: [UInt8] =
            [0x04] + Array("txn".utf8)  // TransactionalId "txn" (length 3 + 1)
            + [0x00, 0x00, 0x03, 0xE8]  // TransactionTimeoutMs 1000
            + [0x02, 0x05, 0x02, 0xAB, 0xCD, 0x09, 0x00]  // two unknown tags (5: 2 bytes, 9: empty)
        let request = try InitProducerIdRequest(decoding: ByteBuffer(bytes: bytes), version: 2)
        #expect(request == InitProducerIdRequest(transactionalId: "txn", transactionTimeoutMs: 1000))
        // Written back with an empty tag section.
        #expect(C.encoded(request, version: 2) == Array(bytes.prefix(8)) + [0x00])
    }

    /// The v4 answer: producer id 1000, epoch 0.
    static let v4Response: [UInt8] =
        [0x00, 0x00, 0x00, 0x00]  // ThrottleTimeMs 0
        + [0x00, 0x00]  // ErrorCode 0
        + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8]  // ProducerId 1000
        + [0x00, 0x00]  // ProducerEpoch 0
        + [0x00]  // tagged fields

    @Test func encodesV4Response() throws {
        let response = InitProducerIdResponse(producerId: 1000, producerEpoch: 0)
        #expect(C.encoded(response, version: 4) == Self.v4Response)
        #expect(try InitProducerIdResponse(decoding: ByteBuffer(bytes: Self.v4Response), version: 4) == response)
        // v0/v1: the same fields without the tag section.
        #expect(C.encoded(response, version: 1) == Array(Self.v4Response.dropLast()))
        C.expectMalformedCasesThrow(InitProducerIdResponse.self, bytes: Self.v4Response, version: 4)
    }

    @Test func badTagSectionsThrow() {
        // Tags out of order.
        let unordered = #expect(throws: KafkaWireError.self) {
            try InitProducerIdResponse(
                decoding: ByteBuffer(bytes: Array(Self.v4Response.dropLast()) + [0x02, 0x05, 0x00, 0x03, 0x00]),
                version: 4
            )
        }
        #expect(unordered?.code == .malformed)
        // A tag claiming more bytes than there are.
        let long = #expect(throws: KafkaWireError.self) {
            try InitProducerIdResponse(
                decoding: ByteBuffer(bytes: Array(Self.v4Response.dropLast()) + [0x01, 0x00, 0x7F, 0x00]),
                version: 4
            )
        }
        #expect(long?.code == .truncated)
        // A compact string length beyond the body.
        C.expectTruncated(InitProducerIdRequest.self, bytes: [0x7F, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00], version: 4)
    }

    static func request(version: Int16) -> InitProducerIdRequest {
        InitProducerIdRequest(
            transactionalId: version.isMultiple(of: 2) ? "tx-\(version)" : nil,
            transactionTimeoutMs: 30000,
            producerId: version >= 3 ? 77 : -1,
            producerEpoch: version >= 3 ? 4 : -1
        )
    }

    @Test(arguments: InitProducerIdRequest.supportedVersions)
    func requestRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(Self.request(version: version), version: version)
    }

    @Test(arguments: InitProducerIdResponse.supportedVersions)
    func responseRoundTrip(version: Int16) throws {
        try C.expectRoundTrip(
            InitProducerIdResponse(
                throttleTimeMs: 5,
                errorCode: version == 0 ? .invalidTransactionTimeout : .none,
                producerId: 9_000_000_000,
                producerEpoch: 3
            ),
            version: version
        )
    }
}
