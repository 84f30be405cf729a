import NIOCore
import Synchronization
import UserStreamCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The single-writer lock of a log directory: an exclusive `flock` on `<dir>/writer.lock`, holding the holder's pid,
/// command line and start time so that a second writer's error names it.
///
/// `flock` locks belong to the open file description: a second open of the same directory conflicts even within one
/// process, and the kernel releases the lock when the holder exits, however it exits.
final class WriterLock: Sendable {
    let path: String
    private let fd: Mutex<Int32?>

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = Mutex(fd)
    }

    static func acquire(directory: String) throws(EmbeddedLogError) -> WriterLock {
        let path = directory + "/writer.lock"
        let fd = try FileIO.openFile(path, O_RDWR | O_CREAT, mode: 0o644)
        // A lock just released can stay held for a moment by a child that another thread of the holder was
        // spawning (the child holds a copy of the descriptor until its exec closes it): retry briefly before
        // naming the holder.
        var busyAttempts = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK, busyAttempts < 20 {
                busyAttempts += 1
                usleep(25_000)
                continue
            }
            FileIO.closeFile(fd)
            if code == EWOULDBLOCK {
                let holder = (try? FileIO.readFile(path)).map { Holder(parsing: $0) } ?? Holder()
                throw EmbeddedLogError(
                    .locked,
                    "the log at \(directory) is in use by \(holder); stop it or use another --data-dir"
                )
            }
            throw FileIO.error("flock", path, errno: code)
        }
        let since = Timestamp.iso8601(milliseconds: Timestamp.nowMilliseconds())
        let holder = Holder(
            pid: Int(getpid()),
            command: Holder.commandLine(),
            since: String(since.prefix(19)) + "Z"
        )
        var buffer = ByteBuffer()
        buffer.writeString(holder.fileContents)
        do throws(EmbeddedLogError) {
            try FileIO.truncate(fd, to: 0, path: path)
            try FileIO.pwriteAll(fd, buffer, from: 0, count: buffer.readableBytes, at: 0, path: path)
        } catch {
            FileIO.closeFile(fd)
            throw error
        }
        return WriterLock(path: path, fd: fd)
    }

    /// Releases the lock (closing the descriptor); idempotent.
    func release() {
        let fd = self.fd.withLock { fd -> Int32? in
            defer { fd = nil }
            return fd
        }
        if let fd { FileIO.closeFile(fd) }
    }

    deinit {
        release()
    }

    /// Who holds the lock, as written into the lock file: `pid=…`, `command=…`, `since=…` lines.
    struct Holder: CustomStringConvertible {
        var pid: Int?
        var command: String?
        var since: String?

        init(pid: Int? = nil, command: String? = nil, since: String? = nil) {
            self.pid = pid
            self.command = command
            self.since = since
        }

        init(parsing bytes: [UInt8]) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                let value = String(line[line.index(after: equals)...])
                switch line[..<equals] {
                case "pid": pid = Int(value)
                case "command": command = value
                case "since": since = value
                default: break
                }
            }
        }

        var fileContents: String {
            "pid=\(pid.map(String.init) ?? "")\ncommand=\(command ?? "")\nsince=\(since ?? "")\n"
        }

        var description: String {
            guard let pid else { return "another process (holder unknown)" }
            var details: [String] = []
            if let command, !command.isEmpty { details.append(command) }
            if let since, !since.isEmpty { details.append("since \(since)") }
            return details.isEmpty ? "pid \(pid)" : "pid \(pid) (\(details.joined(separator: ", ")))"
        }

        /// The program name (without its directory) and arguments, newlines removed, at most 200 characters.
        static func commandLine() -> String {
            var arguments = CommandLine.arguments
            if let program = arguments.first, let slash = program.lastIndex(of: "/") {
                arguments[0] = String(program[program.index(after: slash)...])
            }
            let line = arguments.joined(separator: " ").map { $0 == "\n" ? " " : $0 }
            return String(line.prefix(200))
        }
    }
}
