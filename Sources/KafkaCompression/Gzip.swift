internal import CZlib
import KafkaWire
import NIOCore

/// gzip (RFC 1952) through zlib.
enum Gzip {
    /// zlib's window bits for a gzip header and trailer (15 + 16).
    private static let gzipWindowBits: Int32 = 15 + 16

    static func decompress(_ data: ByteBuffer, limit: Int) throws(KafkaCompressionError) -> ByteBuffer {
        guard data.readableBytes > 0 else {
            throw KafkaCompressionError(.truncated, codec: .gzip, "empty gzip stream")
        }
        guard data.readableBytes <= Int(UInt32.max) else {
            throw KafkaCompressionError(.libraryFailure, codec: .gzip, "input of \(data.readableBytes) bytes")
        }
        var stream = z_stream()
        let initialized = inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else {
            throw KafkaCompressionError(.libraryFailure, codec: .gzip, "inflateInit2 failed (\(initialized))")
        }
        defer { inflateEnd(&stream) }
        var output = BoundedOutput(limit: limit, codec: .gzip, inputSize: data.readableBytes)
        try data.withReadableBytes { (input) throws(KafkaCompressionError) in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            while true {
                var status: Int32 = Z_OK
                _ = try output.write { space in
                    stream.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(space.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return space.count - Int(stream.avail_out)
                }
                switch status {
                case Z_STREAM_END:
                    // The end of a gzip member: another one may follow (concatenated members read as one stream).
                    guard stream.avail_in > 0 else { return }
                    guard inflateReset(&stream) == Z_OK else {
                        throw KafkaCompressionError(.libraryFailure, codec: .gzip, "inflateReset failed")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: there is output space, so the input ran out.
                    throw KafkaCompressionError(
                        .truncated,
                        codec: .gzip,
                        "the gzip stream ends early (after \(output.count) decompressed bytes)",
                        bytes: data
                    )
                case Z_MEM_ERROR:
                    throw KafkaCompressionError(.libraryFailure, codec: .gzip, "zlib is out of memory")
                default:
                    throw KafkaCompressionError(
                        .corrupt,
                        codec: .gzip,
                        "invalid gzip stream: \(cString(stream.msg)) (\(status))",
                        bytes: data
                    )
                }
            }
        }
        return output.buffer
    }

    static func compress(_ data: ByteBuffer, level: Int?) throws(KafkaCompressionError) -> ByteBuffer {
        try KafkaCompression.check(level: level, in: 1...9, codec: .gzip)
        guard data.readableBytes <= Int(UInt32.max) / 2 else {
            throw KafkaCompressionError(.libraryFailure, codec: .gzip, "input of \(data.readableBytes) bytes")
        }
        var stream = z_stream()
        let initialized = deflateInit2_(
            &stream,
            Int32(level ?? 6),
            Z_DEFLATED,
            gzipWindowBits,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard initialized == Z_OK else {
            throw KafkaCompressionError(.libraryFailure, codec: .gzip, "deflateInit2 failed (\(initialized))")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.readableBytes)))
        var output = ByteBuffer()
        var status: Int32 = Z_OK
        data.withUnsafeReadableBytes { input in
            var placeholder: UInt8 = 0
            withUnsafeMutablePointer(to: &placeholder) { empty in
                stream.next_in =
                    input.isEmpty
                    ? empty : UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                    stream.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(min(space.count, Int(UInt32.max)))
                    status = deflate(&stream, Z_FINISH)
                    return Int(stream.total_out)
                }
            }
        }
        guard status == Z_STREAM_END else {
            throw KafkaCompressionError(
                .libraryFailure,
                codec: .gzip,
                "deflate failed: \(cString(stream.msg)) (\(status))"
            )
        }
        return output
    }
}
