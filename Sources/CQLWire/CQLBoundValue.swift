/// A value a client bound to a statement, as it arrived (`[value]`, native_protocol_v4.spec §3): the bytes are
/// decoded only once the statement says which type the marker has.
public enum CQLBoundValue: Hashable, Sendable {
    /// Length -1.
    case null
    /// Length -2: the client left this marker unset (v4); the column keeps its value.
    case unset
    case bytes([UInt8])
}
