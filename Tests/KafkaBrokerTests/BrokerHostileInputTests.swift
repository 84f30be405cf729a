import KafkaBrokerTestSupport
import KafkaWire
import NIOCore
import Testing
import UserStreamCore

/// What the broker does with bytes no honest client sends: it bounds sizes before allocating, closes the offending
/// connection as Kafka does, answers protocol-level problems with Kafka's error codes, and never lets one bad
/// connection disturb another.
@Suite struct BrokerHostileInputTests {
    func metadataWorks(port: Int) async throws -> Bool {
        let client = try await RawKafkaClient.connect(port: port)
        let request = RawKafkaClient.request(.metadata, version: 1) { body in
            MetadataRequest(topics: [], allowAutoTopicCreation: false).encode(into: &body, version: 1)
        }
        guard case .frame(var frame) = try await client.exchange(request) else { return false }
        return (try? frame.readKafkaInteger(as: Int32.self)) == 7
    }

    @Test(arguments: [Int32.max, 200 * 1024 * 1024, -1] as [Int32])
    func anOversizedOrNegativeSizePrefixClosesOnlyThatConnection(size: Int32) async throws {
        try await withTestKafkaBroker { broker in
            let bystander = try await RawKafkaClient.connect(port: broker.port)
            let hostile = try await RawKafkaClient.connect(port: broker.port)
            var bytes = ByteBuffer()
            bytes.writeInteger(size)
            bytes.writeBytes([0, 3, 0, 1])
            let reply = try await hostile.exchange(bytes)
            guard case .closed = reply else {
                Issue.record("a \(size)-byte size prefix was not refused")
                return
            }
            let request = RawKafkaClient.request(.apiVersions, version: 0) { _ in }
            guard case .frame = try await bystander.exchange(request) else {
                Issue.record("the other connection was disturbed")
                return
            }
            #expect(try await metadataWorks(port: broker.port))
        }
    }

    @Test func aFrameOverTheConfiguredRequestLimitIsRefusedBeforeItArrives() async throws {
        try await withTestKafkaBroker(configure: { $0.maxRequestBytes = 4096 }) { broker in
            let client = try await RawKafkaClient.connect(port: broker.port)
            var bytes = ByteBuffer()
            bytes.writeInteger(Int32(4097))
            bytes.writeRepeatingByte(0, count: 64)
            guard case .closed = try await client.exchange(bytes) else {
                Issue.record("a frame over max-request-bytes was accepted")
                return
            }
        }
    }

    @Test func unknownApiKeysAndUnsupportedVersionsCloseTheConnection() async throws {
        try await withTestKafkaBroker { broker in
            for (key, version) in [(KafkaApiKey(999), Int16(0)), (.metadata, 99), (.produce, 0), (.fetch, 99)] {
                let client = try await RawKafkaClient.connect(port: broker.port)
                let reply = try await client.exchange(RawKafkaClient.request(key, version: version) { _ in })
                guard case .closed = reply else {
                    Issue.record("\(key) v\(version) was answered instead of closing the connection")
                    continue
                }
            }
            #expect(try await metadataWorks(port: broker.port))
        }
    }

    @Test func anUnsupportedApiVersionsVersionIsAnsweredInV0WithTheSupportedRanges() async throws {
        try await withTestKafkaBroker { broker in
            let client = try await RawKafkaClient.connect(port: broker.port)
            let reply = try await client.exchange(
                RawKafkaClient.request(.apiVersions, version: 77) { $0.writeBytes([1, 2, 3]) }
            )
            guard case .frame(var frame) = reply else {
                Issue.record("no answer")
                return
            }
            #expect(try frame.readKafkaInteger(as: Int32.self) == 7)
            let response = try ApiVersionsResponse(decoding: frame, version: 0)
            #expect(response.errorCode == .unsupportedVersion)
            let groupApis: [KafkaApiKey] = [.findCoordinator, .joinGroup, .syncGroup, .heartbeat, .leaveGroup]
            for key in groupApis {
                #expect(response.apiKeys.first { $0.apiKey == key }?.minVersion == 0, "\(key) must start at v0")
            }
        }
    }

    @Test func anArrayCountBeyondTheBytesLeftClosesWithoutAllocating() async throws {
        try await withTestKafkaBroker { broker in
            let client = try await RawKafkaClient.connect(port: broker.port)
            let request = RawKafkaClient.request(.metadata, version: 1) { body in
                body.writeInteger(Int32(1_000_000_000))
            }
            guard case .closed = try await client.exchange(request) else {
                Issue.record("a billion-element array in a 4-byte body was accepted")
                return
            }
            #expect(try await metadataWorks(port: broker.port))
        }
    }

