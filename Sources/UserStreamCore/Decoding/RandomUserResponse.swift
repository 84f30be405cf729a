/// A randomuser.me response body, decoded user by user.
///
/// One bad user object inside `results` becomes `SourcedUser.rejected(raw:reason:)` (its JSON re-serialised, the
/// reason `"<path>: <what was wrong>"`) while the others decode. A body that is `{"error": …}`, not JSON,
/// truncated, or without a `results` array fails as a whole with `RandomUserResponseError`.
public struct RandomUserResponse: Sendable {
    /// The response's `info` object (absent with `noinfo`).
    public struct Info: Sendable, Hashable {
        public var seed: String
        public var results: Int
        public var page: Int
        public var version: String

        public init(seed: String, results: Int, page: Int, version: String) {
            self.seed = seed
            self.results = results
            self.page = page
            self.version = version
        }
    }

    public var users: [SourcedUser]
    public var info: Info?

    public init(users: [SourcedUser], info: Info? = nil) {
        self.users = users
        self.info = info
    }

    /// Largest body accepted (5,000 pretty-printed users are about 9 MiB).
    public static let maxBodyBytes = 64 << 20

    /// Decodes an API response body `{"results": [...], "info": {...}}`.
    ///
    /// - Parameter acceptingBareUsers: also accept a JSON array of user objects or a single user object (replay
    ///   files); `info` is then `nil`.
    public static func decode(
        _ body: some Collection<UInt8>,
        acceptingBareUsers: Bool = false,
        nowMilliseconds: Int64 = Timestamp.nowMilliseconds()
    ) throws(RandomUserResponseError) -> RandomUserResponse {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: body, maxBytes: maxBodyBytes)
        } catch {
            throw RandomUserResponseError(code: .malformedJSON, message: error.message)
        }
        return try decode(document, acceptingBareUsers: acceptingBareUsers, nowMilliseconds: nowMilliseconds)
    }

    /// Decodes an already parsed body. See `decode(_:acceptingBareUsers:nowMilliseconds:)`.
    public static func decode(
        _ document: JSONValue,
        acceptingBareUsers: Bool = false,
        nowMilliseconds: Int64 = Timestamp.nowMilliseconds()
    ) throws(RandomUserResponseError) -> RandomUserResponse {
        switch document {
        case .object:
            if let results = document["results"] {
                guard case .array(let elements) = results else {
                    throw RandomUserResponseError(
                        code: .malformedJSON,
                        message: "results: expected array, got \(results.typeName)"
                    )
                }
                return RandomUserResponse(
                    users: decodeUsers(elements, nowMilliseconds: nowMilliseconds),
                    info: info(document["info"])
                )
            }
            if let error = document["error"] {
                let message: String
                if case .string(let text) = error {
                    message = text
                } else {
                    message = String(decoding: error.jsonBytes(), as: UTF8.self)
                }
                throw RandomUserResponseError(code: .errorBody, message: message)
            }
            if acceptingBareUsers {
                return RandomUserResponse(
                    users: decodeUsers([document], nowMilliseconds: nowMilliseconds, indexed: false)
                )
            }
            throw RandomUserResponseError(code: .malformedJSON, message: "no \"results\" array in the response")
        case .array(let elements) where acceptingBareUsers:
            return RandomUserResponse(users: decodeUsers(elements, nowMilliseconds: nowMilliseconds))
        default:
            throw RandomUserResponseError(
                code: .malformedJSON,
                message: "expected a JSON object with \"results\", got \(document.typeName)"
            )
        }
    }

    /// Decodes each element on its own; a bad one becomes `.rejected` with its JSON and the reason.
    public static func decodeUsers(
        _ elements: [JSONValue],
        nowMilliseconds: Int64 = Timestamp.nowMilliseconds(),
        indexed: Bool = true
    ) -> [SourcedUser] {
        var users: [SourcedUser] = []
        users.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            do {
                users.append(.user(try RandomUserProfile(json: element, nowMilliseconds: nowMilliseconds)))
            } catch {
                let reason = error.path.isEmpty && indexed ? "results[\(index)]: \(error.detail)" : error.reason
                users.append(.rejected(raw: element.jsonBytes(), reason: reason))
            }
        }
        return users
    }

    private static func info(_ value: JSONValue?) -> Info? {
        guard let value, case .object = value else { return nil }
        return Info(
            seed: value["seed"]?.stringValue ?? "",
            results: value["results"]?.intValue ?? 0,
            page: value["page"]?.intValue ?? 0,
            version: value["version"]?.stringValue ?? ""
        )
    }
}
