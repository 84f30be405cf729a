import KafkaWire
import Testing

@Suite("Default partitioner")
struct KafkaPartitionerTests {
    // Kafka's UtilsTest.testMurmur2.
    static let vectors: [(String, Int32)] = [
        ("21", -973_932_308),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ]

    @Test(arguments: vectors)
    func murmur2MatchesJava(key: String, hash: Int32) {
        #expect(KafkaPartitioner.murmur2(Array(key.utf8)) == hash)
    }

    @Test
    func partitionIsPositiveModulo() {
        // toPositive(-973932308) = 1173551340; % 3 = 0, % 7 = 1173551340 % 7.
        #expect(KafkaPartitioner.partition(forKey: Array("21".utf8), numPartitions: 3) == 1_173_551_340 % 3)
        #expect(KafkaPartitioner.partition(forKey: Array("21".utf8), numPartitions: 7) == 1_173_551_340 % 7)
        #expect(KafkaPartitioner.partition(forKey: Array("abc".utf8), numPartitions: 10) == 479_470_107 % 10)
        for length in 0..<40 {
            let key = [UInt8](repeating: 0xAB, count: length)
            let partition = KafkaPartitioner.partition(forKey: key, numPartitions: 5)
            #expect((0..<5).contains(partition))
        }
    }
}
