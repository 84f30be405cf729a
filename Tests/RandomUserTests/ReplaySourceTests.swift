import Foundation
import RandomUser
import Testing
import UserStreamCore

@Suite("ReplaySource")
struct ReplaySourceTests {
    static let users: [RandomUserProfile] = {
        var generator = SyntheticUserGenerator(seed: 11, referenceMilliseconds: 1_714_566_896_789)
        return generator.next(count: 7)
    }()

    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("replay-\(UUID().uuidString).json").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func drain(_ source: ReplaySource, batch: Int) async throws -> [[SourcedUser]] {
        var batches: [[SourcedUser]] = []
        while let next = try await source.nextBatch(maxUsers: batch) { batches.append(next.users) }
        return batches
    }

    static func profiles(_ batches: [[SourcedUser]]) -> [RandomUserProfile] {
        batches.joined().compactMap { if case .user(let profile) = $0 { return profile } else { return nil } }
    }

    @Test func apiResponseFile() async throws {
        let path = try Self.file(RandomUserResponse.apiJSONBytes(users: Self.users, seed: "s", page: 1))
        let source = ReplaySource(path: path)
        #expect(source.name == "replay")
        let batches = try await Self.drain(source, batch: 3)
        #expect(batches.map(\.count) == [3, 3, 1])
        #expect(Self.profiles(batches) == Self.users)
        #expect(try await source.nextBatch(maxUsers: 3) == nil)
    }

    @Test func arrayOfUsersAndSingleUser() async throws {
        var array = Array("[".utf8)
        for (index, user) in Self.users.enumerated() {
            if index > 0 { array.append(UInt8(ascii: ",")) }
            user.appendAPIJSON(to: &array)
        }
        array += Array("]".utf8)
        let arrayBatches = try await Self.drain(ReplaySource(path: try Self.file(array)), batch: 100)
        #expect(Self.profiles(arrayBatches) == Self.users)

        let single = try await Self.drain(
            ReplaySource(path: try Self.file(Self.users[0].apiJSONBytes())),
            batch: 100
        )
        #expect(Self.profiles(single) == [Self.users[0]])
    }

    @Test func jsonLinesMixtureWithAMalformedLine() async throws {
        var lines: [UInt8] = []
        lines += RandomUserResponse.apiJSONBytes(users: Array(Self.users[0..<2]), seed: "s", page: 1) + [0x0A]
        lines += Self.users[2].apiJSONBytes() + [0x0D, 0x0A]
        lines += Array("\n".utf8)
        lines += Array(#"{"gender":"male","name":{"#.utf8) + [0x0A]
        lines +=
            Array("[".utf8) + Self.users[3].apiJSONBytes() + Array(",".utf8) + Self.users[4].apiJSONBytes()
            + Array("]\n".utf8)
        lines += Array(#"{"error":"Uh oh"}"#.utf8) + [0x0A]
        lines += Array(#"[{"gender":"female"}]"#.utf8)
        let batches = try await Self.drain(ReplaySource(path: try Self.file(lines)), batch: 2)
        let all = Array(batches.joined())
        #expect(all.count == 8)
        #expect(Self.profiles(batches) == Array(Self.users[0..<5]))
        let rejected = all.compactMap {
            if case .rejected(let raw, let reason) = $0 { return (raw, reason) } else { return nil }
        }
        #expect(rejected.count == 3)
        #expect(rejected[0].1.hasPrefix("line 4: malformed JSON: truncated"))
        #expect(rejected[0].0 == Array(#"{"gender":"male","name":{"#.utf8))
        #expect(rejected[1].1 == "line 6: error_body: Uh oh")
        #expect(rejected[2].1 == "line 7: name: missing")
    }

    @Test func sampleFileWithOneBadUser() async throws {
        let body = #"{"results":[{"gender":"male"}],"info":{"seed":"x","results":1,"page":1,"version":"1.4"}}"#
        let batches = try await Self.drain(ReplaySource(path: try Self.file(Array(body.utf8))), batch: 10)
        guard case .rejected(let raw, let reason)? = batches.first?.first else {
            Issue.record("expected a rejected user")
            return
        }
        #expect(reason == "name: missing")
        #expect(raw == Array(#"{"gender":"male"}"#.utf8))
    }

    @Test func unreadableFile() async throws {
        let source = ReplaySource(path: "/nonexistent/replay.json")
        do {
            _ = try await source.nextBatch(maxUsers: 1)
            Issue.record("expected an error")
        } catch let error as UserSourceError {
            #expect(error.code == .unreadable)
            #expect(error.message.contains("/nonexistent/replay.json"))
        }
    }
}
