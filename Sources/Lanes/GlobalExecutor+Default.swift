@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import CLanesRuntime

/// Lanes' global executor as the runtime's `Task.defaultExecutor` too, so that the small jobs
/// Swift 6.3's `Task.yield()` and `Task.sleep` hand to the default executor (they do not go
/// through the global-executor hook) come to Lanes' pool instead of taking a detour through the
/// runtime's own threads.
extension GlobalExecutor: TaskExecutor, SchedulingExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        pool.submit(job: unownedJob, enqueued: MonotonicClock.now(), enqueuer: lanes_enqueuing_task_id())
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        let unownedJob = UnownedJob(job)
        let enqueuer = lanes_enqueuing_task_id()
        guard let duration = delay as? Duration else {
            // Only the continuous and suspending clocks schedule through executors, and their
            // durations are `Duration`s; anything else runs now rather than never.
            pool.submit(job: unownedJob, enqueued: MonotonicClock.now(), enqueuer: enqueuer)
            return
        }
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds <= 0 && attoseconds <= 0 ? 0 : seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
        if nanoseconds <= 0 {
            pool.submit(job: unownedJob, enqueued: MonotonicClock.now(), enqueuer: enqueuer)
        } else {
            timer.schedule(unownedJob, after: UInt64(nanoseconds), enqueuer: enqueuer)
        }
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        enqueue(job, after: clock.now.duration(to: instant), tolerance: tolerance, clock: clock)
    }
}

/// The executors `_createExecutors(factory:)` installs: the runtime's own main executor (kept as
/// it is) and Lanes' global executor as the default one.
enum LanesExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { MainActor.executor }
    static var defaultExecutor: any TaskExecutor {
        GlobalExecutor.installed.load(ordering: .acquiring)!.takeUnretainedValue()
    }
}