    func produce(port: Int, topic: String, records: ByteBuffer) async throws -> ProduceResponse {
        let client = try await RawKafkaClient.connect(port: port)
        let request = RawKafkaClient.request(.produce, version: 7) { body in
            ProduceRequest(
                transactionalId: nil,
                acks: -1,
                timeoutMs: 5000,
                topicData: [
                    .init(name: topic, partitionData: [.init(index: 0, records: records)])
                ]
            ).encode(into: &body, version: 7)
        }
        guard case .frame(var frame) = try await client.exchange(request) else { throw RawKafkaClient.TimedOut() }
        #expect(try frame.readKafkaInteger(as: Int32.self) == 7)
        return try ProduceResponse(decoding: frame, version: 7)
    }

    func batch(values: [String], size: Int = 0) -> ByteBuffer {
        var builder = KafkaRecordBatchBuilder(buffer: ByteBuffer())
        for value in values {
            builder.append(
                timestamp: 1_700_000_000_000,
                key: nil,
                value: Array(value.utf8) + [UInt8](repeating: 0x61, count: size),
                headers: [(key: String, value: [UInt8]?)]()
            )
        }
        return builder.finish()
    }

    @Test func aBatchWithABadCRCIsRefusedWithCorruptMessageAndNothingIsStored() async throws {
        try await withTestKafkaBroker { broker in
            try await broker.log.createTopic("crc", partitions: 1)
            var records = batch(values: ["a", "b"])
            let last = records.writerIndex - 1
            records.setInteger(records.getInteger(at: last, as: UInt8.self)! ^ 0xFF, at: last)
            let response = try await produce(port: broker.port, topic: "crc", records: records)
            #expect(response.responses.first?.partitionResponses.first?.errorCode == .corruptMessage)
            #expect(try broker.log.offsetRange(of: TopicPartition(topic: "crc", partition: 0)).end == 0)

            let good = try await produce(port: broker.port, topic: "crc", records: batch(values: ["a", "b"]))
            #expect(good.responses.first?.partitionResponses.first?.errorCode == KafkaErrorCode.none)
            #expect(try broker.log.offsetRange(of: TopicPartition(topic: "crc", partition: 0)).end == 2)
        }
    }

    @Test func aBatchOverTheBatchLimitIsRefusedWithMessageTooLarge() async throws {
        try await withTestKafkaBroker { broker in
            try await broker.log.createTopic("big", partitions: 1)
            let response = try await produce(
                port: broker.port,
                topic: "big",
                records: batch(values: ["x"], size: 1_100_000)
            )
            #expect(response.responses.first?.partitionResponses.first?.errorCode == .messageTooLarge)
            #expect(try broker.log.offsetRange(of: TopicPartition(topic: "big", partition: 0)).end == 0)
        }
    }

    @Test func producingToAMissingTopicOrPartitionIsAnErrorNotACreation() async throws {
        try await withTestKafkaBroker { broker in
            let response = try await produce(port: broker.port, topic: "nowhere", records: batch(values: ["a"]))
            #expect(response.responses.first?.partitionResponses.first?.errorCode == .unknownTopicOrPartition)
            #expect(try broker.log.topicPartitionCounts()["nowhere"] == nil)
        }
    }
}

@Suite struct BrokerTopicAutoCreationTests {
    func metadata(port: Int, topic: String) async throws -> MetadataResponse {
        let client = try await RawKafkaClient.connect(port: port)
        let request = RawKafkaClient.request(.metadata, version: 4) { body in
            MetadataRequest(topics: [.init(name: topic)], allowAutoTopicCreation: true).encode(into: &body, version: 4)
        }
        guard case .frame(var frame) = try await client.exchange(request) else { throw RawKafkaClient.TimedOut() }
        _ = try frame.readKafkaInteger(as: Int32.self)
        return try MetadataResponse(decoding: frame, version: 4)
    }

    @Test func onByDefaultAMissingTopicIsCreatedWithThreePartitions() async throws {
        try await withTestKafkaBroker { broker in
            let response = try await metadata(port: broker.port, topic: "fresh")
            #expect(response.topics.first?.errorCode == KafkaErrorCode.none)
            #expect(response.topics.first?.partitions.count == 3)
            #expect(try broker.log.topicPartitionCounts()["fresh"] == 3)
        }
    }

    @Test func turnedOffAMissingTopicIsUnknownAndNotCreated() async throws {
        try await withTestKafkaBroker(configure: { $0.autoCreateTopics = false }) { broker in
            let response = try await metadata(port: broker.port, topic: "fresh")
            #expect(response.topics.first?.errorCode == .unknownTopicOrPartition)
            #expect(try broker.log.topicPartitionCounts()["fresh"] == nil)
        }
    }
}
