/// A task executor that starts another thread whenever every one of its threads is busy, so
/// work sent to it always finds a thread. `runSync` drives its async work here: the caller may
/// be blocking the only threads some other executor has, and the work must still finish.
final class UnstarvableExecutor: TaskExecutor, Sendable {
    static let shared = UnstarvableExecutor()

    // These threads run runSync's jobs so they cannot be starved; they are not the app's
    // executor, so they do not count towards "all executor threads held".
    private let pool = WorkerPool(WorkerPool.Configuration(
        name: "lanes-run-sync", maximumThreads: .max, runsTaskJobs: false, recordsJobs: false, isWatched: false))

    private init() {
        // No job can reach the pool before `shared` is published.
        pool.setJobRunner(.taskExecutor(asUnownedTaskExecutor()))
    }

    func enqueue(_ job: consuming ExecutorJob) {
        pool.submit(job: UnownedJob(job), enqueued: 0, enqueuer: 0)
    }
}
