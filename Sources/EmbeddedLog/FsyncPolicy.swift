/// When the embedded log forces appended batches to stable storage (`fdatasync`), and so which acknowledged records
/// a crash of the machine (not just of the process) can lose. Records are handed to readers only once they are as
/// durable as the policy promises.
public struct FsyncPolicy: Hashable, Sendable, CustomStringConvertible {
    enum Base: Hashable, Sendable {
        case everyBatch
        case interval(milliseconds: Int64)
        case never
    }

    let base: Base

    /// Every `produce` (and raw append) returns only after its batches are fsynced; consumers see records only
    /// after that. Loss window on power failure: none for acknowledged records. Concurrent producers share fsyncs
    /// (group commit). The default.
    public static let everyBatch = FsyncPolicy(base: .everyBatch)

    /// At most one fsync per partition every `milliseconds`: an append fsyncs when the previous fsync is at least that
    /// old, otherwise it returns (and its records become visible) right after the write. Loss window on power
    /// failure: the records acknowledged since the last fsync — about `milliseconds` under steady traffic; when
    /// writes stop, until the next append, ``EmbeddedLog/flush()``, segment roll or close (the kernel usually writes
    /// dirty pages back within ~30 s). A process crash alone loses nothing (the data is in the page cache).
    public static func interval(milliseconds: Int64) -> FsyncPolicy {
        FsyncPolicy(base: .interval(milliseconds: max(0, milliseconds)))
    }

    /// Never fsync on append, only on segment roll, ``EmbeddedLog/flush()`` and close. Loss window on power failure:
    /// whatever the kernel had not written back yet. For tests and throwaway data.
    public static let never = FsyncPolicy(base: .never)

    public var description: String {
        switch base {
        case .everyBatch: "everyBatch"
        case .interval(let milliseconds): "interval(\(milliseconds)ms)"
        case .never: "never"
        }
    }
}
