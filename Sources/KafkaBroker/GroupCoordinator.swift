import KafkaWire
import Logging

/// The group coordinator of the broker: a ``GroupStateMachine`` behind an actor that holds the continuations of the
/// JoinGroup and SyncGroup calls waiting for other members, resumes them as the machine's actions say, and drives
/// its clock (``run()`` ticks it). All group logic is in the machine.
actor GroupCoordinator {
    typealias Configuration = GroupStateMachine.Configuration
    typealias GroupState = GroupStateMachine.GroupState
    typealias JoinRequest = GroupStateMachine.JoinRequest
    typealias JoinResult = GroupStateMachine.JoinResult
    typealias SyncResult = GroupStateMachine.SyncResult
    typealias MemberDescription = GroupStateMachine.MemberDescription
    typealias GroupDescription = GroupStateMachine.GroupDescription

    /// How often ``run()`` ticks the machine (session expiry and rebalance deadlines are this precise).
    static let tickInterval = Duration.milliseconds(100)

    private var machine: GroupStateMachine
    private var joins: [GroupStateMachine.Waiter: CheckedContinuation<JoinResult, Never>] = [:]
    private var syncs: [GroupStateMachine.Waiter: CheckedContinuation<SyncResult, Never>] = [:]
    private var lastWaiter: UInt64 = 0
    private let logger: Logger

    init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "userstream.kafka.groups")) {
        self.machine = GroupStateMachine(configuration: configuration)
        self.logger = logger
    }

    /// Joins (or rejoins) a member and returns when the rebalance completes; the leader gets the members.
    func join(_ request: JoinRequest, now: ContinuousClock.Instant = .now) async -> JoinResult {
        let waiter = newWaiter()
        return await withCheckedContinuation { continuation in
            joins[waiter] = continuation
            perform(machine.join(request, waiter: waiter, now: now, newMemberSuffix: Self.randomSuffix()))
        }
    }

    func sync(
        groupId: String,
        generationId: Int32,
        memberId: String,
        assignments: [(memberId: String, assignment: [UInt8])],
        now: ContinuousClock.Instant = .now
    ) async -> SyncResult {
        let waiter = newWaiter()
        return await withCheckedContinuation { continuation in
            syncs[waiter] = continuation
            perform(
                machine.sync(
                    groupId: groupId,
                    generationId: generationId,
                    memberId: memberId,
                    assignments: assignments,
                    waiter: waiter,
                    now: now
                )
            )
        }
    }

    func heartbeat(
        groupId: String,
        generationId: Int32,
        memberId: String,
        now: ContinuousClock.Instant = .now
    ) -> KafkaErrorCode {
        machine.heartbeat(groupId: groupId, generationId: generationId, memberId: memberId, now: now)
    }

    /// Removes members; the rest of the group rebalances. Returns an error code per member id.
    func leave(groupId: String, memberIds: [String], now: ContinuousClock.Instant = .now) -> [KafkaErrorCode] {
        let (errorCodes, actions) = machine.leave(groupId: groupId, memberIds: memberIds, now: now)
        perform(actions)
        return errorCodes
    }

    /// Answers every waiting JoinGroup and SyncGroup, and every later one (Heartbeat and LeaveGroup too), with
    /// `NOT_COORDINATOR` (``GroupStateMachine/shutdown()``).
    func shutdown() {
        perform(machine.shutdown())
    }

    /// Expires members whose session lapsed and completes rebalances whose deadline passed.
    func tick(now: ContinuousClock.Instant = .now) {
        perform(machine.tick(now: now))
    }

    /// Ticks the machine every ``tickInterval`` until cancelled.
    func run() async {
        while !Task.isCancelled {
            tick()
            try? await Task.sleep(for: Self.tickInterval)
        }
    }

    func validateCommit(groupId: String, generationId: Int32, memberId: String) -> KafkaErrorCode {
        machine.validateCommit(groupId: groupId, generationId: generationId, memberId: memberId)
    }

    func describe(groupId: String) -> GroupDescription {
        machine.describe(groupId: groupId)
    }

    /// Groups with members, with their protocol type and state.
    func activeGroups() -> [(groupId: String, protocolType: String, state: GroupState)] {
        machine.activeGroups()
    }

    private func newWaiter() -> GroupStateMachine.Waiter {
        lastWaiter += 1
        return GroupStateMachine.Waiter(lastWaiter)
    }

    private func perform(_ actions: [GroupStateMachine.Action]) {
        for action in actions {
            switch action {
            case .answerJoin(let waiter, let result):
                joins.removeValue(forKey: waiter)?.resume(returning: result)
            case .answerSync(let waiter, let result):
                syncs.removeValue(forKey: waiter)?.resume(returning: result)
            case .rebalanceCompleted(let groupId, let generationId, let leader):
                logger.debug(
                    "kafka.group_rebalanced",
                    metadata: [
                        "kafka.group": "\(groupId)", "kafka.generation": "\(generationId)", "kafka.leader": "\(leader)",
                    ]
                )
            case .memberExpired(let groupId, let memberId):
                logger.debug(
                    "kafka.member_expired",
                    metadata: ["kafka.group": "\(groupId)", "kafka.member": "\(memberId)"]
                )
            }
        }
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        return String(value, radix: 16)
    }
}
