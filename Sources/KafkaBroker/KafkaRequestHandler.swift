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

    /// The API versions this broker answers: the codecs' ranges (``KafkaRequest/supportedVersions``).
    static let supportedVersions = KafkaRequest.supportedVersions

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
        let request: KafkaRequest
        do {
            request = try KafkaRequest(header: header, body: body)
        } catch {
            // The body of an unsupported (or unreadable) ApiVersions request is not needed to answer it.
            if header.requestApiKey == .apiVersions { return .respond(answerApiVersions(header: header)) }
            switch error.code {
            case .unknownApiKey, .unsupportedVersion:
                return .close(error.message)
            default:
                let name = header.requestApiKey.name
                return .close("malformed \(name) v\(header.requestApiVersion) request: \(error.message)")
            }
        }
        return await dispatch(request, header: header, clientHost: clientHost)
    }

    private func dispatch(_ request: KafkaRequest, header: KafkaRequestHeader, clientHost: String) async -> Outcome {
        let version = header.requestApiVersion
        switch request {
        case .produce(let request):
            let response = await produce(request, version: version)
            if request.acks == 0 { return .noResponse }
            return respond(header) { response.encode(into: &$0, version: version) }
        case .fetch(let request):
            let response = await fetch(request, version: version)
            return respond(header, capacity: 256) { response.encode(into: &$0, version: version) }
        case .listOffsets(let request):
            let response = listOffsets(request, version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .metadata(let request):
            let response = metadata(request, version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .offsetCommit(let request):
            let response = await offsetCommit(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .offsetFetch(let request):
            let response = offsetFetch(request, version: version)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .findCoordinator(let request):
            let response = findCoordinator(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .joinGroup(let request):
            let response = await joinGroup(request, clientId: header.clientId ?? "", clientHost: clientHost)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .syncGroup(let request):
            let response = await syncGroup(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .heartbeat(let request):
            let response = await heartbeat(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .leaveGroup(let request):
            let response = await leaveGroup(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .describeGroups(let request):
            let response = await describeGroups(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .listGroups(let request):
            let response = await listGroups(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .apiVersions:
            return .respond(answerApiVersions(header: header))
        case .createTopics(let request):
            let response = createTopics(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .deleteTopics(let request):
            let response = await deleteTopics(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .initProducerId(let request):
            let response = initProducerId(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        case .describeConfigs(let request):
            let response = describeConfigs(request)
            return respond(header) { response.encode(into: &$0, version: version) }
        }
    }

    /// Kafka answers an ApiVersions request of an unsupported version in v0 with the supported ranges.
    private func answerApiVersions(header: KafkaRequestHeader) -> ByteBuffer {
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
