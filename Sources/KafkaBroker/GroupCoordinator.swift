import KafkaWire

/// The classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) as a Kafka group coordinator
/// runs it: members join, the coordinator picks a protocol every member supports and a leader, hands the leader
/// everyone's subscription, and relays the leader's assignment to each member. The coordinator never computes
/// assignments itself.
///
/// States per group: `empty` → `preparingRebalance` (waiting for members to (re)join) → `completingRebalance`
/// (waiting for the leader's SyncGroup) → `stable`. A join, a leave or an expired session moves a group back to
/// `preparingRebalance`; members learn it from `REBALANCE_IN_PROGRESS` on their next heartbeat and rejoin.
///
/// Time is driven from outside: ``tick(now:)`` completes rebalances whose deadline passed and expires sessions, so
/// the coordinator owns no background task and its behaviour is testable with a fake clock.
actor GroupCoordinator {
    struct Configuration: Sendable {
        /// How long a rebalance of an empty group waits for more members after the first join
        /// (`group.initial.rebalance.delay.ms`; Kafka's default is 3 s).
        var initialRebalanceDelay: Duration = .milliseconds(1000)
        /// Accepted session timeouts (`group.min.session.timeout.ms`, `group.max.session.timeout.ms`).
        var sessionTimeouts: ClosedRange<Duration> = .milliseconds(1000)...(.seconds(1800))
    }

    enum GroupState: String, Sendable {
        case empty = "Empty"
        case preparingRebalance = "PreparingRebalance"
        case completingRebalance = "CompletingRebalance"
        case stable = "Stable"
        case dead = "Dead"
    }

    struct JoinRequest: Sendable {
        var groupId: String
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        var sessionTimeout: Duration
        var rebalanceTimeout: Duration
        var protocolType: String
        /// In the member's order of preference.
        var protocols: [(name: String, metadata: [UInt8])]
    }

    struct JoinResult: Sendable {
        var errorCode: KafkaErrorCode
        var generationId: Int32 = -1
        var protocolType: String? = nil
        var protocolName: String? = nil
        var leader: String = ""
        var memberId: String
        /// Filled for the leader only: every member's id, instance id and metadata for the chosen protocol.
        var members: [(memberId: String, groupInstanceId: String?, metadata: [UInt8])] = []
    }

    struct SyncResult: Sendable {
        var errorCode: KafkaErrorCode
        var protocolType: String? = nil
        var protocolName: String? = nil
        var assignment: [UInt8] = []
    }

    struct MemberDescription: Sendable {
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        var metadata: [UInt8]
        var assignment: [UInt8]
    }

    struct GroupDescription: Sendable {
        var groupId: String
        var state: GroupState
        var protocolType: String
        var protocolName: String
        var members: [MemberDescription]
    }

    private struct Member {
        var memberId: String
        var groupInstanceId: String?
        var clientId: String
        var clientHost: String
        var sessionTimeout: Duration
        var rebalanceTimeout: Duration
        var protocolType: String
        var protocols: [(name: String, metadata: [UInt8])]
        var assignment: [UInt8] = []
        var lastSeen: ContinuousClock.Instant
        var awaitingJoin: CheckedContinuation<JoinResult, Never>?
        var awaitingSync: CheckedContinuation<SyncResult, Never>?
    }

    private struct Group {
        var state: GroupState = .empty
        var generationId: Int32 = 0
        var protocolType: String = ""
        var protocolName: String?
        var leader: String?
        /// Join order, so the first member to join leads.
        var memberOrder: [String] = []
        var members: [String: Member] = [:]
        var rebalanceDeadline: ContinuousClock.Instant?
        var earliestCompletion: ContinuousClock.Instant?
    }

    private let configuration: Configuration
    private var groups: [String: Group] = [:]
    private var nextMemberNumber: UInt64 = 0
    /// Set by ``shutdown()``: every later request is answered `NOT_COORDINATOR` at once.
    private var closed = false

    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: - JoinGroup

    /// Joins (or rejoins) a member and returns when the rebalance completes; the leader gets the members.
    func join(_ request: JoinRequest, now: ContinuousClock.Instant = .now) async -> JoinResult {
        if closed { return JoinResult(errorCode: .notCoordinator, memberId: request.memberId) }
        if request.groupId.isEmpty {
            return JoinResult(errorCode: .invalidGroupId, memberId: request.memberId)
        }
        guard configuration.sessionTimeouts.contains(request.sessionTimeout) else {
            return JoinResult(errorCode: .invalidSessionTimeout, memberId: request.memberId)
        }
        guard !request.protocolType.isEmpty, !request.protocols.isEmpty else {
            return JoinResult(errorCode: .inconsistentGroupProtocol, memberId: request.memberId)
        }
        var group = groups[request.groupId] ?? Group()
        if group.state == .dead { group = Group() }
        let others = group.members.values.filter { $0.memberId != request.memberId }
        if !others.isEmpty {
            let common = request.protocols.contains { name, _ in
                others.allSatisfy { member in member.protocols.contains { $0.name == name } }
            }
            guard request.protocolType == group.protocolType, common else {
                return JoinResult(errorCode: .inconsistentGroupProtocol, memberId: request.memberId)
            }
        }
        var memberId = request.memberId
        if memberId.isEmpty {
            if let instance = request.groupInstanceId,
                let existing = group.members.values.first(where: { $0.groupInstanceId == instance })
            {
                memberId = existing.memberId
            } else {
                nextMemberNumber += 1
                memberId =
                    "\(request.clientId.isEmpty ? "member" : request.clientId)-\(nextMemberNumber)-"
                    + Self.randomSuffix()
            }
        } else if group.members[memberId] == nil {
            return JoinResult(errorCode: .unknownMemberId, memberId: memberId)
        }

        return await withCheckedContinuation { continuation in
            var member =
                group.members[memberId]
                ?? Member(
                    memberId: memberId,
                    groupInstanceId: request.groupInstanceId,
                    clientId: request.clientId,
                    clientHost: request.clientHost,
                    sessionTimeout: request.sessionTimeout,
                    rebalanceTimeout: request.rebalanceTimeout,
                    protocolType: request.protocolType,
                    protocols: request.protocols,
                    lastSeen: now
                )
            if group.members[memberId] == nil { group.memberOrder.append(memberId) }
            // A member rejoining while its previous join still waits: the old request gets an error.
            member.awaitingJoin?.resume(returning: JoinResult(errorCode: .rebalanceInProgress, memberId: memberId))
            member.awaitingSync?.resume(returning: SyncResult(errorCode: .rebalanceInProgress))
            member.awaitingSync = nil
            member.sessionTimeout = request.sessionTimeout
            member.rebalanceTimeout = request.rebalanceTimeout
            member.protocols = request.protocols
            member.lastSeen = now
            member.awaitingJoin = continuation
            group.protocolType = request.protocolType
            group.members[memberId] = member

            switch group.state {
            case .empty, .dead:
                group.state = .preparingRebalance
                group.earliestCompletion = now + configuration.initialRebalanceDelay
                group.rebalanceDeadline = now + maxRebalanceTimeout(group)
            case .stable, .completingRebalance:
                prepareRebalance(&group, now: now)
            case .preparingRebalance:
                if let earliest = group.earliestCompletion {
                    // An empty group's initial delay extends with each new member, within the rebalance timeout.
                    group.earliestCompletion = min(
                        earliest + configuration.initialRebalanceDelay / 2,
                        group.rebalanceDeadline ?? earliest
                    )
                }
            }
            groups[request.groupId] = group
            completeJoinIfReady(request.groupId, now: now)
        }
    }

    private func maxRebalanceTimeout(_ group: Group) -> Duration {
        group.members.values.map(\.rebalanceTimeout).max() ?? .seconds(60)
    }

    private func prepareRebalance(_ group: inout Group, now: ContinuousClock.Instant) {
        for id in group.members.keys {
            group.members[id]!.awaitingSync?.resume(returning: SyncResult(errorCode: .rebalanceInProgress))
            group.members[id]!.awaitingSync = nil
        }
        group.state = .preparingRebalance
        group.earliestCompletion = nil
        group.rebalanceDeadline = now + maxRebalanceTimeout(group)
    }

    /// Completes the join phase when every member has (re)joined and any initial delay passed, or when forced by
    /// the deadline (members that did not rejoin are dropped).
    private func completeJoinIfReady(_ groupId: String, now: ContinuousClock.Instant, force: Bool = false) {
        guard var group = groups[groupId], group.state == .preparingRebalance else { return }
        let allJoined = group.members.values.allSatisfy { $0.awaitingJoin != nil }
        let delayPassed = group.earliestCompletion.map { now >= $0 } ?? true
        guard force || (allJoined && delayPassed) else { return }
        for id in group.memberOrder where group.members[id]?.awaitingJoin == nil {
            group.members[id] = nil
        }
        group.memberOrder.removeAll { group.members[$0] == nil }
        group.generationId &+= 1
        group.rebalanceDeadline = nil
        group.earliestCompletion = nil
        guard !group.members.isEmpty else {
            group.state = .empty
            group.leader = nil
            group.protocolName = nil
            groups[groupId] = group
            return
        }
        let chosen = Self.chooseProtocol(group.memberOrder.compactMap { group.members[$0] })
        group.protocolName = chosen
        if group.leader == nil || group.members[group.leader!] == nil {
            group.leader = group.memberOrder.first
        }
        group.state = .completingRebalance
        let leader = group.leader!
        let members = group.memberOrder.compactMap { id -> (String, String?, [UInt8])? in
            guard let member = group.members[id] else { return nil }
            let metadata = member.protocols.first(where: { $0.name == chosen })?.metadata ?? []
            return (id, member.groupInstanceId, metadata)
        }
        for id in group.memberOrder {
            group.members[id]!.assignment = []
            group.members[id]!.lastSeen = now
            let continuation = group.members[id]!.awaitingJoin
            group.members[id]!.awaitingJoin = nil
            continuation?.resume(
                returning: JoinResult(
                    errorCode: .none,
                    generationId: group.generationId,
                    protocolType: group.protocolType,
                    protocolName: chosen,
                    leader: leader,
                    memberId: id,
                    members: id == leader ? members.map { ($0.0, $0.1, $0.2) } : []
                )
            )
        }
        groups[groupId] = group
    }

    /// Kafka's vote: candidates are the protocols every member supports; each member votes for its most preferred
    /// candidate; the most votes win (ties go to the earliest member's preference).
    private static func chooseProtocol(_ members: [Member]) -> String {
        guard let first = members.first else { return "" }
        let candidates = first.protocols.map(\.name).filter { name in
            members.allSatisfy { member in member.protocols.contains { $0.name == name } }
        }
        guard !candidates.isEmpty else { return first.protocols.first?.name ?? "" }
        var votes: [String: Int] = [:]
        for member in members {
            if let vote = member.protocols.first(where: { candidates.contains($0.name) }) {
                votes[vote.name, default: 0] += 1
            }
        }
        return candidates.max { (votes[$0] ?? 0) < (votes[$1] ?? 0) } ?? candidates[0]
    }

    // MARK: - SyncGroup

    func sync(
        groupId: String,
        generationId: Int32,
        memberId: String,
        assignments: [(memberId: String, assignment: [UInt8])],
        now: ContinuousClock.Instant = .now
    ) async -> SyncResult {
        if closed { return SyncResult(errorCode: .notCoordinator) }
        guard var group = groups[groupId], group.members[memberId] != nil else {
            return SyncResult(errorCode: .unknownMemberId)
        }
        guard generationId == group.generationId else { return SyncResult(errorCode: .illegalGeneration) }
        group.members[memberId]!.lastSeen = now
        switch group.state {
        case .empty, .dead:
            return SyncResult(errorCode: .unknownMemberId)
        case .preparingRebalance:
            groups[groupId] = group
            return SyncResult(errorCode: .rebalanceInProgress)
        case .stable:
            groups[groupId] = group
            return SyncResult(
                errorCode: .none,
                protocolType: group.protocolType,
                protocolName: group.protocolName,
                assignment: group.members[memberId]!.assignment
            )
        case .completingRebalance:
            if memberId == group.leader {
                let byMember = Dictionary(assignments.map { ($0.memberId, $0.assignment) }) { _, last in last }
                group.state = .stable
                for id in group.members.keys {
                    group.members[id]!.assignment = byMember[id] ?? []
                    let waiting = group.members[id]!.awaitingSync
                    group.members[id]!.awaitingSync = nil
                    waiting?.resume(
                        returning: SyncResult(
                            errorCode: .none,
                            protocolType: group.protocolType,
                            protocolName: group.protocolName,
                            assignment: group.members[id]!.assignment
                        )
                    )
                }
                groups[groupId] = group
                return SyncResult(
                    errorCode: .none,
                    protocolType: group.protocolType,
                    protocolName: group.protocolName,
                    assignment: group.members[memberId]!.assignment
                )
            }
            return await withCheckedContinuation { continuation in
                group.members[memberId]!.awaitingSync?.resume(returning: SyncResult(errorCode: .rebalanceInProgress))
                group.members[memberId]!.awaitingSync = continuation
                groups[groupId] = group
            }
        }
    }

    // MARK: - Heartbeat, LeaveGroup

    func heartbeat(
        groupId: String,
        generationId: Int32,
        memberId: String,
        now: ContinuousClock.Instant = .now
    ) -> KafkaErrorCode {
        guard var group = groups[groupId], group.members[memberId] != nil else { return .unknownMemberId }
        group.members[memberId]!.lastSeen = now
        groups[groupId] = group
        switch group.state {
        case .preparingRebalance: return .rebalanceInProgress
        case .completingRebalance, .stable:
            return generationId == group.generationId ? .none : .illegalGeneration
        case .empty, .dead: return .unknownMemberId
        }
    }

    /// Removes members; the rest of the group rebalances. Returns an error code per member id.
    func leave(groupId: String, memberIds: [String], now: ContinuousClock.Instant = .now) -> [KafkaErrorCode] {
        guard var group = groups[groupId] else { return memberIds.map { _ in .unknownMemberId } }
        var results: [KafkaErrorCode] = []
        for id in memberIds {
            guard let member = group.members.removeValue(forKey: id) else {
                results.append(.unknownMemberId)
                continue
            }
            group.memberOrder.removeAll { $0 == id }
            member.awaitingJoin?.resume(returning: JoinResult(errorCode: .unknownMemberId, memberId: id))
            member.awaitingSync?.resume(returning: SyncResult(errorCode: .unknownMemberId))
            results.append(.none)
        }
        if results.contains(.none) { rebalanceAfterDeparture(&group, now: now) }
        groups[groupId] = group
        completeJoinIfReady(groupId, now: now)
        return results
    }

    private func rebalanceAfterDeparture(_ group: inout Group, now: ContinuousClock.Instant) {
        if group.members.isEmpty {
            group.state = .empty
            group.generationId &+= 1
            group.leader = nil
            group.protocolName = nil
            group.rebalanceDeadline = nil
            group.earliestCompletion = nil
        } else if group.state != .preparingRebalance {
            prepareRebalance(&group, now: now)
        }
    }

    // MARK: - Shutdown

    /// Answers every JoinGroup and SyncGroup still waiting with `NOT_COORDINATOR` (what Kafka answers when a
    /// coordinator moves away; clients look the coordinator up again) and every later one at once, so that no
    /// connection waits on a group once the broker stops — whatever the groups' state, and however long the sessions
    /// of dead members would still run.
    func shutdown() {
        closed = true
        for groupId in groups.keys {
            for memberId in groups[groupId]!.members.keys {
                let member = groups[groupId]!.members[memberId]!
                groups[groupId]!.members[memberId]!.awaitingJoin = nil
                groups[groupId]!.members[memberId]!.awaitingSync = nil
                member.awaitingJoin?.resume(returning: JoinResult(errorCode: .notCoordinator, memberId: memberId))
                member.awaitingSync?.resume(returning: SyncResult(errorCode: .notCoordinator))
            }
        }
    }

    // MARK: - Time

    /// Expires members whose session lapsed and completes rebalances whose deadline passed.
    func tick(now: ContinuousClock.Instant = .now) {
        for groupId in groups.keys {
            guard var group = groups[groupId] else { continue }
            let expired = group.members.values.filter { member in
                member.awaitingJoin == nil && now - member.lastSeen > member.sessionTimeout
            }
            if !expired.isEmpty {
                for member in expired {
                    group.members[member.memberId] = nil
                    group.memberOrder.removeAll { $0 == member.memberId }
                    member.awaitingSync?.resume(returning: SyncResult(errorCode: .unknownMemberId))
                }
                rebalanceAfterDeparture(&group, now: now)
            }
            groups[groupId] = group
            if group.state == .preparingRebalance {
                let forced = group.rebalanceDeadline.map { now >= $0 } ?? false
                completeJoinIfReady(groupId, now: now, force: forced)
            }
        }
    }

    // MARK: - Offsets and queries

    /// Whether an OffsetCommit from this member and generation may commit: members of the current generation (also
    /// while a rebalance is being prepared), or anyone (generation -1, no member id) for a group without members.
    func validateCommit(groupId: String, generationId: Int32, memberId: String) -> KafkaErrorCode {
        guard let group = groups[groupId], !group.members.isEmpty else {
            return generationId < 0 || memberId.isEmpty ? .none : .illegalGeneration
        }
        if generationId < 0 && memberId.isEmpty { return .unknownMemberId }
        guard group.members[memberId] != nil else { return .unknownMemberId }
        guard generationId == group.generationId else { return .illegalGeneration }
        // As in Kafka: members of the current generation may still commit while the group prepares a rebalance
        // (eager consumers commit what they consumed when their partitions are revoked); only between the join and
        // the leader's assignment is it refused.
        return group.state == .completingRebalance ? .rebalanceInProgress : .none
    }

    func describe(groupId: String) -> GroupDescription {
        guard let group = groups[groupId] else {
            return GroupDescription(groupId: groupId, state: .dead, protocolType: "", protocolName: "", members: [])
        }
        return GroupDescription(
            groupId: groupId,
            state: group.state,
            protocolType: group.protocolType,
            protocolName: group.state == .stable ? group.protocolName ?? "" : "",
            members: group.memberOrder.compactMap { id in
                guard let member = group.members[id] else { return nil }
                return MemberDescription(
                    memberId: id,
                    groupInstanceId: member.groupInstanceId,
                    clientId: member.clientId,
                    clientHost: member.clientHost,
                    metadata: member.protocols.first(where: { $0.name == group.protocolName })?.metadata ?? [],
                    assignment: member.assignment
                )
            }
        )
    }

    /// Groups with members, with their protocol type and state.
    func activeGroups() -> [(groupId: String, protocolType: String, state: GroupState)] {
        groups.filter { !$0.value.members.isEmpty }.map { ($0.key, $0.value.protocolType, $0.value.state) }
            .sorted { $0.groupId < $1.groupId }
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        return String(value, radix: 16)
    }
}
