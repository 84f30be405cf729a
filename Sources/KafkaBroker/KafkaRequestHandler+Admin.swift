import EmbeddedLog
import KafkaWire
import NIOCore
import UserStreamCore

extension KafkaRequestHandler {
    /// CreateTopics: one broker, so a replication factor above 1 is refused as Kafka refuses it.
    func createTopics(_ request: CreateTopicsRequest) -> CreateTopicsResponse {
        let results = request.topics.map { topic -> CreateTopicsResponse.CreatableTopicResult in
            func result(_ error: KafkaErrorCode, _ message: String?) -> CreateTopicsResponse.CreatableTopicResult {
                CreateTopicsResponse.CreatableTopicResult(name: topic.name, errorCode: error, errorMessage: message)
            }
            do {
                try EmbeddedLog.validate(topic: topic.name)
            } catch {
                return result(.invalidTopicException, "\(error)")
            }
            let known = (try? log.topicPartitionCounts()) ?? [:]
            if known[topic.name] != nil {
                return result(.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
            }
            let partitions = topic.numPartitions == -1 ? configuration.defaultPartitions : Int(topic.numPartitions)
            guard (1...100_000).contains(partitions) else {
                return result(.invalidPartitions, "Number of partitions must be in 1...100000, got \(partitions).")
            }
            guard topic.replicationFactor == -1 || topic.replicationFactor == 1 else {
                return result(
                    .invalidReplicationFactor,
                    "Replication factor: \(topic.replicationFactor) larger than available brokers: 1."
                )
            }
            if request.validateOnly { return result(.none, nil) }
            do {
                _ = try log.ensureTopic(topic.name, partitions: partitions)
                logger.info(
                    "kafka.topic_created",
                    metadata: ["kafka.topic": "\(topic.name)", "kafka.partitions": "\(partitions)"]
                )
                return result(.none, nil)
            } catch {
                return result(Self.errorCode(for: error), "\(error)")
            }
        }
        return CreateTopicsResponse(throttleTimeMs: 0, topics: results)
    }

    func deleteTopics(_ request: DeleteTopicsRequest) async -> DeleteTopicsResponse {
        var results: [DeleteTopicsResponse.DeletableTopicResult] = []
        for name in request.topicNames {
            do {
                try await log.deleteTopic(name)
                logger.info("kafka.topic_deleted", metadata: ["kafka.topic": "\(name)"])
                results.append(.init(name: name, errorCode: .none))
            } catch {
                logger.info("kafka.topic_delete_failed", metadata: ["kafka.topic": "\(name)", "error": "\(error)"])
                results.append(.init(name: name, errorCode: Self.errorCode(for: error)))
            }
        }
        return DeleteTopicsResponse(throttleTimeMs: 0, responses: results)
    }

    /// InitProducerId for idempotent producers; transactions are not supported.
    func initProducerId(_ request: InitProducerIdRequest) -> InitProducerIdResponse {
        if request.transactionalId != nil {
            logger.warning("kafka.transactions_unsupported")
            return InitProducerIdResponse(
                throttleTimeMs: 0,
                errorCode: .invalidRequest,
                producerId: -1,
                producerEpoch: -1
            )
        }
        if request.producerId >= 0 {
            // An epoch bump for a producer this broker already knows.
            let epoch = request.producerEpoch < Int16.max - 1 ? request.producerEpoch + 1 : 0
            let id = epoch == 0 ? producers.allocateProducerId() : request.producerId
            return InitProducerIdResponse(throttleTimeMs: 0, errorCode: .none, producerId: id, producerEpoch: epoch)
        }
        return InitProducerIdResponse(
            throttleTimeMs: 0,
            errorCode: .none,
            producerId: producers.allocateProducerId(),
            producerEpoch: 0
        )
    }

    /// DescribeConfigs for topics (resource type 2) and the broker (4): the settings the embedded log applies.
    func describeConfigs(_ request: DescribeConfigsRequest) -> DescribeConfigsResponse {
        let known = (try? log.topicPartitionCounts()) ?? [:]
        let logConfiguration = log.configuration
        let results = request.resources.map { resource -> DescribeConfigsResponse.DescribeConfigsResult in
            var entries: [(String, String?)]
            var error = KafkaErrorCode.none
            var message: String? = nil
            switch resource.resourceType {
            case 2:
                entries = [
                    ("cleanup.policy", "delete"),
                    ("compression.type", "producer"),
                    ("max.message.bytes", "\(logConfiguration.maxBatchBytes)"),
                    ("min.insync.replicas", "1"),
                    ("retention.bytes", "\(logConfiguration.retentionBytes ?? -1)"),
                    ("retention.ms", "\(logConfiguration.retentionMilliseconds ?? -1)"),
                    ("segment.bytes", "\(logConfiguration.segmentBytes)"),
                ]
                if known[resource.resourceName] == nil {
                    error = .unknownTopicOrPartition
                    message = "Topic '\(resource.resourceName)' does not exist."
                    entries = []
                }
            case 4:
                entries = [
                    ("auto.create.topics.enable", "\(configuration.autoCreateTopics)"),
                    ("broker.id", "\(configuration.nodeId)"),
                    ("message.max.bytes", "\(logConfiguration.maxBatchBytes)"),
                    ("num.partitions", "\(configuration.defaultPartitions)"),
                    ("socket.request.max.bytes", "\(configuration.maxRequestBytes)"),
                ]
            default:
                entries = []
                error = .invalidRequest
                message = "resource type \(resource.resourceType) is not supported"
            }
            if let keys = resource.configurationKeys {
                entries = entries.filter { keys.contains($0.0) }
            }
            return DescribeConfigsResponse.DescribeConfigsResult(
                errorCode: error,
                errorMessage: message,
                resourceType: resource.resourceType,
                resourceName: resource.resourceName,
                configs: entries.map { name, value in
                    DescribeConfigsResponse.DescribeConfigsResourceResult(
                        name: name,
                        value: value,
                        readOnly: true,
                        isDefault: false,
                        configSource: resource.resourceType == 2 ? 5 : 4,
                        isSensitive: false,
                        synonyms: [],
                        configType: 0,
                        documentation: nil
                    )
                }
            )
        }
        return DescribeConfigsResponse(throttleTimeMs: 0, results: results)
    }
}
