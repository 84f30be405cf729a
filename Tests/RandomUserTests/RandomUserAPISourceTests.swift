import AsyncHTTPClient
import Foundation
import RandomUser
import RandomUserTestSupport
import Testing
import UserStreamCore

/// The HTTP source against the local fault-injecting server. Short timeouts and backoffs keep these quick.
@Suite("RandomUserAPISource", .serialized)
struct RandomUserAPISourceTests {
    static func configuration(
        _ server: RandomUserTestServer,
        seed: String? = nil,
        nat: String? = nil,
        maxAttempts: Int = 4,
        requestTimeout: Duration = .seconds(5),
        budget: RandomUserRequestBudget = RandomUserRequestBudget(maxUsers: 1_000_000, window: .seconds(1))
    ) -> RandomUserAPIConfiguration {
        RandomUserAPIConfiguration(
            apiURL: server.url,
            nat: nat,
            seed: seed,
            requestTimeout: requestTimeout,
            maxAttempts: maxAttempts,
            backoffBase: .milliseconds(10),
            backoffCap: .milliseconds(50),
            budget: budget
        )
    }

    static func profiles(_ batch: SourceBatch) -> [RandomUserProfile] {
        batch.users.compactMap { if case .user(let profile) = $0 { return profile } else { return nil } }
    }

    @Test func fetchesTheRequestedNumberOfUsers() async throws {
        try await withRandomUserTestServer { server in
            let source = RandomUserAPISource(configuration: Self.configuration(server, nat: "gb,NO"))
            #expect(source.name == "randomuser")
            let batch = try #require(try await source.nextBatch(maxUsers: 25))
            #expect(batch.users.count == 25)
            #expect(batch.requests == 1)
            #expect(batch.errors.isEmpty)
            let users = Self.profiles(batch)
            #expect(users.count == 25)
            #expect(Set(users.map(\.nat)).isSubset(of: ["GB", "NO"]))
            for user in users { try UserRecord(flattening: user, ingestedAt: "2024-05-01T00:00:00.000Z").validate() }
            let request = try #require(server.requests.first)
            #expect(request.path == "/api/")
            #expect(request.parameters["results"] == "25")
            #expect(request.parameters["nat"] == "gb,NO")
        }
    }

    @Test func batchSizeIsCappedAt5000() async throws {
        try await withRandomUserTestServer { server in
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let batch = try #require(try await source.nextBatch(maxUsers: 7000))
            #expect(batch.users.count == 5000)
            #expect(server.requests.first?.parameters["results"] == "5000")
            await #expect(throws: UserSourceError.self) { try await source.nextBatch(maxUsers: 0) }
        }
    }

