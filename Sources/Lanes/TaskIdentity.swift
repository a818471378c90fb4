import CLanesRuntime

/// Which Swift task is running, as the stable 64-bit id the concurrency runtime gives every task.
///
/// The job an executor receives for a task *is* the task, so `TaskStateExecutor` (from the job)
/// and spans (from the current task) arrive at the same id: that is how task-state slices join to
/// spans. The runtime hands out ids from a counter, so they are small and never reused.
///
/// The id comes from the runtime entry point `UnownedJob.description` uses to print it.
enum TaskIdentity {
    /// The id of the task running on this thread, or 0 when no task is current (plain threads,
    /// Lanes' blocking pool).
    @inline(__always)
    static func current() -> UInt64 {
        lanes_current_task_id()
    }

    /// Whether a Swift task is current on this thread: a synchronous span that starts here holds
    /// an executor thread for as long as it runs.
    @inline(__always)
    static func isOnExecutor() -> Bool {
        lanes_has_current_task() != 0
    }

    /// The id of the task a job belongs to (0 for jobs that are not tasks).
    @inline(__always)
    static func taskID(of job: UnownedJob) -> UInt64 {
        lanes_job_task_id(unsafeBitCast(job, to: UnsafeMutableRawPointer.self))
    }
}
