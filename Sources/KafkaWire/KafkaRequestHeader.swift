import NIOCore

/// A request header (RequestHeader.json; docs/protocols/kafka-record-format.md §5):
///
///     v1: RequestApiKey int16, RequestApiVersion int16, CorrelationId int32, ClientId NULLABLE_STRING (int16 length)
///     v2: v1 + tagged-field section
///
/// `ClientId` keeps the INT16-length string in v2 (`"flexibleVersions": "none"`). The version is not sent; it follows
/// from the API key and version (``KafkaApiKey/requestHeaderVersion(for:)``). v0 (no ClientId, only
/// ControlledShutdown v0) is not supported.
public struct KafkaRequestHeader: Hashable, Sendable {
    public var requestApiKey: KafkaApiKey
    public var requestApiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(requestApiKey: KafkaApiKey, requestApiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.requestApiKey = requestApiKey
        self.requestApiVersion = requestApiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// The header version this request uses: 2 when its API version is flexible, else 1.
    public var headerVersion: Int16 { requestApiKey.requestHeaderVersion(for: requestApiVersion) }

    /// Splits a whole request frame (as produced by ``KafkaFrameDecoder``) into its header and its body slice.
    /// Tagged fields of a v2 header are skipped.
    ///
    /// - Throws: ``KafkaWireError`` `.truncated` when the frame ends inside the header, `.malformed` for a bad client
    ///   id or tag section.
    public static func decode(
        frame: ByteBuffer
    ) throws(KafkaWireError) -> (header: KafkaRequestHeader, body: ByteBuffer) {
        var buffer = frame
        let header = try buffer.readKafkaRequestHeader()
        return (header, buffer)
    }
}

extension ByteBuffer {
    /// Reads a request header, choosing v1 or v2 from its API key and version.
    public mutating func readKafkaRequestHeader() throws(KafkaWireError) -> KafkaRequestHeader {
        let start = self
        do throws(KafkaWireError) {
            let apiKey = KafkaApiKey(try self.readKafkaInteger(as: Int16.self))
            let apiVersion = try self.readKafkaInteger(as: Int16.self)
            let correlationId = try self.readKafkaInteger(as: Int32.self)
            let clientId = try self.readKafkaNullableString()
            let header = KafkaRequestHeader(
                requestApiKey: apiKey,
                requestApiVersion: apiVersion,
                correlationId: correlationId,
                clientId: clientId
            )
            if header.headerVersion >= 2 {
                try self.skipKafkaTaggedFields()
            }
            return header
        } catch {
            self = start
            throw error
        }
    }

    /// Writes a request header in the version its API key and version call for (a v2 header gets an empty tag
    /// section).
    @discardableResult
    public mutating func writeKafkaRequestHeader(_ header: KafkaRequestHeader) -> Int {
        var written = self.writeInteger(header.requestApiKey.rawValue)
        written += self.writeInteger(header.requestApiVersion)
        written += self.writeInteger(header.correlationId)
        written += self.writeKafkaNullableString(header.clientId)
        if header.headerVersion >= 2 {
            written += self.writeKafkaEmptyTaggedFields()
        }
        return written
    }
}
