import KafkaWire

/// The classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) as a Kafka group coordinator
/// runs it, without I/O: members join, the coordinator picks a protocol every member supports and a leader, hands the
/// leader everyone's subscription, and relays the leader's assignment to each member. The coordinator never computes
/// assignments itself.
///
/// States per group: `empty` → `preparingRebalance` (waiting for members to (re)join) → `completingRebalance`
/// (waiting for the leader's SyncGroup) → `stable`. A join, a leave or an expired session moves a group back to
/// `preparingRebalance`; members learn it from `REBALANCE_IN_PROGRESS` on their next heartbeat and rejoin.
///
/// Events go in (``join(_:waiter:now:newMemberSuffix:)``,
/// ``sync(groupId:generationId:memberId:assignments:waiter:now:)``, ``heartbeat(groupId:generationId:memberId:now:)``,
/// ``leave(groupId:memberIds:now:)``, ``tick(now:)``, ``shutdown()``) and ``Action``s come out. A JoinGroup or
/// SyncGroup call is named by a ``Waiter`` its caller chooses; it is answered by exactly one `answerJoin` /
/// `answerSync` action, at once or by a later event. Time is an input: the machine reads no clock, runs no task and
/// holds no continuation (``GroupCoordinator`` does).
struct GroupStateMachine {
    typealias Instant = ContinuousClock.Instant

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

    /// One waiting JoinGroup or SyncGroup call, named by the caller.
    struct Waiter: Hashable, Sendable, CustomStringConvertible {
        var id: UInt64
        init(_ id: UInt64) { self.id = id }
        var description: String { "#\(id)" }
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

    struct JoinResult: Hashable, Sendable {
        struct Member: Hashable, Sendable {
            var memberId: String
            var groupInstanceId: String?
            var metadata: [UInt8]
        }

        var errorCode: KafkaErrorCode
        var generationId: Int32 = -1
        var protocolType: String? = nil
        var protocolName: String? = nil
        var leader: String = ""
        var memberId: String
        /// Filled for the leader only: every member's id, instance id and metadata for the chosen protocol.
        var members: [Member] = []
    }

    struct SyncResult: Hashable, Sendable {
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

    /// What the caller must do after an event.
    enum Action: Hashable, Sendable {
        /// Answer the waiting JoinGroup call.
        case answerJoin(Waiter, JoinResult)
        /// Answer the waiting SyncGroup call.
        case answerSync(Waiter, SyncResult)
        /// A rebalance completed: the group has a new generation (the joins are answered by their own actions).
        case rebalanceCompleted(groupId: String, generationId: Int32, leader: String)
        /// A member's session lapsed and it was removed from the group.
        case memberExpired(groupId: String, memberId: String)
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
        var lastSeen: Instant
        var awaitingJoin: Waiter?
        var awaitingSync: Waiter?
    }

    private struct Group {
        var state: GroupState = .empty
        var generationId: Int32 = 0
        var protocolType: String = ""
        var protocolName: String?
        var leader: String?
        /// Join order, so the first member to join leads; always the keys of `members`.
        var memberOrder: [String] = []
        var members: [String: Member] = [:]
        var rebalanceDeadline: Instant?
        var earliestCompletion: Instant?
    }

    let configuration: Configuration
    private var groups: [String: Group] = [:]
    private var nextMemberNumber: UInt64 = 0
    /// Set by ``shutdown()``: every later JoinGroup, SyncGroup, Heartbeat and LeaveGroup is answered `NOT_COORDINATOR`
    /// at once.
    private(set) var isShutDown = false

    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    // MARK: - JoinGroup

