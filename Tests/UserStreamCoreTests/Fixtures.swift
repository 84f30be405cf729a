import Foundation
import UserStreamCore

/// The randomuser sample bodies, copied from `../shared/specs/randomuser/samples/` into `Fixtures/` so that a fresh
/// clone has them.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    )

    static let allNats = "v1.4-111-users-all-nats.json"
    static let singleBR = "v1.4-single-BR.json"
    static let singleCH = "v1.3-single-CH.json"
    static let all = [allNats, singleBR, singleCH]

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// A fixed "now" (2023-06-19, the sample's date) so that computed ages are stable.
    static let now: Int64 = 1_687_132_800_000

    static func response(_ name: String) throws -> RandomUserResponse {
        try RandomUserResponse.decode(try bytes(name), nowMilliseconds: now)
    }

    static func profiles(_ name: String) throws -> [RandomUserProfile] {
        try response(name).users.map { user in
            guard case .user(let profile) = user else { throw FixtureError.rejected("\(user)") }
            return profile
        }
    }

    enum FixtureError: Error {
        case rejected(String)
    }
}

extension SourcedUser {
    var profile: RandomUserProfile? {
        if case .user(let profile) = self { return profile }
        return nil
    }

    var rejection: (raw: [UInt8], reason: String)? {
        if case .rejected(let raw, let reason) = self { return (raw, reason) }
        return nil
    }
}
