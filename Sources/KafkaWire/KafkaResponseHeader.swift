import NIOCore

/// A response header (ResponseHeader.json; docs/protocols/kafka-record-format.md §5): v0 = `CorrelationId int32`; v1 =
/// v0 + tagged-field section. Pick the version with ``KafkaApiKey/responseHeaderVersion(for:)`` ("ApiVersionsResponse
/// always uses response header v0").
public struct KafkaResponseHeader: Hashable, Sendable {
    public var correlationId: Int32

    public init(correlationId: Int32) {
        self.correlationId = correlationId
    }
}

extension ByteBuffer {
    /// Writes a response header of `version` 0 or 1 (v1 with an empty tag section).
    @discardableResult
    public mutating func writeKafkaResponseHeader(_ header: KafkaResponseHeader, version: Int16) -> Int {
        precondition(version == 0 || version == 1, "response header version \(version) does not exist")
        var written = self.writeInteger(header.correlationId)
        if version >= 1 {
            written += self.writeKafkaEmptyTaggedFields()
        }
        return written
    }

    /// Reads a response header of `version` 0 or 1 (v1 tagged fields are skipped).
    public mutating func readKafkaResponseHeader(version: Int16) throws(KafkaWireError) -> KafkaResponseHeader {
        guard version == 0 || version == 1 else {
            throw KafkaWireError(.unsupportedVersion, "response header version \(version) does not exist")
        }
        let start = self
        do throws(KafkaWireError) {
            let header = KafkaResponseHeader(correlationId: try self.readKafkaInteger(as: Int32.self))
            if version >= 1 {
                try self.skipKafkaTaggedFields()
            }
            return header
        } catch {
            self = start
            throw error
        }
    }
}
