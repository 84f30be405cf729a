/// One connection's state, owned by the server: the current keyspace (`USE`) and the authenticated user.
public struct CQLSession: Sendable, Hashable {
    public var keyspace: String?
    public var user: String?

    public init(keyspace: String? = nil, user: String? = nil) {
        self.keyspace = keyspace
        self.user = user
    }
}
