import Testing
import UserStreamCore

@testable import KafkaLog

@Suite("ConsumerBuffer: fair, ordered hand-out of drained records")
struct ConsumerBufferTests {
    static func record(_ partition: Int32, _ offset: Int64, topic: String = "t") -> ConsumedRecord {
        ConsumedRecord(
            topic: topic,
            partition: partition,
            offset: offset,
            timestamp: 0,
            key: nil,
            value: nil,
            headers: []
        )
    }

    @Test func everyPartitionGetsItsShare() {
        var buffer = ConsumerBuffer()
        // As librdkafka delivers one fetch response: all of partition 0, then 1, then 2.
        for partition in Int32(0)..<3 {
            for offset in Int64(0)..<200 { buffer.append(Self.record(partition, offset)) }
        }
        #expect(buffer.count == 600)
        let taken = buffer.take(maxRecords: 30)
        #expect(taken.count == 30)
        #expect(Set(taken.map(\.partition)) == [0, 1, 2])
        #expect(buffer.count == 570)
    }

    @Test func offsetOrderPerPartitionAndRemainderFilled() {
        var buffer = ConsumerBuffer()
        for offset in Int64(0)..<5 { buffer.append(Self.record(0, offset)) }
        for offset in Int64(10)..<100 { buffer.append(Self.record(1, offset)) }
        var seen: [Int32: [Int64]] = [:]
        while !buffer.isEmpty {
            let batch = buffer.take(maxRecords: 20)
            #expect(batch.count == min(20, batch.count))
            for record in batch { seen[record.partition, default: []].append(record.offset) }
        }
        #expect(seen[0] == Array(0..<5))
        #expect(seen[1] == Array(10..<100))
        // The first take fills up from partition 1 when partition 0 runs out.
        var again = ConsumerBuffer()
        for offset in Int64(0)..<5 { again.append(Self.record(0, offset)) }
        for offset in Int64(0)..<100 { again.append(Self.record(1, offset)) }
        #expect(again.take(maxRecords: 20).count == 20)
    }

    @Test func removingRevokedPartitions() {
        var buffer = ConsumerBuffer()
        for offset in Int64(0)..<10 {
            buffer.append(Self.record(0, offset))
            buffer.append(Self.record(1, offset))
        }
        buffer.remove([TopicPartition(topic: "t", partition: 0)])
        #expect(buffer.count == 10)
        #expect(buffer.nextOffset(of: TopicPartition(topic: "t", partition: 0)) == nil)
        #expect(buffer.nextOffset(of: TopicPartition(topic: "t", partition: 1)) == 0)
        let rest = buffer.take(maxRecords: 100)
        #expect(rest.map(\.partition) == Array(repeating: 1, count: 10))
        #expect(buffer.isEmpty && buffer.take(maxRecords: 10).isEmpty)
    }

    @Test func zeroMaxRecords() {
        var buffer = ConsumerBuffer()
        buffer.append(Self.record(0, 0))
        #expect(buffer.take(maxRecords: 0).isEmpty)
        #expect(buffer.count == 1)
    }
}
