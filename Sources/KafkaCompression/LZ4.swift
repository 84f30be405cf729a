internal import CLZ4
import KafkaWire
import NIOCore

/// LZ4 frames through liblz4's frame API.
enum LZ4 {
    static func decompress(_ data: ByteBuffer, limit: Int) throws(KafkaCompressionError) -> ByteBuffer {
        guard data.readableBytes > 0 else {
            throw KafkaCompressionError(.truncated, codec: .lz4, "empty lz4 stream")
        }
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else {
            throw KafkaCompressionError(
                .libraryFailure,
                codec: .lz4,
                "LZ4F_createDecompressionContext failed: \(cString(LZ4F_getErrorName(created)))"
            )
        }
        defer { LZ4F_freeDecompressionContext(context) }
        var output = BoundedOutput(limit: limit, codec: .lz4, inputSize: data.readableBytes)
        try data.withReadableBytes { (input) throws(KafkaCompressionError) in
            var position = 0
            while true {
                var hint = 0
                var consumed = 0
                let (written, space) = try output.write { space in
                    var produced = space.count
                    consumed = input.count - position
                    hint = LZ4F_decompress(
                        context,
                        space.baseAddress,
                        &produced,
                        input.baseAddress! + position,
                        &consumed,
                        nil
                    )
                    return LZ4F_isError(hint) != 0 ? 0 : produced
                }
                if LZ4F_isError(hint) != 0 {
                    throw KafkaCompressionError(
                        .corrupt,
                        codec: .lz4,
                        "invalid lz4 frame: \(cString(LZ4F_getErrorName(hint)))",
                        bytes: data
                    )
                }
                position += consumed
                let inputDone = position == input.count
                // 0: the frame is complete and flushed; more input may hold further frames.
                if hint == 0 && inputDone { return }
                if inputDone && written < space {
                    throw KafkaCompressionError(
                        .truncated,
                        codec: .lz4,
                        "the lz4 frame ends early (after \(output.count) decompressed bytes)",
                        bytes: data
                    )
                }
                if written == 0 && consumed == 0 && hint != 0 {
                    throw KafkaCompressionError(.corrupt, codec: .lz4, "the lz4 frame makes no progress", bytes: data)
                }
            }
        }
        return output.buffer
    }

    /// One frame as Kafka's Java producer writes it: 64 KiB independent blocks, no block or content checksum, no
    /// content size.
    static func compress(_ data: ByteBuffer, level: Int?) throws(KafkaCompressionError) -> ByteBuffer {
        try KafkaCompression.check(level: level, in: 1...Int(LZ4F_compressionLevel_max()), codec: .lz4)
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.compressionLevel = Int32(level ?? 0)
        let bound = LZ4F_compressFrameBound(data.readableBytes, &preferences)
        var output = ByteBuffer()
        var result = 0
        data.withUnsafeReadableBytes { input in
            var placeholder: UInt8 = 0
            _ = withUnsafeMutablePointer(to: &placeholder) { empty in
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                    result = LZ4F_compressFrame(
                        space.baseAddress,
                        space.count,
                        input.isEmpty ? UnsafeRawPointer(empty) : input.baseAddress,
                        input.count,
                        &preferences
                    )
                    return LZ4F_isError(result) != 0 ? 0 : result
                }
            }
        }
        guard LZ4F_isError(result) == 0 else {
            throw KafkaCompressionError(
                .libraryFailure,
                codec: .lz4,
                "LZ4F_compressFrame failed: \(cString(LZ4F_getErrorName(result)))"
            )
        }
        return output
    }
}
