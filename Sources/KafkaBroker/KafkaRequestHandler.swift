import EmbeddedLog
import KafkaWire
import Logging
import NIOCore

/// Turns one request frame into the response frame, as the broker of a single-node cluster: every partition's
/// leader and every group's coordinator is this node. Holds no per-connection state.
final class KafkaRequestHandler: Sendable {
    enum Outcome: Sendable {
        case respond(ByteBuffer)
        /// Produce with acks=0.
        case noResponse
        /// What Kafka does with a request it cannot parse or does not know.
        case close(String)
    }

    /// The API versions this broker answers: the codecs' ranges. MinVersion is 0 for every group API, because
    /// librdkafka silently disables its balanced consumer otherwise (librdkafka-needs.md §2).
    static let supportedVersions: [KafkaApiKey: ClosedRange<Int16>] = [
        .produce: ProduceRequest.supportedVersions,
        .fetch: FetchRequest.supportedVersions,
        .listOffsets: ListOffsetsRequest.supportedVersions,
        .metadata: MetadataRequest.supportedVersions,
        .offsetCommit: OffsetCommitRequest.supportedVersions,
        .offsetFetch: OffsetFetchRequest.supportedVersions,
        .findCoordinator: FindCoordinatorRequest.supportedVersions,
        .joinGroup: JoinGroupRequest.supportedVersions,
        .heartbeat: HeartbeatRequest.supportedVersions,
        .leaveGroup: LeaveGroupRequest.supportedVersions,
        .syncGroup: SyncGroupRequest.supportedVersions,
        .describeGroups: DescribeGroupsRequest.supportedVersions,
        .listGroups: ListGroupsRequest.supportedVersions,
        .apiVersions: 0...3,
        .createTopics: CreateTopicsRequest.supportedVersions,
        .deleteTopics: DeleteTopicsRequest.supportedVersions,
        .initProducerId: InitProducerIdRequest.supportedVersions,
        .describeConfigs: DescribeConfigsRequest.supportedVersions,
    ]

    let log: EmbeddedLog
    let coordinator: GroupCoordinator
    let configuration: KafkaBrokerConfiguration
    let advertisedHost: String
    let advertisedPort: Int32
    let producers = ProducerStateTable()
    let logger: Logger

    init(
        log: EmbeddedLog,
        coordinator: GroupCoordinator,
        configuration: KafkaBrokerConfiguration,
        advertisedPort: Int,
        logger: Logger
    ) {
        self.log = log
        self.coordinator = coordinator
        self.configuration = configuration
        self.advertisedHost = configuration.effectiveAdvertisedHost
        self.advertisedPort = Int32(advertisedPort)
        self.logger = logger
    }

    func handle(frame: ByteBuffer, clientHost: String, logger: Logger) async -> Outcome {
        let header: KafkaRequestHeader
        let body: ByteBuffer
        do {
            (header, body) = try KafkaRequestHeader.decode(frame: frame)
        } catch {
            return .close("unparseable request header: \(error.message)")
        }
        let key = header.requestApiKey
        let version = header.requestApiVersion
        guard let supported = Self.supportedVersions[key] else {
            return .close("unknown API key \(key.rawValue) (correlation id \(header.correlationId))")
        }
        if key == .apiVersions {
            return .respond(answerApiVersions(header: header, body: body))
        }
        guard supported.contains(version) else {
            return .close("\(key.name) v\(version) is not supported (\(supported))")
        }
        do {
            return try await dispatch(header: header, body: body, clientHost: clientHost)
        } catch let error as KafkaWireError {
            return .close("malformed \(key.name) v\(version) request: \(error.message)")
        } catch {
            return .close("\(key.name) v\(version) failed: \(error)")
        }
    }

    private func dispatch(header: KafkaRequestHeader, body: ByteBuffer, clientHost: String) async throws -> Outcome {
        let version = header.requestApiVersion
        switch header.requestApiKey {
        case .produce:
            let request = try ProduceRequest(decoding: body, version: version)
            let response = await produce(request, version: version)
            if request.acks == 0 { return .noResponse }
            return respond(header) { response.encode(into: &$0, version: version) }
        case .fetch:
            let request = try FetchRequest(decoding: body, version: version)
            let response = await fetch(request, version: version)
            return respond(header, capacity: 256) { response.encode(into: &$0, version: version) }
        case .listOffsets:
            let response = listOffsets(try ListOffsetsRequest(decoding: body, version: version), version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .metadata:
            let response = metadata(try MetadataRequest(decoding: body, version: version), version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .offsetCommit:
            let response = await offsetCommit(try OffsetCommitRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .offsetFetch:
            let response = offsetFetch(try OffsetFetchRequest(decoding: body, version: version), version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .findCoordinator:
            let response = findCoordinator(try FindCoordinatorRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .joinGroup:
            let request = try JoinGroupRequest(decoding: body, version: version)
            let response = await joinGroup(request, clientId: header.clientId ?? "", clientHost: clientHost)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .syncGroup:
            let response = await syncGroup(try SyncGroupRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .heartbeat:
            let response = await heartbeat(try HeartbeatRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .leaveGroup:
            let response = await leaveGroup(try LeaveGroupRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .describeGroups:
            let response = await describeGroups(try DescribeGroupsRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .listGroups:
            let response = await listGroups(try ListGroupsRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .createTopics:
            let response = createTopics(try CreateTopicsRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .deleteTopics:
            let response = await deleteTopics(try DeleteTopicsRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .initProducerId:
            let response = initProducerId(try InitProducerIdRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        case .describeConfigs:
            let response = describeConfigs(try DescribeConfigsRequest(decoding: body, version: version))
            return respond(header) { response.encode(into: &$0, version: version) }
        default:
            return .close("unknown API key \(header.requestApiKey.rawValue)")
        }
    }

    private func answerApiVersions(header: KafkaRequestHeader, body: ByteBuffer) -> ByteBuffer {
        // The body of an unsupported version cannot be parsed; Kafka answers it in v0 with the supported ranges.
        let (response, version) = ApiVersionsResponse.answering(
            requestVersion: header.requestApiVersion,
            supportedVersions: Self.supportedVersions
        )
        var buffer = ByteBuffer()
        buffer.writeKafkaFrame { buffer in
            buffer.writeKafkaResponseHeader(KafkaResponseHeader(correlationId: header.correlationId), version: 0)
            response.encode(into: &buffer, version: version)
        }
        return buffer
    }

    private func respond(
        _ header: KafkaRequestHeader,
        capacity: Int = 128,
        _ encode: (inout ByteBuffer) -> Void
    ) -> Outcome {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
        buffer.writeKafkaFrame { buffer in
            buffer.writeKafkaResponseHeader(
                KafkaResponseHeader(correlationId: header.correlationId),
                version: header.requestApiKey.responseHeaderVersion(for: header.requestApiVersion)
            )
            encode(&buffer)
        }
        return .respond(buffer)
    }

    /// The Kafka error code for an error of the embedded log.
    static func errorCode(for error: any Error) -> KafkaErrorCode {
        guard let error = error as? EmbeddedLogError else { return .unknownServerError }
        switch error.code {
        case .corruptMessage: return .corruptMessage
        case .recordTooLarge: return .messageTooLarge
        case .invalidBatch: return .invalidRecord
        case .unknownTopic, .unknownPartition: return .unknownTopicOrPartition
        case .offsetOutOfRange: return .offsetOutOfRange
        case .invalidTopicName: return .invalidTopicException
        case .unsupportedCompression: return .unsupportedCompressionType
        case .io: return .kafkaStorageError
        default: return .unknownServerError
        }
    }
}
