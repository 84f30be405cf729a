import CQLWire
import NIOCore

/// A value's serialized form (native protocol §6), as Cassandra stores and compares cells.
enum CQLCellValueBytes {
    static func bytes(_ value: CQLValue, type: CQLType) -> [UInt8] {
        if value.isNull { return [] }
        var buffer = ByteBufferAllocator().buffer(capacity: 16)
        guard (try? buffer.writeCQLValue(value, as: type)) != nil else { return [] }
        // writeCQLValue writes the [bytes] length prefix first.
        guard buffer.readInteger(as: Int32.self) != nil else { return [] }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
