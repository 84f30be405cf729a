import EmbeddedLog
import KafkaWire
import NIOCore
import UserStreamCore

extension KafkaRequestHandler {
    func findCoordinator(_ request: FindCoordinatorRequest) -> FindCoordinatorResponse {
        // Key type 1 asks for a transaction coordinator; this broker has none.
        guard request.keyType == 0 else {
            return FindCoordinatorResponse(
                throttleTimeMs: 0,
                errorCode: .coordinatorNotAvailable,
                errorMessage: "transactions are not supported",
                nodeId: -1,
                host: "",
                port: -1
            )
        }
        return FindCoordinatorResponse(
            throttleTimeMs: 0,
            errorCode: .none,
            errorMessage: nil,
            nodeId: configuration.nodeId,
            host: advertisedHost,
            port: advertisedPort
        )
    }

    func joinGroup(_ request: JoinGroupRequest, clientId: String, clientHost: String) async -> JoinGroupResponse {
        let sessionTimeout = Duration.milliseconds(Int64(request.sessionTimeoutMs))
        let rebalanceTimeout =
            request.rebalanceTimeoutMs > 0 ? Duration.milliseconds(Int64(request.rebalanceTimeoutMs)) : sessionTimeout
        let result = await coordinator.join(
            GroupCoordinator.JoinRequest(
                groupId: request.groupId,
                memberId: request.memberId,
                groupInstanceId: request.groupInstanceId,
                clientId: clientId,
                clientHost: clientHost,
                sessionTimeout: sessionTimeout,
                rebalanceTimeout: rebalanceTimeout,
                protocolType: request.protocolType,
                protocols: request.protocols.map { ($0.name, Array($0.metadata.readableBytesView)) }
            )
        )
        return JoinGroupResponse(
            throttleTimeMs: 0,
            errorCode: result.errorCode,
            generationId: result.generationId,
            protocolName: result.protocolName ?? "",
            leader: result.leader,
            memberId: result.memberId,
            members: result.members.map {
                JoinGroupResponse.JoinGroupResponseMember(
                    memberId: $0.memberId,
                    groupInstanceId: $0.groupInstanceId,
                    metadata: ByteBuffer(bytes: $0.metadata)
                )
            }
        )
    }

    func syncGroup(_ request: SyncGroupRequest) async -> SyncGroupResponse {
        let result = await coordinator.sync(
            groupId: request.groupId,
            generationId: request.generationId,
            memberId: request.memberId,
            assignments: request.assignments.map { ($0.memberId, Array($0.assignment.readableBytesView)) }
        )
        return SyncGroupResponse(
            throttleTimeMs: 0,
            errorCode: result.errorCode,
            assignment: ByteBuffer(bytes: result.assignment)
        )
    }

    func heartbeat(_ request: HeartbeatRequest) async -> HeartbeatResponse {
        let error = await coordinator.heartbeat(
            groupId: request.groupId,
            generationId: request.generationId,
            memberId: request.memberId
        )
        return HeartbeatResponse(throttleTimeMs: 0, errorCode: error)
    }

    func leaveGroup(_ request: LeaveGroupRequest) async -> LeaveGroupResponse {
        let identities: [(String, String?)] =
            request.members.isEmpty
            ? [(request.memberId, nil)] : request.members.map { ($0.memberId, $0.groupInstanceId) }
        let errors = await coordinator.leave(groupId: request.groupId, memberIds: identities.map(\.0))
        logger.debug("kafka.group_left", metadata: ["kafka.group": "\(request.groupId)"])
        return LeaveGroupResponse(
            throttleTimeMs: 0,
            errorCode: request.members.isEmpty ? errors.first ?? .none : .none,
            members: zip(identities, errors).map { identity, error in
                LeaveGroupResponse.MemberResponse(memberId: identity.0, groupInstanceId: identity.1, errorCode: error)
            }
        )
    }

