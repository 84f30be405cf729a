import CRdKafka
import KafkaWire
import Testing

/// librdkafka's `murmur2_random` partitioner (the producer's `partitioner`) puts keys where KafkaWire's
/// `KafkaPartitioner` — bit-for-bit the Java client — and so the embedded log put them.
@Suite("murmur2 partitioner: librdkafka = KafkaWire = Java")
struct KafkaPartitionerTests {
    static let keys: [[UInt8]] =
        ["", "a", "ab", "abc", "abcd", "abcde", "user-1", "21", "foobar", "a-little-bit-longer-key-with-31"].map {
            Array($0.utf8)
        }
        + [[0x00], [0xFF, 0xFE, 0xFD], Array(0...255), (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }]
        + (0..<200).map { Array("5f0a3b2e-\($0)-4c1d-9e8f-\($0 * 31)".utf8) }

    @Test(arguments: [1, 2, 3, 4, 7, 12, 100] as [Int32])
    func sameAsKafkaWire(partitions: Int32) {
        for key in Self.keys {
            let librdkafka = key.withUnsafeBytes { bytes in
                // A non-null pointer even for the empty key: a null key would pick a random partition.
                rd_kafka_msg_partitioner_murmur2_random(
                    nil,
                    bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                    key.count,
                    partitions,
                    nil,
                    nil
                )
            }
            let kafkaWire = KafkaPartitioner.partition(forKey: key, numPartitions: partitions)
            #expect(librdkafka == kafkaWire, "key \(key.prefix(16)) over \(partitions) partitions")
        }
    }

    @Test func javaReferenceValues() {
        // From Apache Kafka's UtilsTest.testMurmur2: Utils.murmur2("21".getBytes()) == -973932308.
        #expect(KafkaPartitioner.murmur2(Array("21".utf8)) == -973_932_308)
    }
}