    /// Joins (or rejoins) a member. The join is answered when the rebalance completes (the leader gets the
    /// members), or at once when it is refused; a new member's id is `<client id>-<n>-<newMemberSuffix>`.
    mutating func join(
        _ request: JoinRequest,
        waiter: Waiter,
        now: Instant,
        newMemberSuffix: @autoclosure () -> String
    ) -> [Action] {
        func refuse(_ errorCode: KafkaErrorCode, memberId: String = request.memberId) -> [Action] {
            [.answerJoin(waiter, JoinResult(errorCode: errorCode, memberId: memberId))]
        }
        if isShutDown { return refuse(.notCoordinator) }
        if request.groupId.isEmpty { return refuse(.invalidGroupId) }
        guard configuration.sessionTimeouts.contains(request.sessionTimeout) else {
            return refuse(.invalidSessionTimeout)
        }
        guard !request.protocolType.isEmpty, !request.protocols.isEmpty else {
            return refuse(.inconsistentGroupProtocol)
        }
        var group = groups[request.groupId] ?? Group()
        if group.state == .dead { group = Group() }
        let others = group.members.values.filter { $0.memberId != request.memberId }
        if !others.isEmpty {
            let common = request.protocols.contains { name, _ in
                others.allSatisfy { member in member.protocols.contains { $0.name == name } }
            }
            guard request.protocolType == group.protocolType, common else {
                return refuse(.inconsistentGroupProtocol)
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
                    + newMemberSuffix()
            }
        } else if group.members[memberId] == nil {
            return refuse(.unknownMemberId, memberId: memberId)
        }

        var actions: [Action] = []
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
        if let previous = member.awaitingJoin {
            actions.append(.answerJoin(previous, JoinResult(errorCode: .rebalanceInProgress, memberId: memberId)))
        }
        if let previous = member.awaitingSync {
            actions.append(.answerSync(previous, SyncResult(errorCode: .rebalanceInProgress)))
        }
        member.awaitingSync = nil
        member.sessionTimeout = request.sessionTimeout
        member.rebalanceTimeout = request.rebalanceTimeout
        member.protocols = request.protocols
        member.lastSeen = now
        member.awaitingJoin = waiter
        group.protocolType = request.protocolType
        group.members[memberId] = member

        switch group.state {
        case .empty, .dead:
            group.state = .preparingRebalance
            group.earliestCompletion = now + configuration.initialRebalanceDelay
            group.rebalanceDeadline = now + Self.maxRebalanceTimeout(group)
        case .stable, .completingRebalance:
            Self.prepareRebalance(&group, now: now, actions: &actions)
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
        completeJoinIfReady(request.groupId, now: now, actions: &actions)
        return actions
    }

    private static func maxRebalanceTimeout(_ group: Group) -> Duration {
        group.members.values.map(\.rebalanceTimeout).max() ?? .seconds(60)
    }

    private static func prepareRebalance(_ group: inout Group, now: Instant, actions: inout [Action]) {
        for id in group.memberOrder {
            if let waiter = group.members[id]!.awaitingSync {
                actions.append(.answerSync(waiter, SyncResult(errorCode: .rebalanceInProgress)))
            }
            group.members[id]!.awaitingSync = nil
        }
        group.state = .preparingRebalance
        group.earliestCompletion = nil
        group.rebalanceDeadline = now + maxRebalanceTimeout(group)
    }

    /// Completes the join phase when every member has (re)joined and any initial delay passed, or when forced by
    /// the deadline (members that did not rejoin are dropped).
    private mutating func completeJoinIfReady(
        _ groupId: String,
        now: Instant,
        force: Bool = false,
        actions: inout [Action]
    ) {
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
        actions.append(.rebalanceCompleted(groupId: groupId, generationId: group.generationId, leader: leader))
        let members = group.memberOrder.compactMap { id -> JoinResult.Member? in
            guard let member = group.members[id] else { return nil }
            let metadata = member.protocols.first(where: { $0.name == chosen })?.metadata ?? []
            return JoinResult.Member(memberId: id, groupInstanceId: member.groupInstanceId, metadata: metadata)
        }
        for id in group.memberOrder {
            group.members[id]!.assignment = []
            group.members[id]!.lastSeen = now
            let waiter = group.members[id]!.awaitingJoin
            group.members[id]!.awaitingJoin = nil
            if let waiter {
                actions.append(
                    .answerJoin(
                        waiter,
                        JoinResult(
                            errorCode: .none,
                            generationId: group.generationId,
                            protocolType: group.protocolType,
                            protocolName: chosen,
                            leader: leader,
                            memberId: id,
                            members: id == leader ? members : []
                        )
                    )
                )
            }
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

    /// A member's SyncGroup. The leader's carries the assignments: it completes the rebalance and answers every
    /// waiting member; a follower's waits for the leader's while the group completes a rebalance.
    mutating func sync(
        groupId: String,
        generationId: Int32,
        memberId: String,
        assignments: [(memberId: String, assignment: [UInt8])],
        waiter: Waiter,
        now: Instant
    ) -> [Action] {
        func answer(_ result: SyncResult) -> [Action] { [.answerSync(waiter, result)] }
        if isShutDown { return answer(SyncResult(errorCode: .notCoordinator)) }
        guard var group = groups[groupId], group.members[memberId] != nil else {
            return answer(SyncResult(errorCode: .unknownMemberId))
        }
        guard generationId == group.generationId else { return answer(SyncResult(errorCode: .illegalGeneration)) }
        group.members[memberId]!.lastSeen = now
        switch group.state {
        case .empty, .dead:
            return answer(SyncResult(errorCode: .unknownMemberId))
        case .preparingRebalance:
            groups[groupId] = group
            return answer(SyncResult(errorCode: .rebalanceInProgress))
        case .stable:
            groups[groupId] = group
            return answer(
                SyncResult(
                    errorCode: .none,
                    protocolType: group.protocolType,
                    protocolName: group.protocolName,
                    assignment: group.members[memberId]!.assignment
                )
            )
        case .completingRebalance:
            var actions: [Action] = []
            if memberId == group.leader {
                let byMember = Dictionary(assignments.map { ($0.memberId, $0.assignment) }) { _, last in last }
                group.state = .stable
                for id in group.memberOrder {
                    group.members[id]!.assignment = byMember[id] ?? []
                    let waiting = group.members[id]!.awaitingSync
                    group.members[id]!.awaitingSync = nil
                    if let waiting {
                        actions.append(
                            .answerSync(
                                waiting,
                                SyncResult(
                                    errorCode: .none,
                                    protocolType: group.protocolType,
                                    protocolName: group.protocolName,
                                    assignment: group.members[id]!.assignment
                                )
                            )
                        )
                    }
                }
                groups[groupId] = group
                actions.append(
                    .answerSync(
                        waiter,
                        SyncResult(
                            errorCode: .none,
                            protocolType: group.protocolType,
                            protocolName: group.protocolName,
                            assignment: group.members[memberId]!.assignment
                        )
                    )
                )
                return actions
            }
            if let previous = group.members[memberId]!.awaitingSync {
                actions.append(.answerSync(previous, SyncResult(errorCode: .rebalanceInProgress)))
            }
            group.members[memberId]!.awaitingSync = waiter
            groups[groupId] = group
            return actions
        }
    }

    // MARK: - Heartbeat, LeaveGroup

    /// A member's heartbeat: keeps its session and tells it whether to rejoin.
    mutating func heartbeat(groupId: String, generationId: Int32, memberId: String, now: Instant) -> KafkaErrorCode {
        if isShutDown { return .notCoordinator }
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

    /// Removes members; the rest of the group rebalances. Returns an error code per member id, and the actions for
    /// the calls the departed members (and the rebalance) leave unanswered.
    mutating func leave(
        groupId: String,
        memberIds: [String],
        now: Instant
    ) -> (errorCodes: [KafkaErrorCode], actions: [Action]) {
        if isShutDown { return (memberIds.map { _ in .notCoordinator }, []) }
        guard var group = groups[groupId] else { return (memberIds.map { _ in .unknownMemberId }, []) }
        var results: [KafkaErrorCode] = []
        var actions: [Action] = []
        for id in memberIds {
            guard let member = group.members.removeValue(forKey: id) else {
                results.append(.unknownMemberId)
                continue
            }
            group.memberOrder.removeAll { $0 == id }
            if let waiter = member.awaitingJoin {
                actions.append(.answerJoin(waiter, JoinResult(errorCode: .unknownMemberId, memberId: id)))
            }
            if let waiter = member.awaitingSync {
                actions.append(.answerSync(waiter, SyncResult(errorCode: .unknownMemberId)))
            }
            results.append(.none)
        }
        if results.contains(.none) { Self.rebalanceAfterDeparture(&group, now: now, actions: &actions) }
        groups[groupId] = group
        completeJoinIfReady(groupId, now: now, actions: &actions)
        return (results, actions)
    }

    private static func rebalanceAfterDeparture(_ group: inout Group, now: Instant, actions: inout [Action]) {
        if group.members.isEmpty {
            group.state = .empty
            group.generationId &+= 1
            group.leader = nil
            group.protocolName = nil
            group.rebalanceDeadline = nil
            group.earliestCompletion = nil
        } else if group.state != .preparingRebalance {
            prepareRebalance(&group, now: now, actions: &actions)
        }
    }

    // MARK: - Shutdown

    /// Answers every JoinGroup and SyncGroup still waiting with `NOT_COORDINATOR` (what Kafka answers when a
    /// coordinator moves away; clients look the coordinator up again) and every later one at once, so that no
    /// connection waits on a group once the broker stops — whatever the groups' state, and however long the sessions
    /// of dead members would still run.
    mutating func shutdown() -> [Action] {
        isShutDown = true
        var actions: [Action] = []
        for groupId in groups.keys.sorted() {
            for memberId in groups[groupId]!.memberOrder {
                let member = groups[groupId]!.members[memberId]!
                groups[groupId]!.members[memberId]!.awaitingJoin = nil
                groups[groupId]!.members[memberId]!.awaitingSync = nil
                if let waiter = member.awaitingJoin {
                    actions.append(.answerJoin(waiter, JoinResult(errorCode: .notCoordinator, memberId: memberId)))
                }
                if let waiter = member.awaitingSync {
                    actions.append(.answerSync(waiter, SyncResult(errorCode: .notCoordinator)))
                }
            }
        }
        return actions
    }

    // MARK: - Time

    /// Expires members whose session lapsed and completes rebalances whose deadline passed.
    mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        for groupId in groups.keys.sorted() {
            guard var group = groups[groupId] else { continue }
            let expired = group.memberOrder.compactMap { group.members[$0] }.filter { member in
                member.awaitingJoin == nil && now - member.lastSeen > member.sessionTimeout
            }
            if !expired.isEmpty {
                for member in expired {
                    group.members[member.memberId] = nil
                    group.memberOrder.removeAll { $0 == member.memberId }
                    actions.append(.memberExpired(groupId: groupId, memberId: member.memberId))
                    if let waiter = member.awaitingSync {
                        actions.append(.answerSync(waiter, SyncResult(errorCode: .unknownMemberId)))
                    }
                }
                Self.rebalanceAfterDeparture(&group, now: now, actions: &actions)
            }
            groups[groupId] = group
            if group.state == .preparingRebalance {
                let forced = group.rebalanceDeadline.map { now >= $0 } ?? false
                completeJoinIfReady(groupId, now: now, force: forced, actions: &actions)
            }
        }
        return actions
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
}
