/// Kafka's default partitioner for keyed records, bit-for-bit as the Java client
/// (`BuiltInPartitioner.partitionForKey`): `toPositive(murmur2(key)) % numPartitions`, so a key lands on the same
/// partition here as with any Kafka producer.
public enum KafkaPartitioner {
    /// The partition of `key` among `numPartitions` partitions.
    public static func partition(forKey key: some Sequence<UInt8>, numPartitions: Int32) -> Int32 {
        precondition(numPartitions > 0, "numPartitions must be positive")
        return (murmur2(key) & 0x7FFF_FFFF) % numPartitions
    }

    /// MurmurHash2 (32-bit) with Kafka's seed 0x9747b28c, as `org.apache.kafka.common.utils.Utils.murmur2`.
    public static func murmur2(_ key: some Sequence<UInt8>) -> Int32 {
        if let hash = key.withContiguousStorageIfAvailable({ murmur2(UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(key).withUnsafeBytes { murmur2($0) }
    }

    /// MurmurHash2 of raw bytes.
    public static func murmur2(_ data: UnsafeRawBufferPointer) -> Int32 {
        let length = data.count
        let m: UInt32 = 0x5BD1_E995
        let r: UInt32 = 24
        var h: UInt32 = 0x9747_B28C ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        for block in 0..<blocks {
            var k = UInt32(littleEndian: data.loadUnaligned(fromByteOffset: block * 4, as: UInt32.self))
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length & ~3
        switch length % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }
}
