/// The librdkafka clients a ``KafkaLog`` creates.
enum KafkaClientRole: Hashable, Sendable {
    /// The log's producer: idempotent, `acks=all`, murmur2 partitioner.
    case producer
    /// A group member consuming with manual commits.
    case consumer(group: String)
    /// Metadata, admin requests, watermarks: never creates topics as a side effect.
    case admin
}

extension KafkaLogConfiguration {
    /// Checks the typed settings (librdkafka checks each property when the client is created).
    func validate() throws(KafkaLogError) {
        func check(_ condition: Bool, _ message: String) throws(KafkaLogError) {
            guard condition else { throw KafkaLogError(.invalidConfiguration, message) }
        }
        try check(!bootstrapServers.isEmpty, "bootstrapServers is empty")
        for server in bootstrapServers {
            let hostAndPort = server.split(separator: ":", omittingEmptySubsequences: false)
            try check(
                hostAndPort.count >= 2 && !hostAndPort.dropLast().joined(separator: ":").isEmpty
                    && UInt16(hostAndPort.last!) != nil,
                "bootstrap server \"\(server)\" is not host:port"
            )
        }
        try check((1...100_000).contains(defaultPartitions), "defaultPartitions must be in 1...100000")
        try check(
            replicationFactor.map { (1...Int(Int16.max)).contains($0) } ?? true,
            "replicationFactor must be positive"
        )
        try check(linger >= .zero, "linger must not be negative")
        try check(deliveryTimeout > .zero, "deliveryTimeout must be positive")
        try check(requestTimeout > .zero, "requestTimeout must be positive")
        try check(assignmentTimeout > .zero, "assignmentTimeout must be positive")
        try check(startingOffsetsTimeout > .zero, "startingOffsetsTimeout must be positive")
        try check(sessionTimeout > .zero, "sessionTimeout must be positive")
        try check(consumerBufferRecords > 0, "consumerBufferRecords must be positive")
        try check(closeTimeout >= .zero, "closeTimeout must not be negative")
        try check(!properties.keys.contains(""), "an extra property has an empty name")
        if let sasl {
            try check(!sasl.username.isEmpty, "the SASL username is empty")
        }
    }

    /// The librdkafka properties of a client in `role`: connection and security settings, the role's own settings,
    /// then ``properties`` (which override both).
    func librdkafkaProperties(for role: KafkaClientRole) -> [String: String] {
        var result: [String: String] = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
        ]

        switch (tls != nil, sasl != nil) {
        case (false, false): result["security.protocol"] = "plaintext"
        case (true, false): result["security.protocol"] = "ssl"
        case (false, true): result["security.protocol"] = "sasl_plaintext"
        case (true, true): result["security.protocol"] = "sasl_ssl"
        }
        if let tls {
            result["ssl.ca.location"] = tls.caLocation
            result["ssl.certificate.location"] = tls.certificateLocation
            result["ssl.key.location"] = tls.keyLocation
            result["ssl.key.password"] = tls.keyPassword
            result["enable.ssl.certificate.verification"] = tls.verifyCertificates ? "true" : "false"
            result["ssl.endpoint.identification.algorithm"] = tls.verifyHostname ? "https" : "none"
        }
        if let sasl {
            result["sasl.mechanisms"] = sasl.mechanism.name
            result["sasl.username"] = sasl.username
            result["sasl.password"] = sasl.password
        }

        switch role {
        case .producer:
            result["acks"] = "all"
            result["enable.idempotence"] = "true"
            result["linger.ms"] = Self.milliseconds(linger)
            result["message.timeout.ms"] = Self.milliseconds(deliveryTimeout, atLeast: 1)
            // Keys land where the Java client puts them (murmur2); records without key go to a random partition.
            result["partitioner"] = "murmur2_random"
        case .consumer(let group):
            result["group.id"] = group
            // Offsets are committed by the processor, explicitly, once the rows they cover are durable.
            result["enable.auto.commit"] = "false"
            result["enable.auto.offset.store"] = "false"
            result["auto.offset.reset"] = "earliest"
            result["enable.partition.eof"] = "false"
            result["session.timeout.ms"] = Self.milliseconds(sessionTimeout, atLeast: 1)
            result["allow.auto.create.topics"] = "false"
        case .admin:
            result["allow.auto.create.topics"] = "false"
        }

        for (key, value) in properties {
            result[key] = value
        }
        return result
    }

    /// Property names whose values never appear in logs or errors.
    static let secretProperties: Set<String> = ["sasl.password", "ssl.key.password", "ssl.keystore.password"]

    static func milliseconds(_ duration: Duration, atLeast minimum: Int64 = 0) -> String {
        String(max(minimum, milliseconds(duration)))
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// A `Duration` as librdkafka's `int timeout_ms`.
    static func timeoutMilliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: max(0, milliseconds(duration)))
    }
}
