/// How a span's wall time divides between the task states of its task: `running` (a job of the
/// task was on a thread), `queued` (ready, waiting for a thread) and `suspended` (awaiting).
/// The three add up to the span's wall time.
public struct SpanStateTimes: Sendable, Equatable {
    /// Nanoseconds a job of the span's task was on a thread.
    public var running: Int64
    /// Nanoseconds the task was ready but waiting for an executor thread.
    public var queued: Int64
    /// Nanoseconds the task was awaiting something and held no thread.
    public var suspended: Int64

    /// Times in nanoseconds that should add up to the span's wall time.
    public init(running: Int64, queued: Int64, suspended: Int64) {
        self.running = running
        self.queued = queued
        self.suspended = suspended
    }
}
