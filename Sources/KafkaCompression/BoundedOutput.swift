import KafkaWire
import NIOCore

/// The output of a decompression, bounded: it never holds more than `limit` bytes (its storage grows by doubling, up
/// to the power of two at or above `limit`), and throws `.tooLarge` as soon as a codec has more to write.
struct BoundedOutput {
    private(set) var buffer: ByteBuffer
    let limit: Int
    let codec: KafkaRecordBatch.Compression
    private var chunk: Int

    /// Where a codec writes once the output is full: any byte written there means the limit is exceeded.
    private static let probeSize = 64

    init(limit: Int, codec: KafkaRecordBatch.Compression, inputSize: Int) {
        self.limit = limit
        self.codec = codec
        // A first guess of 4× the input, grown by doubling: few reallocations, and never far past the output size.
        self.chunk = max(1, min(limit, max(4096, min(inputSize, 1 << 24) * 4)))
        self.buffer = ByteBuffer()
    }

    /// The bytes written so far.
    var count: Int { buffer.readableBytes }

    /// The bytes that may still be written before passing the limit.
    var remaining: Int { limit - buffer.readableBytes }

    /// Calls `body` with writable space (never beyond `limit` bytes in total); `body` returns how many bytes it wrote
    /// at the start of it. Returns that count and the space's size. Once the output is full, `body` gets a small
    /// probe space instead, to tell a finished stream (nothing more to write) from one that has more.
    ///
    /// - Throws: `.tooLarge` when `body` writes into the probe space.
    mutating func write(
        _ body: (UnsafeMutableRawBufferPointer) -> Int
    ) throws(KafkaCompressionError) -> (written: Int, space: Int) {
        let allowed = limit - buffer.readableBytes
        guard allowed > 0 else {
            let written = withUnsafeTemporaryAllocation(byteCount: Self.probeSize, alignment: 1) { probe in
                body(probe)
            }
            guard written == 0 else {
                throw KafkaCompressionError(
                    .tooLarge,
                    codec: codec,
                    "the decompressed data exceeds the limit of \(limit) bytes"
                )
            }
            return (0, Self.probeSize)
        }
        let wanted = min(allowed, chunk)
        var space = 0
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { pointer in
            let usable = UnsafeMutableRawBufferPointer(rebasing: pointer[..<min(pointer.count, allowed)])
            space = usable.count
            return body(usable)
        }
        if written == space { chunk = min(chunk * 2, 1 << 26) }
        return (written, space)
    }

    /// Reserves exactly `size` bytes (the caller knows the output size) and lets `body` fill them.
    ///
    /// - Throws: `.tooLarge` when `size` exceeds what remains under the limit, before allocating.
    mutating func write(
        exactly size: Int,
        _ body: (UnsafeMutableRawBufferPointer) -> Int
    ) throws(KafkaCompressionError) -> Int {
        guard size <= remaining else {
            throw KafkaCompressionError(
                .tooLarge,
                codec: codec,
                "the decompressed data (\(count) + \(size) bytes) would exceed the limit of \(limit) bytes"
            )
        }
        guard size > 0 else { return 0 }
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pointer in
            body(UnsafeMutableRawBufferPointer(rebasing: pointer[..<size]))
        }
    }
}

extension ByteBuffer {
    /// Runs `body` over the readable bytes, with typed throws (`withUnsafeReadableBytes` only rethrows untyped).
    func withReadableBytes<T>(
        _ body: (UnsafeRawBufferPointer) throws(KafkaCompressionError) -> T
    ) throws(KafkaCompressionError) -> T {
        let result: Result<T, KafkaCompressionError> = self.withUnsafeReadableBytes { pointer in
            do throws(KafkaCompressionError) {
                return .success(try body(pointer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// A C string, or a placeholder.
func cString(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? "(no message)"
}
