import NIOCore

/// ApiVersionsRequest (ApiVersionsRequest.json, apiKey 18, valid 0-4, flexible 3+):
///
///     v0-v2: empty body
///     v3+:   ClientSoftwareName COMPACT_STRING, ClientSoftwareVersion COMPACT_STRING, tagged fields
///
/// librdkafka opens every connection with a v3 request ("librdkafka", "2.0.2"; docs/protocols/kafka-client-needs.md
/// §1).
public struct ApiVersionsRequest: Hashable, Sendable {
    public static let apiKey = KafkaApiKey.apiVersions
    /// The versions this codec decodes.
    public static let supportedVersions: ClosedRange<Int16> = 0...4

    /// The name of the client (v3+; empty before).
    public var clientSoftwareName: String
    /// The version of the client (v3+; empty before).
    public var clientSoftwareVersion: String

    public init(clientSoftwareName: String = "", clientSoftwareVersion: String = "") {
        self.clientSoftwareName = clientSoftwareName
        self.clientSoftwareVersion = clientSoftwareVersion
    }

    /// Decodes a whole request body of `version`; the body must be fully consumed.
    ///
    /// - Throws: ``KafkaWireError`` `.unsupportedVersion` outside ``supportedVersions`` (answer it with
    ///   ``ApiVersionsResponse/answering(requestVersion:supportedVersions:throttleTimeMs:)``), `.truncated` /
    ///   `.malformed` for a bad body, `.malformed` for trailing bytes.
    public init(decoding body: ByteBuffer, version: Int16) throws(KafkaWireError) {
        guard Self.supportedVersions.contains(version) else {
            throw KafkaWireError(.unsupportedVersion, "ApiVersionsRequest v\(version) is not supported", bytes: body)
        }
        var buffer = body
        if version >= 3 {
            self.clientSoftwareName = try buffer.readKafkaCompactString()
            self.clientSoftwareVersion = try buffer.readKafkaCompactString()
            try buffer.skipKafkaTaggedFields()
        } else {
            self.clientSoftwareName = ""
            self.clientSoftwareVersion = ""
        }
        guard buffer.readableBytes == 0 else {
            throw KafkaWireError(
                .malformed,
                "\(buffer.readableBytes) bytes left after ApiVersionsRequest v\(version)",
                bytes: buffer
            )
        }
    }

    /// Encodes the body for `version` (0-4).
    public func encode(into buffer: inout ByteBuffer, version: Int16) {
        precondition(Self.supportedVersions.contains(version), "ApiVersionsRequest v\(version) is not supported")
        if version >= 3 {
            buffer.writeKafkaCompactString(clientSoftwareName)
            buffer.writeKafkaCompactString(clientSoftwareVersion)
            buffer.writeKafkaEmptyTaggedFields()
        }
    }
}
