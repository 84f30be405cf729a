internal import CZstd
import KafkaWire
import NIOCore

/// zstd frames through libzstd's streaming API (frames need not carry their content size).
enum Zstd {
    static func decompress(_ data: ByteBuffer, limit: Int) throws(KafkaCompressionError) -> ByteBuffer {
        guard data.readableBytes > 0 else {
            throw KafkaCompressionError(.truncated, codec: .zstd, "empty zstd stream")
        }
        guard let context = ZSTD_createDCtx() else {
            throw KafkaCompressionError(.libraryFailure, codec: .zstd, "ZSTD_createDCtx failed")
        }
        defer { ZSTD_freeDCtx(context) }
        var output = BoundedOutput(limit: limit, codec: .zstd, inputSize: data.readableBytes)
        try data.withReadableBytes { (input) throws(KafkaCompressionError) in
            var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while true {
                let consumed = source.pos
                var hint = 0
                let (written, space) = try output.write { space in
                    var destination = ZSTD_outBuffer(dst: space.baseAddress, size: space.count, pos: 0)
                    hint = ZSTD_decompressStream(context, &destination, &source)
                    return ZSTD_isError(hint) != 0 ? 0 : destination.pos
                }
                if ZSTD_isError(hint) != 0 {
                    throw KafkaCompressionError(
                        .corrupt,
                        codec: .zstd,
                        "invalid zstd stream: \(cString(ZSTD_getErrorName(hint)))",
                        bytes: data
                    )
                }
                let inputDone = source.pos == source.size
                // 0: a frame is complete and flushed; more input may hold further frames.
                if hint == 0 && inputDone { return }
                if inputDone && written < space {
                    throw KafkaCompressionError(
                        .truncated,
                        codec: .zstd,
                        "the zstd stream ends early (after \(output.count) decompressed bytes)",
                        bytes: data
                    )
                }
                if written == 0 && source.pos == consumed && hint != 0 {
                    throw KafkaCompressionError(
                        .corrupt,
                        codec: .zstd,
                        "the zstd stream makes no progress",
                        bytes: data
                    )
                }
            }
        }
        return output.buffer
    }

    static func compress(_ data: ByteBuffer, level: Int?) throws(KafkaCompressionError) -> ByteBuffer {
        try KafkaCompression.check(
            level: level,
            in: Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel()),
            codec: .zstd
        )
        let bound = ZSTD_compressBound(data.readableBytes)
        var output = ByteBuffer()
        var result = 0
        _ = data.withUnsafeReadableBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                result = ZSTD_compress(
                    space.baseAddress,
                    space.count,
                    input.baseAddress,
                    input.count,
                    Int32(level ?? Int(ZSTD_CLEVEL_DEFAULT))
                )
                return ZSTD_isError(result) != 0 ? 0 : result
            }
        }
        guard ZSTD_isError(result) == 0 else {
            throw KafkaCompressionError(
                .libraryFailure,
                codec: .zstd,
                "ZSTD_compress failed: \(cString(ZSTD_getErrorName(result)))"
            )
        }
        return output
    }
}
