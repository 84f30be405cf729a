import EmbeddedLog
import KafkaWire
import NIOCore
import UserStreamCore

extension KafkaRequestHandler {
    /// Metadata: this node is the only broker, the controller, and the leader (and only replica) of every partition.
    /// A requested topic that does not exist is created when auto-creation is on and the client allows it.
    func metadata(_ request: MetadataRequest, version: Int16) -> MetadataResponse {
        let broker = MetadataResponse.MetadataResponseBroker(
            nodeId: configuration.nodeId,
            host: advertisedHost,
            port: advertisedPort,
            rack: nil
        )
        var known = (try? log.topicPartitionCounts()) ?? [:]
        let names: [String]
        if let requested = request.topics, !(version == 0 && requested.isEmpty) {
            names = requested.compactMap(\.name)
        } else {
            names = known.keys.sorted()
        }
        // Before v4 a Metadata request always allowed auto-creation.
        let allowCreation = configuration.autoCreateTopics && (version < 4 || request.allowAutoTopicCreation)
        var topics: [MetadataResponse.MetadataResponseTopic] = []
        for name in names {
            if known[name] == nil {
                do {
                    try EmbeddedLog.validate(topic: name)
                } catch {
                    topics.append(topicMetadata(name, error: .invalidTopicException))
                    continue
                }
                guard allowCreation else {
                    topics.append(topicMetadata(name, error: .unknownTopicOrPartition))
                    continue
                }
                do {
                    let (count, created) = try log.ensureTopic(name, partitions: configuration.defaultPartitions)
                    known[name] = count
                    if created {
                        logger.info(
                            "kafka.topic_auto_created",
                            metadata: ["kafka.topic": "\(name)", "kafka.partitions": "\(count)"]
                        )
                    }
                } catch {
                    topics.append(topicMetadata(name, error: Self.errorCode(for: error)))
                    continue
                }
            }
            topics.append(topicMetadata(name, error: .none, partitions: known[name] ?? 0))
        }
        return MetadataResponse(
            throttleTimeMs: 0,
            brokers: [broker],
            clusterId: configuration.clusterId,
            controllerId: configuration.nodeId,
            topics: topics,
            clusterAuthorizedOperations: Int32.min
        )
    }

    private func topicMetadata(
        _ name: String,
        error: KafkaErrorCode,
        partitions: Int = 0
    ) -> MetadataResponse.MetadataResponseTopic {
        let node = configuration.nodeId
        return MetadataResponse.MetadataResponseTopic(
            errorCode: error,
            name: name,
            isInternal: false,
            partitions: (0..<partitions).map { index in
                MetadataResponse.MetadataResponsePartition(
                    errorCode: .none,
                    partitionIndex: Int32(index),
                    leaderId: node,
                    leaderEpoch: 0,
                    replicaNodes: [node],
                    isrNodes: [node],
                    offlineReplicas: []
                )
            },
            topicAuthorizedOperations: Int32.min
        )
    }

    /// ListOffsets: -1 is the end (high watermark, = last stable offset: there are no transactions), -2 the
    /// earliest, any other value the first offset with a timestamp at or after it (-1 when there is none).
    func listOffsets(_ request: ListOffsetsRequest, version: Int16) -> ListOffsetsResponse {
        let known = (try? log.topicPartitionCounts()) ?? [:]
        let topics = request.topics.map { topic in
            ListOffsetsResponse.ListOffsetsTopicResponse(
                name: topic.name,
                partitions: topic.partitions.map { partition in
                    let topicPartition = TopicPartition(topic: topic.name, partition: partition.partitionIndex)
                    var response = ListOffsetsResponse.ListOffsetsPartitionResponse(
                        partitionIndex: partition.partitionIndex,
                        errorCode: .none,
                        oldStyleOffsets: [],
                        timestamp: -1,
                        offset: -1,
                        leaderEpoch: 0
                    )
                    guard let count = known[topic.name], partition.partitionIndex >= 0,
                        partition.partitionIndex < count
                    else {
                        response.errorCode = .unknownTopicOrPartition
                        return response
                    }
                    do {
                        let range = try log.offsetRange(of: topicPartition)
                        switch partition.timestamp {
                        case -1:
                            response.offset = range.end
                        case -2:
                            response.offset = range.earliest
                        default:
                            if let found = try log.offset(forTimestamp: partition.timestamp, in: topicPartition) {
                                response.offset = found.offset
                                response.timestamp = found.timestamp
                            }
                        }
                        if version == 0 {
                            response.oldStyleOffsets = response.offset >= 0 ? [response.offset] : []
                        }
                    } catch {
                        response.errorCode = Self.errorCode(for: error)
                    }
                    return response
                }
            )
        }
        return ListOffsetsResponse(throttleTimeMs: 0, topics: topics)
    }
}
