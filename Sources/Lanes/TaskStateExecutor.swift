import Foundation
import Synchronization

/// A task executor with a fixed number of threads that records every job it runs: the task,
/// when the job was enqueued (the task became ready), when a thread started it and when it
/// returned (the task suspended or finished), and on which thread.
///
/// From these slices the viewer tells `running` (on a thread), `queued` (ready, waiting for a
/// thread) and `suspended` (between jobs) apart. The fixed width makes starvation reproducible:
/// two threads held by blocking calls stall every other task on the executor, on any machine.
/// Enter it with `Lanes.withTaskStates(threads:_:)`; child tasks inherit it.
public final class TaskStateExecutor: TaskExecutor, Sendable {
    /// How many threads run jobs.
    public let width: Int
    private let pool: WorkerPool

    /// An executor of `threads` threads named `name-1`, `name-2`, …, started now.
    public init(threads: Int, name: String = "lanes-executor") {
        width = max(1, threads)
        pool = WorkerPool(
            WorkerPool.Configuration(
                name: name, maximumThreads: width, runsTaskJobs: true, recordsJobs: true, isWatched: true),
            scopedRecorder: SpanContext.current.recorder)
        // No job can reach the pool before the executor is returned to its creator.
        pool.setJobRunner(.taskExecutor(asUnownedTaskExecutor()))
        pool.startAllThreads()
    }

    /// Queues a job (a task that became ready), noting the time and the enqueuing task for its
    /// slice. A job that arrives after `shutdown()` still runs, on a thread of its own, unrecorded.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let work = WorkerPool.Work(body: .job(job), enqueued: MonotonicClock.now(), enqueuer: TaskIdentity.current())
        guard !pool.submit(work, priority: job.priority.rawValue) else { return }
        let executor = asUnownedTaskExecutor()
        Thread { job.runSynchronously(on: executor) }.start()
    }

    /// Lets the threads exit once the queue is empty. Jobs that still arrive are run on
    /// temporary threads and not recorded.
    public func shutdown() {
        pool.shutdown()
    }

    /// `shutdown()`, then waits until every thread has recorded its last job and exited. Must
    /// not be called from a job of this executor. Blocks the calling thread: for sync code.
    public func shutdownAndWait() {
        pool.shutdownAndWait()
    }

    /// `shutdown()`, then suspends until every thread has recorded its last job and exited,
    /// holding no thread meanwhile (a cooperative thread blocked here could be the one the
    /// program needs to finish). Must not be awaited from a job of this executor.
    public func shutdownAndWait() async {
        await pool.shutdownAndWait()
    }
}
