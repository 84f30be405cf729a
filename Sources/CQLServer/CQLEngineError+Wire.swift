import CQLEngine
import CQLWire

extension CQLEngineError {
    /// The ERROR message for this engine error, with the details its code carries.
    var wireError: CQLError {
        if let id = unpreparedID {
            return CQLError(code: code, message: message, details: .unprepared(id: id))
        }
        if let existing = alreadyExists {
            return CQLError(
                code: code,
                message: message,
                details: .alreadyExists(keyspace: existing.keyspace, table: existing.table)
            )
        }
        return CQLError(code: code, message: message)
    }
}
