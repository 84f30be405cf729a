import Foundation

/// The client session of one request, from the `X-Trino-*` request headers of `POST /v1/statement`.
public struct TrinoSession: Sendable, Hashable {
    /// `X-Trino-User`.
    public var user: String
    /// `X-Trino-Catalog`: resolves unqualified schema names.
    public var catalog: String?
    /// `X-Trino-Schema`: resolves unqualified table names.
    public var schema: String?
    /// `X-Trino-Source`, e.g. `trino-python-client` or `Apache Superset`.
    public var source: String?
    /// `X-Trino-Session` properties (`name=value`).
    public var properties: [String: String]
    /// `X-Trino-Prepared-Statement`: statements the client prepared with `PREPARE` (name → SQL), used by `EXECUTE`.
    public var preparedStatements: [String: String]

    public init(
        user: String = "trino",
        catalog: String? = nil,
        schema: String? = nil,
        source: String? = nil,
        properties: [String: String] = [:],
        preparedStatements: [String: String] = [:]
    ) {
        self.user = user
        self.catalog = catalog
        self.schema = schema
        self.source = source
        self.properties = properties
        self.preparedStatements = preparedStatements
    }

    /// The session described by request headers (names case-insensitive; a header may repeat). `X-Trino-Session`
    /// and `X-Trino-Prepared-Statement` hold comma-separated `name=value` pairs with URL-encoded values.
    public init(headers: some Sequence<(name: String, value: String)>) {
        self.init()
        var user: String?
        for (name, value) in headers {
            switch name.lowercased() {
            case "x-trino-user": user = value
            case "x-trino-catalog": catalog = value.isEmpty ? nil : value
            case "x-trino-schema": schema = value.isEmpty ? nil : value
            case "x-trino-source": source = value
            case "x-trino-session":
                for (key, item) in Self.pairs(value) { properties[key] = item }
            case "x-trino-prepared-statement":
                for (key, item) in Self.pairs(value) { preparedStatements[key.lowercased()] = item }
            default: break
            }
        }
        self.user = user ?? "trino"
    }

    static func pairs(_ header: String) -> [(String, String)] {
        header.split(separator: ",").compactMap { item in
            guard let equals = item.firstIndex(of: "=") else { return nil }
            let key = item[..<equals].trimmingCharacters(in: .whitespaces)
            let raw = String(item[item.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
            return key.isEmpty ? nil : (key, value)
        }
    }
}

/// A response header the HTTP layer must add: session changes (`X-Trino-Set-Session`, `X-Trino-Set-Catalog`,
/// `X-Trino-Added-Prepare`, …) that the client applies to its next requests.
public struct TrinoHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// URL-encodes a header value as Trino does for session property values and prepared statement text.
    static func urlEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return value.addingPercentEncoding(withAllowedCharacters: allowed)?.replacingOccurrences(of: "%20", with: "+")
            ?? value
    }
}

/// What the HTTP layer sends back: the JSON body and extra response headers.
public struct TrinoResponse: Sendable, Hashable {
    public var results: QueryResults
    public var headers: [TrinoHeader]

    public init(results: QueryResults, headers: [TrinoHeader] = []) {
        self.results = results
        self.headers = headers
    }

    /// The body: `results` as Trino's JSON (compact, nulls omitted).
    public func jsonBody() throws -> Data {
        try TrinoJSON.encoder.encode(results)
    }
}

/// The JSON encoder for protocol documents.
public enum TrinoJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
