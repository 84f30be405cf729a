import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, `EINTR`-safe wrappers over the system calls the log uses. All of them block: callers run them either briefly
/// (writes to the page cache, small reads) or on a ``BlockingQueue`` (fsync).
enum FileIO {
    static func error(_ call: String, _ path: String, errno code: Int32 = errno) -> EmbeddedLogError {
        EmbeddedLogError(.io, "\(call)(\(path)) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(EmbeddedLogError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("open", path) }
        }
    }

    static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    /// Writes all readable bytes of `buffer` (from `from`, `count` bytes) at `offset`.
    static func pwriteAll(
        _ fd: Int32,
        _ buffer: ByteBuffer,
        from start: Int,
        count: Int,
        at offset: Int64,
        path: String
    ) throws(EmbeddedLogError) {
        let result: Int32 = buffer.withUnsafeReadableBytes { pointer in
            var written = 0
            while written < count {
                let n = pwrite(
                    fd,
                    pointer.baseAddress! + start + written,
                    count - written,
                    off_t(offset + Int64(written))
                )
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return 0
        }
        if result != 0 { throw error("pwrite", path, errno: result) }
    }

    /// Reads up to `count` bytes at `offset`, appending them to `buffer`; returns the bytes read (short only at EOF).
    @discardableResult
    static func readAppending(
        _ fd: Int32,
        into buffer: inout ByteBuffer,
        count: Int,
        at offset: Int64,
        path: String
    ) throws(EmbeddedLogError) -> Int {
        guard count > 0 else { return 0 }
        var failure: Int32 = 0
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            var done = 0
            while done < count {
                let n = pread(fd, pointer.baseAddress! + done, count - done, off_t(offset + Int64(done)))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return done
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        if failure != 0 { throw error("pread", path, errno: failure) }
        return read
    }

    /// Forces written data to stable storage (`fdatasync` on Linux: the size of an appended file is included).
    static func sync(_ fd: Int32, path: String) throws(EmbeddedLogError) {
        while true {
            #if os(Linux)
            let result = fdatasync(fd)
            #else
            let result = fsync(fd)
            #endif
            if result == 0 { return }
            if errno != EINTR { throw error("fsync", path) }
        }
    }

    static func size(_ fd: Int32, path: String) throws(EmbeddedLogError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("fstat", path) }
        return Int64(info.st_size)
    }

    static func truncate(_ fd: Int32, to size: Int64, path: String) throws(EmbeddedLogError) {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw error("ftruncate", path) }
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates a directory (and its parents); succeeds when it exists.
    static func makeDirectories(_ path: String) throws(EmbeddedLogError) {
        if isDirectory(path) { return }
        var parent = path
        while parent.count > 1 && parent.hasSuffix("/") { parent.removeLast() }
        if let slash = parent.lastIndex(of: "/"), slash != parent.startIndex {
            try makeDirectories(String(parent[..<slash]))
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw error("mkdir", path)
        }
    }

    /// The names in a directory, without `.` and `..`.
    static func list(_ path: String) throws(EmbeddedLogError) -> [String] {
        guard let directory = opendir(path) else { throw error("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func remove(_ path: String) throws(EmbeddedLogError) {
        if unlink(path) != 0 && errno != ENOENT { throw error("unlink", path) }
    }

    static func removeDirectory(_ path: String) throws(EmbeddedLogError) {
        if rmdir(path) != 0 && errno != ENOENT { throw error("rmdir", path) }
    }

    static func move(_ from: String, _ to: String) throws(EmbeddedLogError) {
        if rename(from, to) != 0 { throw error("rename", "\(from) -> \(to)") }
    }

    /// Fsyncs a directory, making creations, renames and deletions in it durable.
    static func syncDirectory(_ path: String) throws(EmbeddedLogError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { closeFile(fd) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw error("fsync", path) }
        }
    }

    /// Writes a whole file atomically: a temporary file, fsync, rename over `path`, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(EmbeddedLogError) {
        let temporary = path + ".tmp"
        func writeTemporary() throws(EmbeddedLogError) {
            let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            defer { closeFile(fd) }
            var buffer = ByteBuffer()
            buffer.writeBytes(bytes)
            try pwriteAll(fd, buffer, from: 0, count: bytes.count, at: 0, path: temporary)
            while fsync(fd) != 0 {
                if errno != EINTR { throw error("fsync", temporary) }
            }
        }
        try writeTemporary()
        try move(temporary, path)
        try syncDirectory(directory)
    }

    /// Reads a whole (small) file.
    static func readFile(_ path: String) throws(EmbeddedLogError) -> [UInt8] {
        let fd = try openFile(path, O_RDONLY)
        defer { closeFile(fd) }
        let size = try self.size(fd, path: path)
        var buffer = ByteBuffer()
        try readAppending(fd, into: &buffer, count: Int(size), at: 0, path: path)
        return Array(buffer.readableBytesView)
    }
}
