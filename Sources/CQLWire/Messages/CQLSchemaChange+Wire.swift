import NIOCore

// <change_type><target><options> (native_protocol_v4.spec §4.2.6), shared by RESULT Schema_change and EVENT:
//   KEYSPACE: [string] keyspace.  TABLE, TYPE: [string] keyspace, [string] name.
//   FUNCTION, AGGREGATE: [string] keyspace, [string] name, [string list] argument types.

extension ByteBuffer {
    /// Reads `<change_type><target><options>`.
    public mutating func readCQLSchemaChange() throws(CQLWireError) -> CQLSchemaChange {
        let changeText = try readCQLString()
        guard let changeType = CQLSchemaChange.ChangeType(rawValue: changeText) else {
            throw CQLWireError(.malformed, "unknown schema change type \(changeText)", bytes: self)
        }
        let targetText = try readCQLString()
        guard let target = CQLSchemaChange.Target(rawValue: targetText) else {
            throw CQLWireError(.malformed, "unknown schema change target \(targetText)", bytes: self)
        }
        let keyspace = try readCQLString()
        var change = CQLSchemaChange(changeType: changeType, target: target, keyspace: keyspace)
        switch target {
        case .keyspace: break
        case .table, .type: change.name = try readCQLString()
        case .function, .aggregate:
            change.name = try readCQLString()
            change.argumentTypes = try readCQLStringList()
        }
        return change
    }

    /// Writes `<change_type><target><options>` (a missing name is written empty where the target needs one).
    @discardableResult
    public mutating func writeCQLSchemaChange(_ change: CQLSchemaChange) -> Int {
        var written = writeCQLString(change.changeType.rawValue) + writeCQLString(change.target.rawValue)
        written += writeCQLString(change.keyspace)
        switch change.target {
        case .keyspace: break
        case .table, .type: written += writeCQLString(change.name ?? "")
        case .function, .aggregate:
            written += writeCQLString(change.name ?? "") + writeCQLStringList(change.argumentTypes)
        }
        return written
    }
}
