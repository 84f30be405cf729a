import NIOCore

/// A request a client sends, one case per API this codec decodes (the request's `apiKey`;
/// docs/protocols/kafka-record-format.md §5).
///
/// ``init(header:body:)`` is the one place a request body becomes a message: the broker decodes every request
/// through it and switches on the case.
public enum KafkaRequest: Hashable, Sendable {
    case produce(ProduceRequest)
    case fetch(FetchRequest)
    case listOffsets(ListOffsetsRequest)
    case metadata(MetadataRequest)
    case offsetCommit(OffsetCommitRequest)
    case offsetFetch(OffsetFetchRequest)
    case findCoordinator(FindCoordinatorRequest)
    case joinGroup(JoinGroupRequest)
    case heartbeat(HeartbeatRequest)
    case leaveGroup(LeaveGroupRequest)
    case syncGroup(SyncGroupRequest)
    case describeGroups(DescribeGroupsRequest)
    case listGroups(ListGroupsRequest)
    case apiVersions(ApiVersionsRequest)
    case createTopics(CreateTopicsRequest)
    case deleteTopics(DeleteTopicsRequest)
    case initProducerId(InitProducerIdRequest)
    case describeConfigs(DescribeConfigsRequest)

    /// The versions decoded per API: each message codec's range, except ApiVersions, which is limited to the
    /// versions ``ApiVersionsResponse`` answers in. MinVersion is 0 for every group API, because librdkafka silently
    /// disables its balanced consumer otherwise (docs/protocols/kafka-client-needs.md §2). A broker advertises exactly
    /// this table.
    public static let supportedVersions: [KafkaApiKey: ClosedRange<Int16>] = [
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
        .apiVersions: ApiVersionsResponse.supportedVersions.clamped(to: ApiVersionsRequest.supportedVersions),
        .createTopics: CreateTopicsRequest.supportedVersions,
        .deleteTopics: DeleteTopicsRequest.supportedVersions,
        .initProducerId: InitProducerIdRequest.supportedVersions,
        .describeConfigs: DescribeConfigsRequest.supportedVersions,
    ]

    /// Decodes the body of the request `header` describes (the header as ``KafkaRequestHeader/decode(frame:)``
    /// split it off); the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unknownApiKey` for an API not in ``supportedVersions``, `.unsupportedVersion`
    ///   for a version outside its range (an ApiVersions request of any version is still answered, in v0; see
    ///   ``ApiVersionsResponse/answering(requestVersion:supportedVersions:throttleTimeMs:)``), and the message's own
    ///   decoding errors (`.truncated`, `.malformed`, …).
    public init(header: KafkaRequestHeader, body: ByteBuffer) throws(KafkaWireError) {
        let key = header.requestApiKey
        let version = header.requestApiVersion
        guard let supported = Self.supportedVersions[key] else {
            throw KafkaWireError(
                .unknownApiKey,
                "unknown API key \(key.rawValue) (correlation id \(header.correlationId))",
                bytes: body
            )
        }
        guard supported.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "\(key.name) v\(version) is not supported (\(supported))")
        }
        switch key {
        case .produce: self = .produce(try ProduceRequest(decoding: body, version: version))
        case .fetch: self = .fetch(try FetchRequest(decoding: body, version: version))
        case .listOffsets: self = .listOffsets(try ListOffsetsRequest(decoding: body, version: version))
        case .metadata: self = .metadata(try MetadataRequest(decoding: body, version: version))
        case .offsetCommit: self = .offsetCommit(try OffsetCommitRequest(decoding: body, version: version))
        case .offsetFetch: self = .offsetFetch(try OffsetFetchRequest(decoding: body, version: version))
        case .findCoordinator: self = .findCoordinator(try FindCoordinatorRequest(decoding: body, version: version))
        case .joinGroup: self = .joinGroup(try JoinGroupRequest(decoding: body, version: version))
        case .heartbeat: self = .heartbeat(try HeartbeatRequest(decoding: body, version: version))
        case .leaveGroup: self = .leaveGroup(try LeaveGroupRequest(decoding: body, version: version))
        case .syncGroup: self = .syncGroup(try SyncGroupRequest(decoding: body, version: version))
        case .describeGroups: self = .describeGroups(try DescribeGroupsRequest(decoding: body, version: version))
        case .listGroups: self = .listGroups(try ListGroupsRequest(decoding: body, version: version))
        case .apiVersions: self = .apiVersions(try ApiVersionsRequest(decoding: body, version: version))
        case .createTopics: self = .createTopics(try CreateTopicsRequest(decoding: body, version: version))
        case .deleteTopics: self = .deleteTopics(try DeleteTopicsRequest(decoding: body, version: version))
        case .initProducerId: self = .initProducerId(try InitProducerIdRequest(decoding: body, version: version))
        case .describeConfigs: self = .describeConfigs(try DescribeConfigsRequest(decoding: body, version: version))
        default:
            throw KafkaWireError(.unknownApiKey, "no decoder for API key \(key.rawValue)", bytes: body)
        }
    }

    /// Decodes a whole request frame (as produced by ``KafkaFrameDecoder``): its header, then its body with
    /// ``init(header:body:)``.
    ///
    /// - Throws: ``KafkaWireError`` as ``KafkaRequestHeader/decode(frame:)`` and ``init(header:body:)`` do.
    public static func decode(
        frame: ByteBuffer
    ) throws(KafkaWireError) -> (header: KafkaRequestHeader, request: KafkaRequest) {
        let (header, body) = try KafkaRequestHeader.decode(frame: frame)
        return (header, try KafkaRequest(header: header, body: body))
    }

    /// The API key of the request.
    public var apiKey: KafkaApiKey {
        switch self {
        case .produce: .produce
        case .fetch: .fetch
        case .listOffsets: .listOffsets
        case .metadata: .metadata
        case .offsetCommit: .offsetCommit
        case .offsetFetch: .offsetFetch
        case .findCoordinator: .findCoordinator
        case .joinGroup: .joinGroup
        case .heartbeat: .heartbeat
        case .leaveGroup: .leaveGroup
        case .syncGroup: .syncGroup
        case .describeGroups: .describeGroups
        case .listGroups: .listGroups
        case .apiVersions: .apiVersions
        case .createTopics: .createTopics
        case .deleteTopics: .deleteTopics
        case .initProducerId: .initProducerId
        case .describeConfigs: .describeConfigs
        }
    }
}
