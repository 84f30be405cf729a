import NIOCore

/// EVENT (native_protocol_v4.spec §4.2.6): a `[string]` event type, then the event. Sent on stream -1.
public enum CQLEvent: CQLMessage {
    public static let opcode = CQLOpcode.event

    public enum TopologyChange: String, Hashable, Sendable {
        case newNode = "NEW_NODE"
        case removedNode = "REMOVED_NODE"
        /// Sent by Cassandra, though the v4 spec does not list it.
        case movedNode = "MOVED_NODE"
    }

    public enum StatusChange: String, Hashable, Sendable {
        case up = "UP"
        case down = "DOWN"
    }

    /// `TOPOLOGY_CHANGE`: a `[string]` change and an `[inet]`.
    case topologyChange(TopologyChange, address: CQLInet)
    /// `STATUS_CHANGE`: a `[string]` change and an `[inet]`.
    case statusChange(StatusChange, address: CQLInet)
    /// `SCHEMA_CHANGE`: `<change_type><target><options>`.
    case schemaChange(CQLSchemaChange)

    /// The event type string, as REGISTER names it.
    public var eventType: String {
        switch self {
        case .topologyChange: "TOPOLOGY_CHANGE"
        case .statusChange: "STATUS_CHANGE"
        case .schemaChange: "SCHEMA_CHANGE"
        }
    }

    public init(decoding body: ByteBuffer, version: UInt8) throws(CQLWireError) {
        self = try decodeCQLMessage(body, "EVENT") { (buffer: inout ByteBuffer) throws(CQLWireError) in
            let type = try buffer.readCQLString()
            switch type {
            case "TOPOLOGY_CHANGE":
                let text = try buffer.readCQLString()
                guard let change = TopologyChange(rawValue: text) else {
                    throw CQLWireError(.malformed, "unknown topology change \(text)", bytes: buffer)
                }
                return .topologyChange(change, address: try buffer.readCQLInet())
            case "STATUS_CHANGE":
                let text = try buffer.readCQLString()
                guard let change = StatusChange(rawValue: text) else {
                    throw CQLWireError(.malformed, "unknown status change \(text)", bytes: buffer)
                }
                return .statusChange(change, address: try buffer.readCQLInet())
            case "SCHEMA_CHANGE":
                return .schemaChange(try buffer.readCQLSchemaChange())
            default:
                throw CQLWireError(.malformed, "unknown event type \(type)", bytes: buffer)
            }
        }
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeCQLString(eventType)
        switch self {
        case .topologyChange(let change, let address):
            buffer.writeCQLString(change.rawValue)
            buffer.writeCQLInet(address)
        case .statusChange(let change, let address):
            buffer.writeCQLString(change.rawValue)
            buffer.writeCQLInet(address)
        case .schemaChange(let change):
            buffer.writeCQLSchemaChange(change)
        }
    }
}