    /// OffsetCommit: checked against the group's generation, then stored durably with the log's group offsets.
    func offsetCommit(_ request: OffsetCommitRequest) async -> OffsetCommitResponse {
        func answer(_ error: (TopicPartition) -> KafkaErrorCode) -> OffsetCommitResponse {
            OffsetCommitResponse(
                throttleTimeMs: 0,
                topics: request.topics.map { topic in
                    OffsetCommitResponse.OffsetCommitResponseTopic(
                        name: topic.name,
                        partitions: topic.partitions.map {
                            OffsetCommitResponse.OffsetCommitResponsePartition(
                                partitionIndex: $0.partitionIndex,
                                errorCode: error(TopicPartition(topic: topic.name, partition: $0.partitionIndex))
                            )
                        }
                    )
                }
            )
        }
        guard !request.groupId.isEmpty else { return answer { _ in .invalidGroupId } }
        let allowed = await coordinator.validateCommit(
            groupId: request.groupId,
            generationId: request.generationIdOrMemberEpoch,
            memberId: request.memberId
        )
        guard allowed == .none else { return answer { _ in allowed } }
        let known = (try? log.topicPartitionCounts()) ?? [:]
        var offsets: [TopicPartition: Int64] = [:]
        for topic in request.topics {
            for partition in topic.partitions {
                guard let count = known[topic.name], partition.partitionIndex >= 0, partition.partitionIndex < count
                else { continue }
                offsets[TopicPartition(topic: topic.name, partition: partition.partitionIndex)] =
                    partition.committedOffset
            }
        }
        do {
            if !offsets.isEmpty {
                try await log.commitGroupOffsets(group: request.groupId, offsets: offsets)
            }
        } catch {
            logger.error("kafka.offset_commit_failed", metadata: ["kafka.group": "\(request.groupId)"])
            let code = Self.errorCode(for: error)
            return answer { _ in code == .unknownServerError ? .unknownServerError : code }
        }
        return answer { offsets[$0] == nil ? .unknownTopicOrPartition : .none }
    }

    func offsetFetch(_ request: OffsetFetchRequest, version: Int16) -> OffsetFetchResponse {
        let committed: [TopicPartition: Int64]
        do {
            committed = try log.committedGroupOffsets(group: request.groupId)
        } catch {
            return OffsetFetchResponse(throttleTimeMs: 0, topics: [], errorCode: .invalidGroupId)
        }
        let requested: [(String, [Int32])]
        if let topics = request.topics {
            requested = topics.map { ($0.name, $0.partitionIndexes) }
        } else {
            let byTopic = Dictionary(grouping: committed.keys, by: \.topic)
            requested = byTopic.keys.sorted().map { topic in (topic, byTopic[topic]!.map(\.partition).sorted()) }
        }
        return OffsetFetchResponse(
            throttleTimeMs: 0,
            topics: requested.map { name, partitions in
                OffsetFetchResponse.OffsetFetchResponseTopic(
                    name: name,
                    partitions: partitions.map { index in
                        OffsetFetchResponse.OffsetFetchResponsePartition(
                            partitionIndex: index,
                            committedOffset: committed[TopicPartition(topic: name, partition: index)] ?? -1,
                            committedLeaderEpoch: -1,
                            metadata: "",
                            errorCode: .none
                        )
                    }
                )
            },
            errorCode: .none
        )
    }

    func describeGroups(_ request: DescribeGroupsRequest) async -> DescribeGroupsResponse {
        let withOffsets = Set((try? log.groupsWithCommittedOffsets()) ?? [])
        var groups: [DescribeGroupsResponse.DescribedGroup] = []
        for groupId in request.groups {
            let description = await coordinator.describe(groupId: groupId)
            var state = description.state.rawValue
            var protocolType = description.protocolType
            if description.state == .dead && withOffsets.contains(groupId) {
                state = GroupCoordinator.GroupState.empty.rawValue
                protocolType = "consumer"
            }
            groups.append(
                DescribeGroupsResponse.DescribedGroup(
                    errorCode: .none,
                    groupId: groupId,
                    groupState: state,
                    protocolType: protocolType,
                    protocolData: description.protocolName,
                    members: description.members.map {
                        DescribeGroupsResponse.DescribedGroupMember(
                            memberId: $0.memberId,
                            groupInstanceId: $0.groupInstanceId,
                            clientId: $0.clientId,
                            clientHost: $0.clientHost,
                            memberMetadata: ByteBuffer(bytes: $0.metadata),
                            memberAssignment: ByteBuffer(bytes: $0.assignment)
                        )
                    },
                    authorizedOperations: Int32.min
                )
            )
        }
        return DescribeGroupsResponse(throttleTimeMs: 0, groups: groups)
    }

    func listGroups(_ request: ListGroupsRequest) async -> ListGroupsResponse {
        var listed: [String: String] = [:]
        for groupId in (try? log.groupsWithCommittedOffsets()) ?? [] { listed[groupId] = "consumer" }
        for group in await coordinator.activeGroups() { listed[group.groupId] = group.protocolType }
        return ListGroupsResponse(
            throttleTimeMs: 0,
            errorCode: .none,
            groups: listed.keys.sorted().map {
                ListGroupsResponse.ListedGroup(groupId: $0, protocolType: listed[$0]!)
            }
        )
    }
}
