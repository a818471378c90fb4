/// A bounded pool of plain threads for blocking work, so that it never holds one of the
/// executor's few threads. `Lanes.makeAsync` runs its functions here.
///
/// At most `width` functions run at once; the rest wait in order. Threads start on demand and
/// stay for the life of the pool.
public final class BlockingPool: Sendable {
    /// The pool `makeAsync` uses unless given another: 8 threads wide.
    public static let shared = BlockingPool(width: 8, name: "lanes-blocking")

    /// How many functions may run at once.
    public let width: Int
    private let pool: WorkerPool

    /// A pool running at most `width` functions at once on threads named `name`.
    public init(width: Int, name: String = "lanes-blocking") {
        self.width = max(1, width)
        pool = WorkerPool(WorkerPool.Configuration(
            name: name, maximumThreads: self.width, runsTaskJobs: false, recordsJobs: false, isWatched: false))
    }

    /// Queues `work` to run on a pool thread.
    func submit(_ work: @escaping @Sendable () -> Void) {
        pool.submit(work)
    }
}
