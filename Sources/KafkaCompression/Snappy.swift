internal import CSnappy
import KafkaWire
import NIOCore

/// snappy through libsnappy's C API: raw snappy blocks, and the xerial (snappy-java) framing Kafka's Java client
/// writes: the 8-byte magic `\x82SNAPPY\x00`, int32 version, int32 compatible version, then blocks of
/// [int32 big-endian compressed length][raw snappy block].
enum Snappy {
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    /// Magic + version + compatible version.
    static let xerialHeaderSize = 16
    /// What snappy-java writes as version and minimum compatible version.
    static let xerialVersion: Int32 = 1
    static let xerialCompatibleVersion: Int32 = 1
    /// snappy-java's default block size (of uncompressed data per block).
    static let xerialBlockSize = 32 * 1024

    static func isXerial(_ data: ByteBuffer) -> Bool {
        data.readableBytes >= xerialMagic.count
            && data.readableBytesView.prefix(xerialMagic.count).elementsEqual(xerialMagic)
    }

    static func decompress(_ data: ByteBuffer, limit: Int) throws(KafkaCompressionError) -> ByteBuffer {
        guard data.readableBytes > 0 else {
            throw KafkaCompressionError(.truncated, codec: .snappy, "empty snappy data")
        }
        var output = BoundedOutput(limit: limit, codec: .snappy, inputSize: data.readableBytes)
        if isXerial(data) {
            var reader = data
            guard reader.readableBytes >= xerialHeaderSize else {
                throw KafkaCompressionError(.truncated, codec: .snappy, "the xerial snappy header is cut", bytes: data)
            }
            reader.moveReaderIndex(forwardBy: xerialHeaderSize)
            while reader.readableBytes > 0 {
                guard let length = reader.readInteger(as: Int32.self) else {
                    throw KafkaCompressionError(
                        .truncated,
                        codec: .snappy,
                        "the xerial snappy data ends inside a block length",
                        bytes: data
                    )
                }
                guard length > 0 else {
                    throw KafkaCompressionError(
                        .corrupt,
                        codec: .snappy,
                        "xerial snappy block length \(length)",
                        bytes: data
                    )
                }
                guard let block = reader.readSlice(length: Int(length)) else {
                    throw KafkaCompressionError(
                        .truncated,
                        codec: .snappy,
                        "xerial snappy block of \(length) bytes with \(reader.readableBytes) left",
                        bytes: data
                    )
                }
                try decompressRaw(block, into: &output)
            }
        } else {
            try decompressRaw(data, into: &output)
        }
        return output.buffer
    }

    /// Decompresses one raw snappy block; its uncompressed length (its varint prefix) is checked against the limit
    /// before anything is allocated.
    private static func decompressRaw(
        _ block: ByteBuffer,
        into output: inout BoundedOutput
    ) throws(KafkaCompressionError) {
        try block.withReadableBytes { (input) throws(KafkaCompressionError) in
            let source = input.baseAddress!.assumingMemoryBound(to: CChar.self)
            var length = 0
            guard snappy_uncompressed_length(source, input.count, &length) == SNAPPY_OK else {
                throw KafkaCompressionError(
                    .corrupt,
                    codec: .snappy,
                    "invalid snappy block (bad length prefix)",
                    bytes: block
                )
            }
            var status = SNAPPY_OK
            let written = try output.write(exactly: length) { space in
                var produced = space.count
                status = snappy_uncompress(
                    source,
                    input.count,
                    space.baseAddress!.assumingMemoryBound(to: CChar.self),
                    &produced
                )
                return status == SNAPPY_OK ? produced : 0
            }
            guard status == SNAPPY_OK, written == length else {
                throw KafkaCompressionError(
                    .corrupt,
                    codec: .snappy,
                    "invalid snappy block (\(status == SNAPPY_OK ? "short output" : "invalid data"))",
                    bytes: block
                )
            }
        }
    }

    /// Compresses in the xerial framing, as snappy-java's `SnappyOutputStream` does.
    static func compress(_ data: ByteBuffer) throws(KafkaCompressionError) -> ByteBuffer {
        var output = ByteBuffer()
        output.reserveCapacity(xerialHeaderSize + snappy_max_compressed_length(data.readableBytes) + 64)
        output.writeBytes(xerialMagic)
        output.writeInteger(xerialVersion)
        output.writeInteger(xerialCompatibleVersion)
        var reader = data
        while reader.readableBytes > 0 {
            let block = reader.readSlice(length: min(reader.readableBytes, xerialBlockSize))!
            let lengthIndex = output.writerIndex
            output.writeInteger(Int32(0))
            let written = try compressRaw(block, into: &output)
            output.setInteger(Int32(written), at: lengthIndex)
        }
        return output
    }

    private static func compressRaw(
        _ data: ByteBuffer,
        into output: inout ByteBuffer
    ) throws(KafkaCompressionError) -> Int {
        var status = SNAPPY_OK
        let written = data.withUnsafeReadableBytes { input in
            var placeholder: CChar = 0
            return withUnsafePointer(to: &placeholder) { empty in
                let source = input.isEmpty ? empty : input.baseAddress!.assumingMemoryBound(to: CChar.self)
                let bound = snappy_max_compressed_length(input.count)
                return output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                    var produced = space.count
                    status = snappy_compress(
                        source,
                        input.count,
                        space.baseAddress!.assumingMemoryBound(to: CChar.self),
                        &produced
                    )
                    return status == SNAPPY_OK ? produced : 0
                }
            }
        }
        guard status == SNAPPY_OK else {
            throw KafkaCompressionError(.libraryFailure, codec: .snappy, "snappy_compress failed (\(status.rawValue))")
        }
        return written
    }
}
