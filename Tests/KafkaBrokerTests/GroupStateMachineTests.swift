import KafkaWire
import Testing

@testable import KafkaBroker

/// The group protocol as a pure state machine: each test feeds events with explicit instants and asserts the whole
/// sequence of actions that comes out.
@Suite struct GroupStateMachineTests {
    typealias Machine = GroupStateMachine
    typealias Waiter = GroupStateMachine.Waiter

    let start = ContinuousClock.now

    func machine() -> Machine {
        Machine(
            configuration: Machine.Configuration(
                initialRebalanceDelay: .milliseconds(100),
                sessionTimeouts: .seconds(1)...(.seconds(600))
            )
        )
    }

    func join(
        _ memberId: String = "",
        client: String = "c",
        group: String = "g",
        protocols: [String] = ["range", "roundrobin"],
        type: String = "consumer",
        session: Duration = .seconds(10)
    ) -> Machine.JoinRequest {
        Machine.JoinRequest(
            groupId: group,
            memberId: memberId,
            groupInstanceId: nil,
            clientId: client,
            clientHost: "/127.0.0.1",
            sessionTimeout: session,
            rebalanceTimeout: .seconds(5),
            protocolType: type,
            protocols: protocols.map { ($0, Array($0.utf8)) }
        )
    }

    func member(_ id: String) -> Machine.JoinResult.Member {
        Machine.JoinResult.Member(memberId: id, groupInstanceId: nil, metadata: Array("range".utf8))
    }

    func joined(_ id: String, generation: Int32, leader: String, members: [String] = []) -> Machine.JoinResult {
        Machine.JoinResult(
            errorCode: .none,
            generationId: generation,
            protocolType: "consumer",
            protocolName: "range",
            leader: leader,
            memberId: id,
            members: members.map(member)
        )
    }

    func synced(_ assignment: String) -> Machine.SyncResult {
        Machine.SyncResult(
            errorCode: .none,
            protocolType: "consumer",
            protocolName: "range",
            assignment: Array(assignment.utf8)
        )
    }

