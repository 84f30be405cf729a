import KafkaWire
import Testing

@testable import KafkaBroker

/// The classic group protocol, driven with explicit instants so nothing depends on wall-clock timing.
@Suite struct GroupCoordinatorTests {
    let start = ContinuousClock.now

    func coordinator(delay: Duration = .milliseconds(100)) -> GroupCoordinator {
        GroupCoordinator(
            configuration: GroupCoordinator.Configuration(
                initialRebalanceDelay: delay,
                sessionTimeouts: .seconds(1)...(.seconds(600))
            )
        )
    }

    func join(
        _ memberId: String = "",
        client: String = "c",
        protocols: [String] = ["range", "roundrobin"],
        session: Duration = .seconds(10)
    ) -> GroupCoordinator.JoinRequest {
        GroupCoordinator.JoinRequest(
            groupId: "g",
            memberId: memberId,
            groupInstanceId: nil,
            clientId: client,
            clientHost: "/127.0.0.1",
            sessionTimeout: session,
            rebalanceTimeout: .seconds(5),
            protocolType: "consumer",
            protocols: protocols.map { ($0, Array($0.utf8)) }
        )
    }

    /// Joins in a child task and ticks the clock forward until it returns.
    func joined(
        _ coordinator: GroupCoordinator,
        _ requests: [GroupCoordinator.JoinRequest],
        at instant: ContinuousClock.Instant
    ) async -> [GroupCoordinator.JoinResult] {
        await withTaskGroup(of: (Int, GroupCoordinator.JoinResult).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await coordinator.join(request, now: instant)) }
            }
            group.addTask {
                var now = instant
                for _ in 0..<100 {
                    do { try await Task.sleep(for: .milliseconds(5)) } catch { break }
                    now += .milliseconds(50)
                    await coordinator.tick(now: now)
                }
                return (-1, GroupCoordinator.JoinResult(errorCode: .none, memberId: ""))
            }
            var results = [GroupCoordinator.JoinResult?](repeating: nil, count: requests.count)
            for await (index, result) in group where index >= 0 {
                results[index] = result
                if results.allSatisfy({ $0 != nil }) { group.cancelAll() }
            }
            return results.map { $0! }
        }
    }

    @Test func twoMembersJoinOneGenerationAndTheLeaderSeesBoth() async {
        let coordinator = coordinator()
        let results = await joined(coordinator, [join(client: "a"), join(client: "b")], at: start)
        #expect(results.allSatisfy { $0.errorCode == .none })
        #expect(Set(results.map(\.generationId)) == [1])
        #expect(Set(results.map(\.leader)).count == 1)
        let leader = results.first { $0.memberId == $0.leader }!
        let follower = results.first { $0.memberId != $0.leader }!
        #expect(leader.members.count == 2)
        #expect(follower.members.isEmpty)
        #expect(leader.protocolName == "range")
        #expect(Set(leader.members.map(\.memberId)) == Set(results.map(\.memberId)))
    }

    @Test func syncRelaysTheLeadersAssignmentToEveryMember() async {
        let coordinator = coordinator()
        let results = await joined(coordinator, [join(client: "a"), join(client: "b")], at: start)
        let leader = results.first { $0.memberId == $0.leader }!
        let follower = results.first { $0.memberId != $0.leader }!
        async let followerSync = coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: follower.memberId,
            assignments: [],
            now: start
        )
        try? await Task.sleep(for: .milliseconds(20))
        let leaderSync = await coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: leader.memberId,
            assignments: [(leader.memberId, [1]), (follower.memberId, [2, 2])],
            now: start
        )
        #expect(leaderSync.errorCode == .none)
        #expect(leaderSync.assignment == [1])
        let synced = await followerSync
        #expect(synced.errorCode == .none)
        #expect(synced.assignment == [2, 2])
        #expect(await coordinator.describe(groupId: "g").state == .stable)
        #expect(await coordinator.heartbeat(groupId: "g", generationId: 1, memberId: follower.memberId) == .none)
        #expect(
            await coordinator.heartbeat(groupId: "g", generationId: 0, memberId: follower.memberId)
                == .illegalGeneration
        )
        #expect(await coordinator.heartbeat(groupId: "g", generationId: 1, memberId: "nobody") == .unknownMemberId)
    }

    @Test func aLeavingMemberMakesTheOthersRebalanceIntoANewGeneration() async {
        let coordinator = coordinator()
        let results = await joined(coordinator, [join(client: "a"), join(client: "b")], at: start)
        let leader = results.first { $0.memberId == $0.leader }!
        let follower = results.first { $0.memberId != $0.leader }!
        _ = await coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: leader.memberId,
            assignments: [],
            now: start
        )
        #expect(await coordinator.leave(groupId: "g", memberIds: [leader.memberId], now: start) == [.none])
        #expect(
            await coordinator.heartbeat(groupId: "g", generationId: 1, memberId: follower.memberId)
                == .rebalanceInProgress
        )
        // Revoked members still commit what they consumed, with the generation they had.
        #expect(await coordinator.validateCommit(groupId: "g", generationId: 1, memberId: follower.memberId) == .none)
        let rejoined = await joined(coordinator, [join(follower.memberId)], at: start + .seconds(1))
        #expect(rejoined[0].errorCode == .none)
        #expect(rejoined[0].generationId == 2)
        #expect(rejoined[0].leader == follower.memberId)
        #expect(rejoined[0].members.map(\.memberId) == [follower.memberId])
    }

    @Test func anExpiredSessionIsRemovedAndTheGroupRebalances() async {
        let coordinator = coordinator()
        let results = await joined(
            coordinator,
            [join(client: "a", session: .seconds(2)), join(client: "b", session: .seconds(2))],
            at: start
        )
        let leader = results.first { $0.memberId == $0.leader }!
        let follower = results.first { $0.memberId != $0.leader }!
        _ = await coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: leader.memberId,
            assignments: [],
            now: start
        )
        // Only the follower keeps heartbeating.
        let later = start + .seconds(10)
        _ = await coordinator.heartbeat(groupId: "g", generationId: 1, memberId: follower.memberId, now: later)
        await coordinator.tick(now: later + .milliseconds(500))
        #expect(await coordinator.describe(groupId: "g").members.map(\.memberId) == [follower.memberId])
        #expect(
            await coordinator.heartbeat(groupId: "g", generationId: 1, memberId: follower.memberId, now: later)
                == .rebalanceInProgress
        )
    }

    @Test func membersWithoutACommonProtocolAreRefused() async {
        let coordinator = coordinator()
        let first = await joined(coordinator, [join(client: "a", protocols: ["range"])], at: start)
        #expect(first[0].errorCode == .none)
        let other = await coordinator.join(join(client: "b", protocols: ["cooperative-sticky"]), now: start)
        #expect(other.errorCode == .inconsistentGroupProtocol)
    }

    @Test func badJoinsAreRefusedWithKafkasCodes() async {
        let coordinator = coordinator()
        var request = join()
        request.groupId = ""
        #expect(await coordinator.join(request, now: start).errorCode == .invalidGroupId)
        #expect(
            await coordinator.join(join(session: .milliseconds(10)), now: start).errorCode == .invalidSessionTimeout
        )
        #expect(await coordinator.join(join("ghost"), now: start).errorCode == .unknownMemberId)
    }

    @Test func commitsFromOutsideAGroupAreAllowedOnlyWhileItHasNoMembers() async {
        let coordinator = coordinator()
        #expect(await coordinator.validateCommit(groupId: "g", generationId: -1, memberId: "") == .none)
        _ = await joined(coordinator, [join(client: "a")], at: start)
        #expect(await coordinator.validateCommit(groupId: "g", generationId: -1, memberId: "") == .unknownMemberId)
    }

    @Test func aJoinerWaitsForADeadMembersSessionThenLeadsTheGroupAlone() async {
        let coordinator = coordinator()
        let first = await joined(coordinator, [join(client: "dead", session: .seconds(3))], at: start)
        _ = await coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: first[0].memberId,
            assignments: [(first[0].memberId, [1])],
            now: start
        )
        // The first member never heartbeats again; a new one joins a second later.
        async let joiner = coordinator.join(join(client: "new", session: .seconds(3)), now: start + .seconds(1))
        try? await Task.sleep(for: .milliseconds(20))
        await coordinator.tick(now: start + .seconds(2))
        #expect(await coordinator.describe(groupId: "g").state == .preparingRebalance)
        await coordinator.tick(now: start + .seconds(3) + .milliseconds(100))
        let result = await joiner
        #expect(result.errorCode == .none)
        #expect(result.generationId == 2)
        #expect(result.leader == result.memberId)
        #expect(result.members.map(\.memberId) == [result.memberId])
    }

    @Test func shutdownAnswersWaitingJoinsAndSyncsAndEveryLaterRequest() async {
        let coordinator = coordinator()
        let results = await joined(coordinator, [join(client: "a"), join(client: "b")], at: start)
        let leader = results.first { $0.memberId == $0.leader }!
        let follower = results.first { $0.memberId != $0.leader }!
        // The follower waits for the leader's assignment, which never comes.
        async let followerSync = coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: follower.memberId,
            assignments: [],
            now: start
        )
        // A member of another group waits for the initial rebalance delay, which no tick ends.
        var other = join(client: "c")
        other.groupId = "h"
        async let waitingJoin = coordinator.join(other, now: start)
        try? await Task.sleep(for: .milliseconds(50))
        await coordinator.shutdown()
        #expect(await followerSync.errorCode == .notCoordinator)
        #expect(await waitingJoin.errorCode == .notCoordinator)
        #expect(await coordinator.join(join(client: "d"), now: start).errorCode == .notCoordinator)
        let sync = await coordinator.sync(
            groupId: "g",
            generationId: 1,
            memberId: leader.memberId,
            assignments: [],
            now: start
        )
        #expect(sync.errorCode == .notCoordinator)
    }
}
