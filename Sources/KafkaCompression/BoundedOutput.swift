import KafkaWire
import NIOCore

/// The output of a decompression, bounded: it never holds more than `limit + 1` bytes, and throws `.tooLarge` once
/// it holds more than `limit` (the extra byte tells "exactly at the limit" from "beyond it").
struct BoundedOutput {
    private(set) var buffer: ByteBuffer
    let limit: Int
    let codec: KafkaRecordBatch.Compression
    private var chunk: Int

    init(limit: Int, codec: KafkaRecordBatch.Compression, inputSize: Int) {
        self.limit = limit
        self.codec = codec
        // A first guess of 4× the input, grown by doubling: few reallocations, and never far past the output size.
        self.chunk = min(limit + 1, max(4096, min(inputSize, 1 << 24) * 4))
        self.buffer = ByteBuffer()
    }

    /// The bytes written so far.
    var count: Int { buffer.readableBytes }

    /// The bytes that may still be written before passing the limit.
    var remaining: Int { limit - buffer.readableBytes }

    /// Calls `body` with writable space (never beyond `limit + 1` bytes in total); `body` returns how many bytes it
    /// wrote at the start of it. Returns that count and the space's size.
    ///
    /// - Throws: `.tooLarge` once more than `limit` bytes are written.
    mutating func write(
        _ body: (UnsafeMutableRawBufferPointer) -> Int
    ) throws(KafkaCompressionError) -> (written: Int, space: Int) {
        let allowed = limit + 1 - buffer.readableBytes
        precondition(allowed > 0)
        let wanted = min(allowed, chunk)
        var space = 0
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { pointer in
            let usable = UnsafeMutableRawBufferPointer(rebasing: pointer[..<min(pointer.count, allowed)])
            space = usable.count
            return body(usable)
        }
        if written == space { chunk = min(chunk * 2, 1 << 26) }
        try checkLimit()
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

    private func checkLimit() throws(KafkaCompressionError) {
        guard buffer.readableBytes <= limit else {
            throw KafkaCompressionError(
                .tooLarge,
                codec: codec,
                "the decompressed data exceeds the limit of \(limit) bytes"
            )
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