    @Test func aSeedGivesTheSameUsersTwiceAndPagesDiffer() async throws {
        try await withRandomUserTestServer { server in
            let first = RandomUserAPISource(configuration: Self.configuration(server, seed: "userstream"))
            let second = RandomUserAPISource(configuration: Self.configuration(server, seed: "userstream"))
            let a1 = Self.profiles(try #require(try await first.nextBatch(maxUsers: 10)))
            let a2 = Self.profiles(try #require(try await first.nextBatch(maxUsers: 10)))
            let b1 = Self.profiles(try #require(try await second.nextBatch(maxUsers: 10)))
            #expect(a1 == b1)
            #expect(a1 != a2)
            #expect(server.requests.map { $0.parameters["page"] } == ["1", "2", "1"])
            #expect(server.requests.allSatisfy { $0.parameters["seed"] == "userstream" })
        }
    }

    @Test func rateLimitHonoursRetryAfter() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.rateLimited(retryAfter: "1"))
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let start = ContinuousClock.now
            let batch = try #require(try await source.nextBatch(maxUsers: 5))
            let elapsed = ContinuousClock.now - start
            #expect(batch.users.count == 5)
            #expect(batch.requests == 2)
            #expect(batch.errors == ["http_429": 1])
            #expect(elapsed >= .milliseconds(950))
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func retryAfterAsHTTPDate() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.status(429, retryAfter: "Sun, 06 Nov 1994 08:49:37 GMT"))
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let batch = try #require(try await source.nextBatch(maxUsers: 1))
            #expect(batch.errors == ["http_429": 1])
        }
    }

    @Test(arguments: [500, 502, 503])
    func serverErrorsAreRetried(status: Int) async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.status(status))
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let batch = try #require(try await source.nextBatch(maxUsers: 3))
            #expect(batch.users.count == 3)
            #expect(batch.requests == 2)
            #expect(batch.errors == ["http_5xx": 1])
        }
    }

    @Test func timeoutsAreRetried() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.delay(seconds: 1.5))
            let source = RandomUserAPISource(
                configuration: Self.configuration(server, requestTimeout: .milliseconds(300))
            )
            let batch = try #require(try await source.nextBatch(maxUsers: 3))
            #expect(batch.users.count == 3)
            #expect(batch.errors == ["timeout": 1])
            #expect(batch.requests == 2)
        }
    }

    @Test func aDelayedResponseDoesNotBlockOtherConnections() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.delay(seconds: 2.0))
            let slow = RandomUserAPISource(configuration: Self.configuration(server))
            let fast = RandomUserAPISource(configuration: Self.configuration(server))
            let slowTask = Task { try await slow.nextBatch(maxUsers: 1) }
            let deadline = ContinuousClock.now + .seconds(5)
            while server.requestCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let start = ContinuousClock.now
            let batch = try #require(try await fast.nextBatch(maxUsers: 2))
            #expect(batch.users.count == 2)
            #expect(ContinuousClock.now - start < .milliseconds(1500))
            #expect(try await slowTask.value?.users.count == 1)
        }
    }

    @Test func errorBodiesMalformedAndTruncatedJSONAreRetried() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.errorBody, .malformedJSON, .truncatedJSON)
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let batch = try #require(try await source.nextBatch(maxUsers: 4))
            #expect(batch.users.count == 4)
            #expect(batch.requests == 4)
            #expect(batch.errors == ["error_body": 1, "malformed_json": 2])
        }
    }

    @Test func retriesExhaustedCarriesTheCounts() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.status(500), .errorBody, .status(503), .malformedJSON)
            let source = RandomUserAPISource(configuration: Self.configuration(server, maxAttempts: 4))
            do {
                _ = try await source.nextBatch(maxUsers: 2)
                Issue.record("expected retries to be exhausted")
            } catch let error as UserSourceError {
                #expect(error.code == .retriesExhausted)
                #expect(error.requests == 4)
                #expect(error.errors == ["http_5xx": 2, "error_body": 1, "malformed_json": 1])
            }
            #expect(server.requestCount == 4)
        }
    }

    @Test func notFoundIsNotRetried() async throws {
        try await withRandomUserTestServer { server in
            var configuration = Self.configuration(server)
            configuration.apiURL = server.url + "9.9/"
            let source = RandomUserAPISource(configuration: configuration)
            do {
                _ = try await source.nextBatch(maxUsers: 2)
                Issue.record("expected a 404 failure")
            } catch let error as UserSourceError {
                #expect(error.code == .invalidConfiguration)
                #expect(error.message.contains("404"))
                #expect(error.requests == 1)
                #expect(error.errors == ["http_4xx": 1])
            }
            #expect(server.requestCount == 1)
        }
    }

    @Test func connectionFailuresAreCounted() async throws {
        let server = RandomUserTestServer()
        try await server.start()
        let url = server.url
        try await server.stop()
        var configuration = RandomUserAPIConfiguration(
            apiURL: url,
            requestTimeout: .milliseconds(300),
            maxAttempts: 2,
            backoffBase: .milliseconds(5)
        )
        configuration.budget = RandomUserRequestBudget(maxUsers: 1000)
        let source = RandomUserAPISource(configuration: configuration)
        do {
            _ = try await source.nextBatch(maxUsers: 1)
            Issue.record("expected a connection failure")
        } catch let error as UserSourceError {
            #expect(error.code == .retriesExhausted)
            #expect(error.errors == ["connection": 2])
        }
    }

    @Test func oneBadUserInAResponseIsRejected() async throws {
        try await withRandomUserTestServer { server in
            var generator = SyntheticUserGenerator(seed: 7)
            let good = generator.next(count: 2)
            var body = Array(#"{"results":["#.utf8)
            good[0].appendAPIJSON(to: &body)
            body += Array(#",{"gender":"male","name":{"first":"X"}},"#.utf8)
            good[1].appendAPIJSON(to: &body)
            body += Array("]}".utf8)
            server.enqueue(.custom(status: 200, headers: [("Content-Type", "application/json")], body: body))
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let batch = try #require(try await source.nextBatch(maxUsers: 3))
            #expect(batch.users.count == 3)
            #expect(Self.profiles(batch) == [good[0], good[1]])
            guard case .rejected(let raw, let reason) = batch.users[1] else {
                Issue.record("expected a rejected user")
                return
            }
            #expect(reason == "name.last: missing")
            #expect(String(decoding: raw, as: UTF8.self) == #"{"gender":"male","name":{"first":"X"}}"#)
        }
    }

    @Test func budgetMakesTheSecondRequestWait() async throws {
        try await withRandomUserTestServer { server in
            let budget = RandomUserRequestBudget(maxUsers: 10, window: .seconds(2))
            let source = RandomUserAPISource(configuration: Self.configuration(server, budget: budget))
            let start = ContinuousClock.now
            _ = try await source.nextBatch(maxUsers: 8)
            let firstDone = ContinuousClock.now - start
            _ = try await source.nextBatch(maxUsers: 8)
            let secondDone = ContinuousClock.now - start
            #expect(firstDone < .milliseconds(1500))
            #expect(secondDone >= .milliseconds(1900))
            #expect(server.requestCount == 2)
        }
    }

    @Test func cancellationDuringBackoffEndsPromptly() async throws {
        try await withRandomUserTestServer { server in
            server.enqueue(.rateLimited(retryAfter: "60"))
            let source = RandomUserAPISource(configuration: Self.configuration(server))
            let task = Task { try await source.nextBatch(maxUsers: 1) }
            // Wait for the first request to arrive, then cancel while the source sleeps 60 s.
            let deadline = ContinuousClock.now + .seconds(5)
            while server.requestCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            let cancelledAt = ContinuousClock.now
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("expected cancellation")
            } catch let error as UserSourceError {
                #expect(error.code == .cancelled)
                #expect(error.errors == ["http_429": 1])
            }
            #expect(ContinuousClock.now - cancelledAt < .seconds(1))
            #expect(server.requestCount == 1)
        }
    }
}