    /// Two members "a-1-x" (leader) and "b-2-x" joined at `start`, completed at `start` + 150 ms, synced there.
    func stableGroup() -> Machine {
        var machine = machine()
        _ = machine.join(join(client: "a"), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "b"), waiter: Waiter(2), now: start, newMemberSuffix: "x")
        _ = machine.tick(now: start + .milliseconds(150))
        _ = machine.sync(
            groupId: "g",
            generationId: 1,
            memberId: "a-1-x",
            assignments: [("a-1-x", Array("A".utf8)), ("b-2-x", Array("B".utf8))],
            waiter: Waiter(3),
            now: start + .milliseconds(150)
        )
        return machine
    }

    @Test func joinsWaitForTheInitialDelayThenTheFirstMemberLeadsAndGetsEveryone() {
        var machine = machine()
        #expect(machine.join(join(client: "a"), waiter: Waiter(1), now: start, newMemberSuffix: "x") == [])
        #expect(machine.describe(groupId: "g").state == .preparingRebalance)
        // The second member extends the delay by half of it: completion at +150 ms.
        #expect(machine.join(join(client: "b"), waiter: Waiter(2), now: start, newMemberSuffix: "x") == [])
        #expect(machine.tick(now: start + .milliseconds(100)) == [])
        #expect(
            machine.tick(now: start + .milliseconds(150)) == [
                .rebalanceCompleted(groupId: "g", generationId: 1, leader: "a-1-x"),
                .answerJoin(Waiter(1), joined("a-1-x", generation: 1, leader: "a-1-x", members: ["a-1-x", "b-2-x"])),
                .answerJoin(Waiter(2), joined("b-2-x", generation: 1, leader: "a-1-x")),
            ]
        )
        #expect(machine.describe(groupId: "g").state == .completingRebalance)
        #expect(machine.tick(now: start + .seconds(1)) == [])
    }

    @Test func theLeadersSyncAnswersTheWaitingFollowersAndItself() {
        var machine = machine()
        _ = machine.join(join(client: "a"), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "b"), waiter: Waiter(2), now: start, newMemberSuffix: "x")
        _ = machine.tick(now: start + .milliseconds(150))
        let now = start + .milliseconds(200)
        // Between the join and the assignment, commits and the follower's sync wait.
        #expect(machine.validateCommit(groupId: "g", generationId: 1, memberId: "b-2-x") == .rebalanceInProgress)
        #expect(
            machine.sync(groupId: "g", generationId: 1, memberId: "b-2-x", assignments: [], waiter: Waiter(3), now: now)
                == []
        )
        // A second sync of the same member replaces the first, which is told to rejoin.
        #expect(
            machine.sync(groupId: "g", generationId: 1, memberId: "b-2-x", assignments: [], waiter: Waiter(4), now: now)
                == [.answerSync(Waiter(3), Machine.SyncResult(errorCode: .rebalanceInProgress))]
        )
        #expect(
            machine.sync(
                groupId: "g",
                generationId: 1,
                memberId: "a-1-x",
                assignments: [("a-1-x", Array("A".utf8)), ("b-2-x", Array("B".utf8))],
                waiter: Waiter(5),
                now: now
            ) == [.answerSync(Waiter(4), synced("B")), .answerSync(Waiter(5), synced("A"))]
        )
        #expect(machine.describe(groupId: "g").state == .stable)
        #expect(machine.describe(groupId: "g").members.map(\.assignment) == [Array("A".utf8), Array("B".utf8)])
        // Stable: a sync is answered at once with the stored assignment; a wrong generation is refused.
        #expect(
            machine.sync(groupId: "g", generationId: 1, memberId: "b-2-x", assignments: [], waiter: Waiter(6), now: now)
                == [.answerSync(Waiter(6), synced("B"))]
        )
        #expect(
            machine.sync(groupId: "g", generationId: 0, memberId: "b-2-x", assignments: [], waiter: Waiter(7), now: now)
                == [.answerSync(Waiter(7), Machine.SyncResult(errorCode: .illegalGeneration))]
        )
        #expect(machine.heartbeat(groupId: "g", generationId: 1, memberId: "b-2-x", now: now) == .none)
        #expect(machine.heartbeat(groupId: "g", generationId: 0, memberId: "b-2-x", now: now) == .illegalGeneration)
        #expect(machine.heartbeat(groupId: "g", generationId: 1, memberId: "nobody", now: now) == .unknownMemberId)
        #expect(machine.validateCommit(groupId: "g", generationId: 1, memberId: "b-2-x") == .none)
    }

    @Test func aRejoinStartsARebalanceThatTheDeadlineCompletesWithoutTheMembersThatStayedAway() {
        var machine = stableGroup()
        let rejoin = start + .seconds(1)
        #expect(machine.join(join("a-1-x", client: "a"), waiter: Waiter(10), now: rejoin, newMemberSuffix: "x") == [])
        #expect(
            machine.heartbeat(groupId: "g", generationId: 1, memberId: "b-2-x", now: rejoin) == .rebalanceInProgress
        )
        // Revoked members still commit with the generation they had.
        #expect(machine.validateCommit(groupId: "g", generationId: 1, memberId: "b-2-x") == .none)
        // A second join of the same member while the first waits: the first is told to rejoin.
        #expect(
            machine.join(join("a-1-x", client: "a"), waiter: Waiter(11), now: rejoin, newMemberSuffix: "x")
                == [.answerJoin(Waiter(10), Machine.JoinResult(errorCode: .rebalanceInProgress, memberId: "a-1-x"))]
        )
        #expect(machine.tick(now: rejoin + .milliseconds(4900)) == [])
        // The rebalance timeout (5 s) passed: b never rejoined and is dropped.
        #expect(
            machine.tick(now: rejoin + .seconds(5)) == [
                .rebalanceCompleted(groupId: "g", generationId: 2, leader: "a-1-x"),
                .answerJoin(Waiter(11), joined("a-1-x", generation: 2, leader: "a-1-x", members: ["a-1-x"])),
            ]
        )
        #expect(machine.describe(groupId: "g").members.map(\.memberId) == ["a-1-x"])
    }

    @Test func aNewMemberDuringTheAssignmentAnswersTheWaitingSyncsWithRebalanceInProgress() {
        var machine = machine()
        _ = machine.join(join(client: "a"), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "b"), waiter: Waiter(2), now: start, newMemberSuffix: "x")
        _ = machine.tick(now: start + .milliseconds(150))
        let now = start + .milliseconds(200)
        _ = machine.sync(groupId: "g", generationId: 1, memberId: "b-2-x", assignments: [], waiter: Waiter(3), now: now)
        #expect(
            machine.join(join(client: "c"), waiter: Waiter(4), now: now, newMemberSuffix: "y")
                == [.answerSync(Waiter(3), Machine.SyncResult(errorCode: .rebalanceInProgress))]
        )
        // Everyone rejoins: the rebalance completes at once (no initial delay for a group with members).
        #expect(machine.join(join("a-1-x", client: "a"), waiter: Waiter(5), now: now, newMemberSuffix: "x") == [])
        let all = ["a-1-x", "b-2-x", "c-3-y"]
        #expect(
            machine.join(join("b-2-x", client: "b"), waiter: Waiter(6), now: now, newMemberSuffix: "x") == [
                .rebalanceCompleted(groupId: "g", generationId: 2, leader: "a-1-x"),
                .answerJoin(Waiter(5), joined("a-1-x", generation: 2, leader: "a-1-x", members: all)),
                .answerJoin(Waiter(6), joined("b-2-x", generation: 2, leader: "a-1-x")),
                .answerJoin(Waiter(4), joined("c-3-y", generation: 2, leader: "a-1-x")),
            ]
        )
    }

    @Test func anExpiredSessionRemovesTheMemberAndTheRestRebalances() {
        var machine = stableGroup()
        let later = start + .milliseconds(150) + .seconds(8)
        #expect(machine.heartbeat(groupId: "g", generationId: 1, memberId: "b-2-x", now: later) == .none)
        #expect(machine.tick(now: later) == [])
        // a's session (10 s from its sync at +150 ms) lapses; b's does not.
        #expect(
            machine.tick(now: start + .milliseconds(150) + .seconds(10) + .milliseconds(1)) == [
                .memberExpired(groupId: "g", memberId: "a-1-x")
            ]
        )
        #expect(machine.heartbeat(groupId: "g", generationId: 1, memberId: "b-2-x", now: later) == .rebalanceInProgress)
        #expect(
            machine.join(join("b-2-x", client: "b"), waiter: Waiter(20), now: later, newMemberSuffix: "x") == [
                .rebalanceCompleted(groupId: "g", generationId: 2, leader: "b-2-x"),
                .answerJoin(Waiter(20), joined("b-2-x", generation: 2, leader: "b-2-x", members: ["b-2-x"])),
            ]
        )
    }

    @Test func leavingAnswersTheDepartedMembersCallsAndRebalancesTheRest() {
        var machine = machine()
        _ = machine.join(join(client: "a"), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "b"), waiter: Waiter(2), now: start, newMemberSuffix: "x")
        _ = machine.tick(now: start + .milliseconds(150))
        let now = start + .milliseconds(200)
        _ = machine.sync(groupId: "g", generationId: 1, memberId: "b-2-x", assignments: [], waiter: Waiter(3), now: now)
        let (codes, actions) = machine.leave(groupId: "g", memberIds: ["a-1-x", "nobody"], now: now)
        #expect(codes == [.none, .unknownMemberId])
        #expect(actions == [.answerSync(Waiter(3), Machine.SyncResult(errorCode: .rebalanceInProgress))])
        #expect(machine.describe(groupId: "g").state == .preparingRebalance)
        // The only member leaving while its join waits: the join is answered and the group is empty.
        _ = machine.join(join(client: "d", group: "h"), waiter: Waiter(4), now: now, newMemberSuffix: "x")
        let left = machine.leave(groupId: "h", memberIds: ["d-3-x"], now: now)
        #expect(left.errorCodes == [.none])
        #expect(
            left.actions == [.answerJoin(Waiter(4), Machine.JoinResult(errorCode: .unknownMemberId, memberId: "d-3-x"))]
        )
        #expect(machine.describe(groupId: "h").state == .empty)
        #expect(machine.activeGroups().map(\.groupId) == ["g"])
        #expect(machine.leave(groupId: "other", memberIds: ["m"], now: now).errorCodes == [.unknownMemberId])
    }

    @Test func refusedJoinsAreAnsweredAtOnce() {
        var machine = machine()
        func refused(_ code: KafkaErrorCode, _ memberId: String = "") -> [Machine.Action] {
            [.answerJoin(Waiter(9), Machine.JoinResult(errorCode: code, memberId: memberId))]
        }
        #expect(
            machine.join(join(group: ""), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.invalidGroupId)
        )
        #expect(
            machine.join(join(session: .milliseconds(10)), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.invalidSessionTimeout)
        )
        #expect(
            machine.join(join(protocols: []), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.inconsistentGroupProtocol)
        )
        #expect(
            machine.join(join("ghost"), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.unknownMemberId, "ghost")
        )
        _ = machine.join(join(client: "a", protocols: ["range"]), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        #expect(
            machine.join(join(protocols: ["cooperative-sticky"]), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.inconsistentGroupProtocol)
        )
        #expect(
            machine.join(join(type: "connect"), waiter: Waiter(9), now: start, newMemberSuffix: "x")
                == refused(.inconsistentGroupProtocol)
        )
        #expect(
            machine.sync(
                groupId: "g",
                generationId: 0,
                memberId: "ghost",
                assignments: [],
                waiter: Waiter(9),
                now: start
            )
                == [.answerSync(Waiter(9), Machine.SyncResult(errorCode: .unknownMemberId))]
        )
    }

    @Test func shutdownAnswersEveryWaitingCallAndEveryLaterOneWithNotCoordinator() {
        var machine = machine()
        _ = machine.join(join(client: "a", group: "g1"), waiter: Waiter(1), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "b", group: "g2"), waiter: Waiter(2), now: start, newMemberSuffix: "x")
        _ = machine.join(join(client: "c", group: "g2"), waiter: Waiter(3), now: start, newMemberSuffix: "x")
        _ = machine.tick(now: start + .milliseconds(150))
        let now = start + .milliseconds(200)
        _ = machine.sync(
            groupId: "g2",
            generationId: 1,
            memberId: "c-3-x",
            assignments: [],
            waiter: Waiter(4),
            now: now
        )
        _ = machine.join(join("a-1-x", client: "a", group: "g1"), waiter: Waiter(5), now: now, newMemberSuffix: "x")
        // g1 completed its first rebalance at +150 ms and a rejoined alone: that completes at once.
        #expect(machine.describe(groupId: "g1").state == .completingRebalance)
        _ = machine.join(join(client: "d", group: "g1"), waiter: Waiter(6), now: now, newMemberSuffix: "x")
        #expect(
            machine.shutdown() == [
                .answerJoin(Waiter(6), Machine.JoinResult(errorCode: .notCoordinator, memberId: "d-4-x")),
                .answerSync(Waiter(4), Machine.SyncResult(errorCode: .notCoordinator)),
            ]
        )
        #expect(machine.isShutDown)
        #expect(
            machine.join(join(client: "e"), waiter: Waiter(7), now: now, newMemberSuffix: "x")
                == [.answerJoin(Waiter(7), Machine.JoinResult(errorCode: .notCoordinator, memberId: ""))]
        )
        #expect(
            machine.sync(
                groupId: "g2",
                generationId: 1,
                memberId: "c-3-x",
                assignments: [],
                waiter: Waiter(8),
                now: now
            )
                == [.answerSync(Waiter(8), Machine.SyncResult(errorCode: .notCoordinator))]
        )
        // Heartbeat and LeaveGroup too, as Kafka answers for a group whose coordinator is unloading: the member looks
        // for the coordinator again instead of carrying on with a broker that is going away.
        #expect(machine.heartbeat(groupId: "g1", generationId: 1, memberId: "a-1-x", now: now) == .notCoordinator)
        #expect(machine.leave(groupId: "g2", memberIds: ["c-3-x"], now: now).errorCodes == [.notCoordinator])
        #expect(machine.shutdown() == [])
    }

    @Test func theProtocolMostMembersPreferWins() {
        var machine = machine()
        _ = machine.join(
            join(client: "a", protocols: ["range", "roundrobin"]),
            waiter: Waiter(1),
            now: start,
            newMemberSuffix: "x"
        )
        _ = machine.join(
            join(client: "b", protocols: ["roundrobin", "range"]),
            waiter: Waiter(2),
            now: start,
            newMemberSuffix: "x"
        )
        _ = machine.join(
            join(client: "c", protocols: ["roundrobin", "range", "sticky"]),
            waiter: Waiter(3),
            now: start,
            newMemberSuffix: "x"
        )
        let actions = machine.tick(now: start + .seconds(1))
        let chosen = actions.compactMap { action -> String? in
            guard case .answerJoin(_, let result) = action else { return nil }
            return result.protocolName
        }
        #expect(chosen == ["roundrobin", "roundrobin", "roundrobin"])
    }
}
