import CLanesRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Job capture: Lanes as the process's global executor. Every job the Swift runtime would give
/// its default (cooperative) pool — tasks, `async let` and task-group children, continuations
/// resumed, actors scheduled, wake-ups after `Task.sleep` — comes to a `WorkerPool` as wide as
/// the default pool, which records each job as a task-state slice while a process-wide recording
/// runs. The unsafe edge is `Sources/CLanesRuntime/ExecutorHooks.c`; `GlobalExecutorTakeover`
/// decides whether to take over at all.
///
/// What is not preserved from the runtime's own executor: priority escalation of a job already
/// queued (it keeps the band it was enqueued with), and the runtime's thread-QoS handling. The
/// main actor's jobs are not global-executor jobs and keep running on the main thread.
final class GlobalExecutor: Sendable {
    /// The executor, set (and retained for the life of the process) just before the hooks are
    /// installed, and never replaced or removed once they are.
    static let installed = Atomic<Unmanaged<GlobalExecutor>?>(nil)

    /// How many threads run jobs.
    let width: Int
    let pool: WorkerPool
    let timer: DelayedJobTimer

    init(width: Int) {
        self.width = width
        pool = WorkerPool(WorkerPool.Configuration(
            name: "lanes-global", maximumThreads: width, runsTaskJobs: true, recordsJobs: true, isWatched: true))
        pool.setJobRunner(.genericExecutor)
        timer = DelayedJobTimer(pool: pool)
    }

    /// Receives a job from the runtime's hook (on any thread, possibly inside a running job).
    @inline(__always)
    func enqueue(job: UnsafeMutableRawPointer, delay: UInt64) {
        let unownedJob = unsafeBitCast(job, to: UnownedJob.self)
        let enqueuer = lanes_enqueuing_task_id()
        if delay == 0 {
            pool.submit(job: unownedJob, enqueued: MonotonicClock.now(), enqueuer: enqueuer)
        } else {
            timer.schedule(unownedJob, after: delay, enqueuer: enqueuer)
        }
    }
}
