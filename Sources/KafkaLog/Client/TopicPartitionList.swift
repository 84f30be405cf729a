import CRdKafka
import UserStreamCore

/// An owned `rd_kafka_topic_partition_list_t`, destroyed with this value's last use.
///
/// Not `Sendable`: built and used on one thread.
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ partitions: [TopicPartition], offsets: [TopicPartition: Int64] = [:]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(partitions.count))
        for partition in partitions {
            let element = rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)
            if let offset = offsets[partition] { element?.pointee.offset = offset }
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    var elements: UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
        Self.elements(of: pointer)
    }

    static func elements(
        of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) -> UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
        guard let list, list.pointee.cnt > 0 else { return UnsafeMutableBufferPointer(start: nil, count: 0) }
        return UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
    }

    /// The topic-partitions of a list librdkafka owns.
    static func topicPartitions(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        elements(of: list).map { TopicPartition(topic: String(cString: $0.topic), partition: $0.partition) }
    }
}
