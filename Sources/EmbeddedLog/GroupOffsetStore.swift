import Synchronization
import UserStreamCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Committed consumer-group offsets: one JSON file per group in `<dir>/__consumer_offsets/`, replaced atomically
/// (temporary file, fsync, rename, directory fsync) on every commit. Commits run in order on one I/O queue.
final class GroupOffsetStore: Sendable {
    private struct File: Codable {
        struct Entry: Codable {
            var topic: String
            var partition: Int32
            var offset: Int64
        }

        var version: Int
        var group: String
        var offsets: [Entry]
    }

    let directory: String
    private let queue = BlockingQueue(label: "userstream.log.offsets")
    private let cache = Mutex<[String: [TopicPartition: Int64]]>([:])

    init(directory: String) throws(EmbeddedLogError) {
        self.directory = directory
        try FileIO.makeDirectories(directory)
    }

    /// The group's committed offsets.
    func committed(group: String) throws(EmbeddedLogError) -> [TopicPartition: Int64] {
        try Self.validate(group: group)
        if let cached = cache.withLock({ $0[group] }) { return cached }
        let offsets = try load(group: group)
        return cache.withLock { cache in
            if let cached = cache[group] { return cached }
            cache[group] = offsets
            return offsets
        }
    }

    /// Merges `offsets` into the group's committed offsets and writes them durably.
    func commit(group: String, offsets: [TopicPartition: Int64]) async throws(EmbeddedLogError) {
        _ = try committed(group: group)
        try await queue.run { () throws(EmbeddedLogError) in
            let merged = self.cache.withLock { cache in
                cache[group, default: [:]].merge(offsets) { _, new in new }
                return cache[group]!
            }
            let file = File(
                version: 1,
                group: group,
                offsets: merged.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
                    .map { File.Entry(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
            )
            let bytes: [UInt8]
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                bytes = Array(try encoder.encode(file))
            } catch {
                throw EmbeddedLogError(.corruptState, "cannot encode the offsets of group \(group): \(error)")
            }
            try FileIO.writeAtomically(bytes, to: self.path(group: group), directory: self.directory)
        }
    }

    /// The names of the groups with a committed-offsets file.
    func groups() throws(EmbeddedLogError) -> [String] {
        var names: [String] = []
        for file in try FileIO.list(directory) where file.hasSuffix(".json") {
            let bytes = try FileIO.readFile(directory + "/" + file)
            guard let decoded = try? JSONDecoder().decode(File.self, from: Data(bytes)) else { continue }
            names.append(decoded.group)
        }
        return names.sorted()
    }

    private func load(group: String) throws(EmbeddedLogError) -> [TopicPartition: Int64] {
        let path = path(group: group)
        guard FileIO.exists(path) else { return [:] }
        let bytes = try FileIO.readFile(path)
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch {
            throw EmbeddedLogError(.corruptState, "cannot read the offsets of group \(group) in \(path): \(error)")
        }
        var offsets: [TopicPartition: Int64] = [:]
        for entry in file.offsets {
            offsets[TopicPartition(topic: entry.topic, partition: entry.partition)] = entry.offset
        }
        return offsets
    }

    /// `<directory>/<group, percent-encoded outside [A-Za-z0-9_-]>.json`.
    private func path(group: String) -> String {
        directory + "/" + Self.fileName(group: group)
    }

    private static func fileName(group: String) -> String {
        var name = ""
        for byte in group.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return name + ".json"
    }

    static func validate(group: String) throws(EmbeddedLogError) {
        guard !group.isEmpty, fileName(group: group).utf8.count <= 250 else {
            throw EmbeddedLogError(
                .invalidGroupName,
                "group names must be non-empty and short enough for a file name (250 bytes, percent-encoded)"
            )
        }
    }
}
